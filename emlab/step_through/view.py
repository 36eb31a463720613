"""What the step-through page shows for a session, built without Streamlit: sentences, figures, formulas, tables.

The page draws these; every one is a pure function of the session (and of what the student
selected), so the same walk shows the same page.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from emlab.shared.style import component_name
from emlab.shared.text import t
from emlab.step_through import formulas
from emlab.step_through.controller import StepSession
from emlab.step_through.curve import log_likelihood_figure
from emlab.step_through.figures import pick_figure, step_figure
from emlab.step_through.scene import Scene
from emlab.step_through.walk import E_PHASE, INIT_PHASE, M_PHASE, ManualStart, Walk
from gmm_core import m_step_terms, mean_shifts, point_like_components, responsibility_terms

# --------------------------------------------------------------------------- status


def status_text(session: StepSession, *, lang: str = "en") -> str:
    """Where the walk stands, what the last half-step changed, what comes next and why (one paragraph)."""
    walk = session.walk
    state = walk.steps[walk.cursor]
    where = t(f"step.where.{state.phase}", lang, iteration=state.iteration)
    points = ""
    if state.phase != M_PHASE and point_like_components(session.data, state.params).any():
        points = t("step.start.points", lang)
    parts = (where, points, _what_changed(walk, lang=lang), _next_text(walk, lang=lang))
    return " ".join(part for part in parts if part)


def manual_message(manual: ManualStart, k: int, picking: bool, *, lang: str = "en") -> str:
    """How many starting means are chosen (while picking), or which rows EM started from."""
    if not picking:
        return t("step.manual.started", lang, k=k, rows=", ".join(str(r) for r in manual.rows))
    return t("step.manual.ready" if manual.ready(k) else "step.manual.picking", lang, k=k, chosen=len(manual.rows))


def steps_caption(walk: Walk, *, lang: str = "en") -> str:
    return t("step.steps", lang, step=walk.cursor, computed=len(walk.steps) - 1)


def _what_changed(walk: Walk, *, lang: str = "en") -> str:
    """One sentence on what the half-step on screen changed (empty at the start)."""
    state = walk.steps[walk.cursor]
    if state.phase == E_PHASE:
        changed = walk.changed_labels()
        if changed is None:
            return t("step.changed.first", lang)
        if changed.any():
            return t("step.changed.count", lang, count=int(changed.sum()), n=walk.data.n_samples)
        return t("step.changed.none", lang)
    if state.phase == M_PHASE:
        shift = mean_shifts(walk.steps[walk.cursor - 1].params, state.params)
        largest = int(np.argmax(shift))
        return t("step.moved", lang, name=component_name(largest), distance=float(shift[largest]))
    return ""


def _next_text(walk: Walk, *, lang: str = "en") -> str:
    state = walk.steps[walk.cursor]
    if walk.next_phase == M_PHASE:
        return t("step.next.M", lang)
    if walk.next_phase == E_PHASE:
        return t("step.next.E_start" if state.phase == INIT_PHASE else "step.next.E", lang)
    if state.converged:
        return t("step.next.converged", lang, change=f"{state.change:.2e}", tol=f"{walk.tol:g}")
    return t("step.next.max_iter", lang, max_iter=walk.max_iter, tol=f"{walk.tol:g}")


# --------------------------------------------------------------------------- charts


def walk_figure(scene: Scene, walk: Walk, selected: int, *, lang: str = "en") -> go.Figure:
    """The chart of the state on screen (the selected point is marked after an E-step, where its numbers are)."""
    state = walk.current
    return step_figure(
        scene,
        state,
        walk.previous,
        changed=walk.changed_labels(),
        selected=selected if state.phase == E_PHASE else None,
        lang=lang,
    )


def picking_figure(scene: Scene, X: np.ndarray, manual: ManualStart, *, lang: str = "en") -> go.Figure:
    """The data alone, with the points clicked so far as numbered crosses."""
    rows = manual.rows
    if not rows:
        coordinates = np.zeros((0, 2), dtype=np.float32)
    elif scene.one_feature:
        coordinates = np.column_stack([X[list(rows), 0], np.zeros(len(rows))]).astype(np.float32)
    else:
        coordinates = scene.view.points(X[list(rows)])  # gmm_core.project_points, as every drawn point
    return pick_figure(scene, rows, coordinates, lang=lang)


@dataclass(frozen=True, eq=False)
class LogLikelihoodPanel:
    """The metric beside the chart (label, value, change since the iteration before) and the curve so far."""

    label: str
    value: str
    delta: str | None
    figure: go.Figure | None


def log_likelihood_panel(walk: Walk, large: bool, *, lang: str = "en") -> LogLikelihoodPanel:
    state = walk.steps[walk.cursor]
    if state.log_likelihood is None:
        label, value, delta = t("step.ll.metric", lang, iteration=0), "-", None
    else:
        label, value = t("step.ll.metric", lang, iteration=state.iteration), f"{state.log_likelihood:.6f}"
        delta = None if state.change is None else f"{state.change:+.3e}"
    iterations, values = walk.log_likelihood_curve()
    figure = None
    if len(iterations):
        current = state.iteration if state.log_likelihood is not None else None
        figure = log_likelihood_figure(iterations, values, current, large=large, lang=lang)
    return LogLikelihoodPanel(label, value, delta, figure)


# --------------------------------------------------------------------------- formulas


@dataclass(frozen=True)
class EStepNumbers:
    """The E-step for one point: the formula with its numbers, its table rows, and whether a density underflowed."""

    latex: str
    rows: list[dict]
    underflow: bool


def e_step_numbers(session: StepSession, selected: int, *, lang: str = "en") -> EStepNumbers:
    walk = session.walk
    terms = responsibility_terms(session.data, walk.steps[walk.cursor].params, selected)
    before = walk.responsibilities(walk.cursor - 1)
    return EStepNumbers(
        formulas.responsibility_latex(terms),
        formulas.responsibility_rows(terms, None if before is None else before[selected], lang=lang),
        bool(np.any(terms.densities == 0.0)),
    )


@dataclass(frozen=True)
class MStepNumbers:
    """The M-step for one component: its updates with numbers, before and after, and the table of all components."""

    updates: str
    before_after: str
    rows: list[dict]


def m_step_numbers(session: StepSession, component: int, *, lang: str = "en") -> MStepNumbers:
    walk = session.walk
    terms = m_step_terms(
        session.data,
        walk.responsibilities(walk.cursor),
        walk.steps[walk.cursor - 1].params,
        covariance_type=walk.covariance_type,
        reg_covar=walk.reg_covar,
        after=walk.steps[walk.cursor].params,
    )
    return MStepNumbers(
        formulas.m_step_latex(terms, component),
        formulas.before_after_latex(terms, component, lang=lang),
        formulas.m_step_rows(terms, lang=lang),
    )
