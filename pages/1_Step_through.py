"""Step through EM: one half-step per click, with the numbers and formulas behind it.

The page a student keeps open during the homework and a lecturer steps through with the keyboard.
State: one :class:`StepSession` per browser tab in ``st.session_state["step_session"]``: the
settings it belongs to, the prepared data, and an ``emlab.step_through.walk.Walk`` (the half-steps computed
so far plus a cursor). Buttons and chart clicks change state only in their callbacks, each
computing at most the next half-step. The script itself writes state in two places only: it
starts a walk when none exists for the current settings (first visit, or the sidebar changed; the
page says so), and it keeps the selected point and component within range before drawing their
widgets when N or K shrank.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from emlab.shared.cache import cached_data, chosen_upload
from emlab.shared.controls import data_controls, model_controls, view_controls
from emlab.shared.page import setup_page
from emlab.shared.pipeline import LoadedData, starting_params
from emlab.shared.settings import ModelSettings, ViewSettings
from emlab.shared.style import component_name
from emlab.shared.text import t
from emlab.step_through import formulas
from emlab.step_through import walk as stepper
from emlab.step_through.figures import (
    Scene,
    log_likelihood_figure,
    make_scene,
    pick_figure,
    rows_from_selection,
    step_figure,
)
from emlab.step_through.walk import ManualStart
from gmm_core import (
    PreparedData,
    initialize_from_means,
    m_step_terms,
    mean_shifts,
    most_uncertain_point,
    point_like_components,
    responsibility_terms,
)

METHOD, MANUAL = "method", "manual"


@dataclass(frozen=True)
class Button:
    key: str
    label: str
    shortcut: str
    icon: str


BUTTONS = (
    Button("e_step", "step.button.e", "E", ":material/palette:"),
    Button("m_step", "step.button.m", "M", ":material/open_with:"),
    Button("em_iteration", "step.button.iteration", "N", ":material/redo:"),
    Button("step_back", "step.button.back", "B", ":material/undo:"),
    Button("run_to_convergence", "step.button.run", "G", ":material/fast_forward:"),
    Button("reset", "step.button.reset", "0", ":material/restart_alt:"),
)


@dataclass(frozen=True, eq=False)
class StepSession:
    """One tab's walk through EM and what it belongs to.

    ``key`` is (data key, model settings, start); ``loaded`` and ``data`` are the data set as
    loaded (shared, immutable) and prepared once for this tab's e_step/m_step calls.
    """

    key: tuple
    loaded: LoadedData
    data: PreparedData
    walk: stepper.Walk


# --------------------------------------------------------------------------- callbacks (the only writers)


def _on_step(action: str) -> None:
    """Apply one button to the walk: a no-op with a notice when it is not the next step."""
    session: StepSession | None = st.session_state.get("step_session")
    if session is None:
        return
    notice = _noop_notice(action, session.walk)
    if notice:
        st.session_state["step_notice"] = ("info", t(notice))
        return
    try:
        walk = _apply(action, session.walk, session.data)
    except ValueError as error:
        st.session_state["step_notice"] = ("error", t("step.error.step", message=error))
        return
    st.session_state["step_session"] = replace(session, walk=walk)
    st.session_state["step_notice"] = None


def _apply(action: str, walk: stepper.Walk, data: PreparedData) -> stepper.Walk:
    if action == "step_back":
        return stepper.back(walk)
    if action == "reset":
        return stepper.reset(walk)
    step = {
        "e_step": stepper.advance_e,
        "m_step": stepper.advance_m,
        "em_iteration": stepper.advance_iteration,
        "run_to_convergence": stepper.run_to_convergence,
    }[action]
    return step(walk, data)


def _noop_notice(action: str, walk: stepper.Walk) -> str | None:
    """The catalogue key explaining why ``action`` does nothing now, or None when it does something."""
    if action in ("step_back", "reset"):
        return "step.noop.at_start" if walk.cursor == 0 else None
    if walk.next_phase is None:
        return "step.noop.finished"
    if action == "e_step" and walk.next_phase == stepper.M_PHASE:
        return "step.noop.e_done"
    if action == "m_step" and walk.next_phase == stepper.E_PHASE:
        return "step.noop.need_e" if walk.current.phase == stepper.INIT_PHASE else "step.noop.m_done"
    return None


def _on_chart_select(picking: bool, k: int, data_key: tuple) -> None:
    """A click on the chart: choose the point whose numbers are shown, or toggle a starting mean."""
    rows = rows_from_selection(st.session_state.get("step_chart"))
    if not rows:
        return
    if picking:
        st.session_state["step_manual"] = _manual_for(data_key).toggled(rows[0], k)
    else:
        st.session_state["step_point"] = rows[0]


def _on_manual_go(k: int, data_key: tuple) -> None:
    manual = _manual_for(data_key)
    if manual.ready(k):
        st.session_state["step_manual"] = replace(manual, started=True)


def _on_manual_clear() -> None:
    st.session_state["step_manual"] = None


def _on_select_uncertain() -> None:
    """Select the point whose responsibilities are most evenly shared (highest entropy)."""
    session: StepSession | None = st.session_state.get("step_session")
    if session is None or session.walk.current.responsibilities is None:
        return
    st.session_state["step_point"] = most_uncertain_point(session.walk.current.responsibilities)


def _manual_for(data_key: tuple) -> ManualStart:
    manual = st.session_state.get("step_manual")
    if isinstance(manual, ManualStart) and manual.data_key == data_key:
        return manual
    return ManualStart(data_key)


# --------------------------------------------------------------------------- the walk for these settings


def _desired_start(mode: str, data_key: tuple, k: int) -> tuple | None:
    """("method",), ("manual", rows) once the student started from K clicked points, or None while picking."""
    if mode != MANUAL:
        return (METHOD,)
    manual = _manual_for(data_key)
    if manual.started and manual.ready(k):
        return (MANUAL, manual.rows)
    return None


def _session_for(key: tuple, loaded: LoadedData, model: ModelSettings) -> StepSession:
    """This tab's session for ``key``: the current one, or a new walk from the start it asks for.

    Raises ValueError (from the core) when EM cannot start with these settings.
    """
    session: StepSession | None = st.session_state.get("step_session")
    if session is not None and session.key == key:
        return session
    data_key, _, start = key
    same_data = session is not None and session.key[0] == data_key
    data = session.data if same_data else PreparedData(loaded.X)
    if start[0] == MANUAL:
        params = initialize_from_means(
            data, loaded.X[list(start[1])], covariance_type=model.cov, reg_covar=model.reg_covar
        )
    else:
        params = starting_params(loaded, model)
    walk = stepper.start_walk(params, reg_covar=model.reg_covar, tol=model.tol, max_iter=model.max_iter)
    if session is not None and session.key[:2] != key[:2]:
        st.session_state["step_notice"] = ("info", t("step.reset_notice"))
    else:
        st.session_state["step_notice"] = None
    new_session = StepSession(key, loaded, data, walk)
    st.session_state["step_session"] = new_session
    return new_session


# --------------------------------------------------------------------------- drawing


def _start_choice() -> str:
    """The sidebar choice of where EM starts (beside the initialisation method it can replace)."""
    choice = st.sidebar.radio(
        t("step.start"),
        options=(METHOD, MANUAL),
        format_func=lambda option: t(f"step.start.{option}"),
        key="step_start",
        persist_state="session",
        help=t("step.start.help"),
    )
    return choice or METHOD


def _manual_controls(k: int, data_key: tuple, picking: bool) -> None:
    """How many starting means are chosen, and the buttons to start from them or pick again."""
    manual = _manual_for(data_key)
    message, buttons = st.columns([3, 2], vertical_alignment="center")
    if picking:
        key = "step.manual.ready" if manual.ready(k) else "step.manual.picking"
        message.markdown(t(key, k=k, chosen=len(manual.rows)))
    else:
        message.markdown(t("step.manual.started", k=k, rows=", ".join(str(r) for r in manual.rows)))
    row = buttons.container(horizontal=True, gap="small")
    if picking:  # removed (not disabled) once started, so keyboard focus does not stay on a dead button
        row.button(
            t("step.manual.go"),
            key="step_manual_go",
            type="primary" if manual.ready(k) else "secondary",
            disabled=not manual.ready(k),
            help=t("step.manual.go.help"),
            on_click=_on_manual_go,
            args=(k, data_key),
            icon=":material/play_arrow:",
        )
    row.button(
        t("step.manual.clear"),
        key="step_manual_clear",
        help=t("step.manual.clear.help"),
        on_click=_on_manual_clear,
        icon=":material/ads_click:",
    )


def _step_buttons(walk: stepper.Walk | None, disabled: bool) -> None:
    next_phase = walk.next_phase if walk is not None else None
    primary = {stepper.E_PHASE: "e_step", stepper.M_PHASE: "m_step"}.get(next_phase)
    row = st.container(horizontal=True, gap="small")
    for button in BUTTONS:
        row.button(
            t(button.label),
            key=button.key,
            type="primary" if button.key == primary else "secondary",
            help=t(f"{button.label}.help"),
            on_click=_on_step,
            args=(button.key,),
            shortcut=button.shortcut,
            icon=button.icon,
            disabled=disabled,
        )


def _status(session: StepSession) -> None:
    """Where the walk stands, what the last half-step changed, what comes next and why."""
    walk = session.walk
    state = walk.current
    where = t(f"step.where.{state.phase}", iteration=state.iteration)
    points = ""
    if state.phase != stepper.M_PHASE and point_like_components(session.data, state.params).any():
        points = t("step.start.points")
    parts = (where, points, _what_changed(walk, session.data.n_samples), _next_text(walk))
    st.markdown(" ".join(part for part in parts if part))
    st.caption(t("step.steps", step=walk.cursor, computed=len(walk.states) - 1))
    notice = st.session_state.get("step_notice")
    if notice:
        kind, text = notice
        (st.error if kind == "error" else st.info)(text)


def _next_text(walk: stepper.Walk) -> str:
    state = walk.current
    if walk.next_phase == stepper.M_PHASE:
        return t("step.next.M")
    if walk.next_phase == stepper.E_PHASE:
        return t("step.next.E_start" if state.phase == stepper.INIT_PHASE else "step.next.E")
    if state.converged:
        return t("step.next.converged", change=f"{state.change:.2e}", tol=f"{walk.tol:g}")
    return t("step.next.max_iter", max_iter=walk.max_iter, tol=f"{walk.tol:g}")


def _selected_point(n_samples: int) -> int:
    """The row whose numbers are shown (kept within the data when N shrinks)."""
    row = st.session_state.get("step_point", 0)
    if not isinstance(row, int) or not 0 <= row < n_samples:
        row = min(max(int(row or 0), 0), n_samples - 1)
        st.session_state["step_point"] = row  # before the widget is drawn in this run
    return row


def _pick_coordinates(scene: Scene, X: np.ndarray, rows: tuple[int, ...]) -> np.ndarray:
    if not rows:
        return np.zeros((0, 2), dtype=np.float32)
    if scene.one_feature:
        return np.column_stack([X[list(rows), 0], np.zeros(len(rows))]).astype(np.float32)
    return scene.view.points(X[list(rows)])


def _walk_figure(scene: Scene, walk: stepper.Walk, selected: int):
    """The chart of the state on screen (the selected point is marked after an E-step, where its numbers are)."""
    state = walk.current
    return step_figure(
        scene,
        state,
        walk.previous,
        changed=walk.changed_labels(),
        selected=selected if state.phase == stepper.E_PHASE else None,
    )


def _plot(figure, *, picking: bool, k: int, data_key: tuple) -> None:
    """The clickable chart: a click selects a point (or, while picking, a starting mean)."""
    st.plotly_chart(
        figure,
        key="step_chart",
        on_select=partial(_on_chart_select, picking, k, data_key),
        selection_mode="points",
        config={"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]},
    )


def _log_likelihood_panel(walk: stepper.Walk, large: bool) -> None:
    state = walk.current
    st.subheader(t("step.ll.header"))
    if state.log_likelihood is None:
        st.metric(t("step.ll.metric", iteration=0), "-", help=t("step.ll.help"))
        st.caption(t("step.ll.none"))
    else:
        delta = None if state.change is None else f"{state.change:+.3e}"
        st.metric(
            t("step.ll.metric", iteration=state.iteration), f"{state.log_likelihood:.6f}", delta, help=t("step.ll.help")
        )
    st.markdown(t("step.ll.guarantee"))
    iterations, values = walk.log_likelihood_curve()
    if len(iterations):
        current = state.iteration if state.log_likelihood is not None else None
        st.plotly_chart(log_likelihood_figure(iterations, values, current, large=large), key="step_ll_chart")


def _what_changed(walk: stepper.Walk, n_samples: int) -> str:
    """One sentence on what the half-step on screen changed (empty at the start)."""
    state = walk.current
    if state.phase == stepper.E_PHASE:
        changed = walk.changed_labels()
        if changed is None:
            return t("step.changed.first")
        if changed.any():
            return t("step.changed.count", count=int(changed.sum()), n=n_samples)
        return t("step.changed.none")
    if state.phase == stepper.M_PHASE and walk.previous is not None:
        shift = mean_shifts(walk.previous.params, state.params)
        largest = int(np.argmax(shift))
        return t("step.moved", name=component_name(largest), distance=float(shift[largest]))
    return ""


def _latex(body: str, large: bool) -> None:
    """A formula, one size up in presentation mode (for the back row)."""
    st.latex((r"\large " if large else "") + body)


def _formulas(session: StepSession, selected: int, large: bool) -> None:
    walk = session.walk
    state = walk.current
    if state.phase == stepper.INIT_PHASE:
        st.info(t("step.formula.init"))
    elif state.phase == stepper.E_PHASE:
        _e_step_formulas(session, selected, large)
    else:
        _m_step_formulas(session, large)


def _e_step_formulas(session: StepSession, selected: int, large: bool) -> None:
    walk = session.walk
    st.subheader(t("step.formula.header_e"))
    pick, uncertain, hint = st.columns([1, 1, 3], vertical_alignment="bottom")
    pick.number_input(
        t("step.formula.point"),
        min_value=0,
        max_value=session.data.n_samples - 1,
        step=1,
        key="step_point",
        help=t("step.formula.point.help"),
        persist_state="session",
    )
    uncertain.button(
        t("step.formula.uncertain"),
        key="step_uncertain",
        help=t("step.formula.uncertain.help"),
        on_click=_on_select_uncertain,
        icon=":material/balance:",
    )
    hint.caption(t("step.formula.click_hint"))
    terms = responsibility_terms(session.data, walk.current.params, selected)
    _latex(formulas.responsibility_formula(), large)
    st.caption(t("step.formula.general_e"))
    _latex(formulas.responsibility_latex(terms), large)
    previous = walk.previous.responsibilities if walk.previous is not None else None
    before = previous[selected] if previous is not None else None
    st.markdown(f"**{t('step.formula.table_e')}**")
    st.dataframe(
        pd.DataFrame(formulas.responsibility_rows(terms, before)),
        hide_index=True,
        key="step_table_e",
    )
    if np.any(terms.densities == 0.0):
        st.caption(t("step.formula.tiny"))


def _m_step_formulas(session: StepSession, large: bool) -> None:
    walk = session.walk
    state, previous = walk.current, walk.previous
    st.subheader(t("step.formula.header_m"))
    n_components = state.params.n_components
    if st.session_state.get("step_component", 0) not in range(n_components):
        st.session_state["step_component"] = 0  # before the widget is drawn in this run
    k = st.radio(
        t("step.formula.component"),
        options=range(n_components),
        format_func=component_name,
        key="step_component",
        persist_state="session",
        horizontal=True,
        help=t("step.formula.component.help"),
    )
    terms = m_step_terms(
        session.data,
        state.responsibilities,
        previous.params,
        covariance_type=walk.covariance_type,
        reg_covar=walk.reg_covar,
        after=state.params,
    )
    st.caption(t("step.formula.general_m"))
    _latex(formulas.m_step_latex(terms, k), large)
    st.caption(t("step.formula.before_after"))
    _latex(formulas.before_after_latex(terms, k), large)
    st.markdown(f"**{t('step.formula.table_m')}**")
    st.dataframe(pd.DataFrame(formulas.m_step_rows(terms)), hide_index=True, key="step_table_m")


# --------------------------------------------------------------------------- the page


def main() -> None:
    setup_page("nav.step")
    data_settings = data_controls()
    model = model_controls()
    uploaded, upload_id = chosen_upload(data_settings)
    data_key = (data_settings, upload_id)
    st.title(t("step.title"))
    st.caption(t("step.intro"))
    session: StepSession | None = st.session_state.get("step_session")
    try:
        loaded = cached_data(data_settings, uploaded, upload_id)
    except ValueError as error:
        if data_settings.source == "upload" and uploaded is None:
            st.warning(t("warn.upload_missing"))
        else:
            st.error(t("error.data", message=error))
        _start_choice()
        view_settings = view_controls(session.loaded.feature_names if session else ("x1", "x2"))
        if session is not None:
            _show_stale(session, view_settings)
        return
    mode = _start_choice()
    view_settings = view_controls(loaded.feature_names, truth_known=loaded.true_params is not None)
    start = _desired_start(mode, data_key, model.k)
    if mode == MANUAL:
        _manual_controls(model.k, data_key, picking=start is None)
    if start is None:
        _step_buttons(None, disabled=True)
        _show_picking(loaded, view_settings, data_key, model.k)
        return
    try:
        session = _session_for((data_key, model, start), loaded, model)
    except ValueError as error:
        st.error(t("step.error.start", message=error))
        if session is not None:
            _show_stale(session, view_settings)
        return
    _show_walk(session, view_settings, data_key, model.k)


def _show_walk(
    session: StepSession, view_settings: ViewSettings, data_key: tuple, k: int, *, stale: bool = False
) -> None:
    """The buttons, the status, the chart with its log-likelihood panel, and the formulas."""
    walk = session.walk
    _step_buttons(walk, disabled=stale)
    _status(session)
    loaded = session.loaded
    selected = _selected_point(loaded.n_samples)
    scene = make_scene(loaded.X, loaded.feature_names, view_settings, loaded.true_params)
    chart, panel = st.columns([5, 2])
    with chart:
        _plot(_walk_figure(scene, walk, selected), picking=False, k=k, data_key=data_key)
    with panel:
        _log_likelihood_panel(walk, view_settings.large)
    st.divider()
    _formulas(session, selected, view_settings.large)


def _show_stale(session: StepSession, view_settings: ViewSettings) -> None:
    """The last walk that worked, with its buttons paused until the settings work again."""
    st.warning(t("step.error.stale"))
    _show_walk(session, view_settings, session.key[0], session.walk.current.params.n_components, stale=True)


def _show_picking(loaded: LoadedData, view_settings: ViewSettings, data_key: tuple, k: int) -> None:
    """The data alone, for clicking the starting means."""
    scene = make_scene(loaded.X, loaded.feature_names, view_settings, loaded.true_params)
    rows = _manual_for(data_key).rows
    figure = pick_figure(scene, rows, _pick_coordinates(scene, loaded.X, rows))
    _plot(figure, picking=True, k=k, data_key=data_key)


main()
