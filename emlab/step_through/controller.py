"""What each click on the step-through page does: pure functions from the tab's state to its new state (no Streamlit).

The page keeps one :class:`StepSession` per browser tab. A button, a click on the chart or a
change of the sidebar goes through one function here, which returns what changes (the new
session, the notice to show, the selected row, the manual start) as session-state updates keyed
by :data:`emlab.step_through.keys.KEYS`; the page's callbacks only write them. The ``on_*``
functions are those callbacks' work: they read the tab's state (any mapping, such as
``st.session_state``) and return the updates. Every function computes at most the next
half-step, so a click never reruns EM from the start.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from emlab.shared.pipeline import LoadedData, starting_params
from emlab.shared.settings import ModelSettings
from emlab.shared.text import t
from emlab.step_through import walk as stepper
from emlab.step_through.keys import BACK, E_STEP, ITERATION, KEYS, M_STEP, RESET, RUN
from emlab.step_through.walk import ManualStart, Walk
from gmm_core import PreparedData, initialize_from_means, most_uncertain_point

METHOD, MANUAL = "method", "manual"  # where EM starts: the sidebar's method, or rows clicked on the chart
START_CHOICES = (METHOD, MANUAL)


@dataclass(frozen=True)
class Notice:
    """A message under the status line: ``kind`` "info" or "error", a catalogue key and its values."""

    kind: str
    key: str
    values: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``."""
        return t(self.key, lang, **dict(self.values))


@dataclass(frozen=True, eq=False)
class StepSession:
    """One tab's walk through EM and what it belongs to.

    ``key`` is (data key, model settings, start); ``loaded`` is the data set as loaded (shared,
    immutable); the walk holds the data prepared once for this tab's E- and M-steps.
    """

    key: tuple
    loaded: LoadedData
    walk: Walk

    @property
    def data(self) -> PreparedData:
        return self.walk.data

    @property
    def data_key(self) -> tuple:
        return self.key[0]


@dataclass(frozen=True, eq=False)
class Outcome:
    """What a button or a settings change leaves: the session to keep and the notice to show (or None)."""

    session: StepSession
    notice: Notice | None

    def updates(self) -> dict[str, Any]:
        """The session-state entries to write."""
        return {KEYS.session: self.session, KEYS.notice: self.notice}


# --------------------------------------------------------------------------- buttons


def press(action: str, session: StepSession) -> Outcome:
    """Apply one step button: a no-op with a notice when it is not the next step, an error notice when it fails."""
    notice = noop_notice(action, session.walk)
    if notice:
        return Outcome(session, Notice("info", notice))
    try:
        walk = apply(action, session.walk)
    except ValueError as error:
        return Outcome(session, Notice("error", "step.error.step", (("message", error),)))
    return Outcome(replace(session, walk=walk), None)


def apply(action: str, walk: Walk) -> Walk:
    """The walk after the step button ``action`` (one of the keys in ``emlab.step_through.keys.BUTTONS``)."""
    steps = {
        E_STEP: stepper.advance_e,
        M_STEP: stepper.advance_m,
        ITERATION: stepper.advance_iteration,
        BACK: stepper.back,
        RUN: stepper.run_to_convergence,
        RESET: stepper.reset,
    }
    return steps[action](walk)


def noop_notice(action: str, walk: Walk) -> str | None:
    """The catalogue key explaining why ``action`` does nothing now, or None when it does something."""
    if action in (BACK, RESET):
        return "step.noop.at_start" if walk.cursor == 0 else None
    if walk.next_phase is None:
        return "step.noop.finished"
    if action == E_STEP and walk.next_phase == stepper.M_PHASE:
        return "step.noop.e_done"
    if action == M_STEP and walk.next_phase == stepper.E_PHASE:
        return "step.noop.need_e" if walk.steps[walk.cursor].phase == stepper.INIT_PHASE else "step.noop.m_done"
    return None


def primary_button(walk: Walk | None) -> str | None:
    """The button that does the next half-step (drawn as the primary one), or None when none does."""
    next_phase = walk.next_phase if walk is not None else None
    return {stepper.E_PHASE: E_STEP, stepper.M_PHASE: M_STEP}.get(next_phase)


# --------------------------------------------------------------------------- the walk for these settings


def start_session(current: StepSession | None, key: tuple, loaded: LoadedData, model: ModelSettings) -> Outcome:
    """A new walk for ``key`` = (data key, model settings, start), from the start it asks for.

    The data prepared for the current session is reused when the data is the same. The notice
    says the walk started again when the data or the model changed (not on a first visit, and not
    when only the start changed: the student asked for that).

    Raises ValueError (from the core) when EM cannot start with these settings.
    """
    data_key, _, start = key
    same_data = current is not None and current.data_key == data_key
    data = current.data if same_data else PreparedData(loaded.X)
    if start[0] == MANUAL:
        params = initialize_from_means(
            data, loaded.X[list(start[1])], covariance_type=model.cov, reg_covar=model.reg_covar
        )
    else:
        params = starting_params(loaded, model)
    walk = stepper.start_walk(data, params, reg_covar=model.reg_covar, tol=model.tol, max_iter=model.max_iter)
    restarted = current is not None and current.key[:2] != key[:2]
    return Outcome(StepSession(key, loaded, walk), Notice("info", "step.reset_notice") if restarted else None)


def desired_start(mode: str, manual: ManualStart, k: int) -> tuple | None:
    """("method",), ("manual", rows) once the student started from K clicked points, or None while picking."""
    if mode != MANUAL:
        return (METHOD,)
    if manual.started and manual.ready(k):
        return (MANUAL, manual.rows)
    return None


# --------------------------------------------------------------------------- choosing points


def manual_for(stored, data_key: tuple) -> ManualStart:
    """The manual start being picked for this data set (a fresh one if ``stored`` belongs to other data)."""
    if isinstance(stored, ManualStart) and stored.data_key == data_key:
        return stored
    return ManualStart(data_key)


def manual_go(manual: ManualStart, k: int) -> dict[str, Any]:
    """Start from the chosen points, once there are ``k`` of them."""
    return {KEYS.manual: replace(manual, started=True)} if manual.ready(k) else {}


def manual_clear() -> dict[str, Any]:
    return {KEYS.manual: None}


def chart_click(event, *, picking: bool, manual: ManualStart, k: int) -> dict[str, Any]:
    """A click on the chart: toggles a starting mean while picking, else selects the point whose numbers are shown."""
    rows = rows_from_selection(event)
    if not rows:
        return {}
    if picking:
        return {KEYS.manual: manual.toggled(rows[0], k)}
    return {KEYS.point: rows[0]}


def rows_from_selection(event) -> list[int]:
    """Data rows of the points clicked on a step figure (from ``st.plotly_chart(..., on_select=...)``'s state).

    Only the click-target trace carries customdata, so clicks on other traces (a mean, a ring)
    name no row and are ignored.
    """
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return []
    rows = []
    for point in points:
        custom = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(custom, list):
            custom = custom[0] if custom else None
        if isinstance(custom, int | float) and not isinstance(custom, bool):
            rows.append(int(custom))
    return rows


def select_uncertain(session: StepSession | None) -> dict[str, Any]:
    """Select the point whose responsibilities are most evenly shared (highest entropy)."""
    if session is None:
        return {}
    responsibilities = session.walk.responsibilities(session.walk.cursor)
    return {} if responsibilities is None else {KEYS.point: most_uncertain_point(responsibilities)}


def selections_in_range(state: Mapping[str, Any], n_samples: int, n_components: int) -> dict[str, Any]:
    """The selected point and component, corrected when N or K shrank (only the ones that change).

    The page writes these before drawing the widgets they belong to.
    """
    point, component = state.get(KEYS.point, 0), state.get(KEYS.component, 0)
    updates = {}
    if not (isinstance(point, int) and 0 <= point < n_samples):
        updates[KEYS.point] = min(max(int(point or 0), 0), n_samples - 1)
    if component not in range(n_components):
        updates[KEYS.component] = 0
    return updates


# --------------------------------------------------------------------------- the page's callbacks


def on_step(state: Mapping[str, Any], action: str) -> dict[str, Any]:
    """A step button: the new session and its notice (nothing before a walk exists)."""
    session = state.get(KEYS.session)
    return {} if session is None else press(action, session).updates()


def on_chart_select(state: Mapping[str, Any], picking: bool, k: int, data_key: tuple) -> dict[str, Any]:
    manual = manual_for(state.get(KEYS.manual), data_key)
    return chart_click(state.get(KEYS.chart), picking=picking, manual=manual, k=k)


def on_manual_go(state: Mapping[str, Any], k: int, data_key: tuple) -> dict[str, Any]:
    return manual_go(manual_for(state.get(KEYS.manual), data_key), k)


def on_manual_clear(state: Mapping[str, Any]) -> dict[str, Any]:
    return manual_clear()


def on_select_uncertain(state: Mapping[str, Any]) -> dict[str, Any]:
    return select_uncertain(state.get(KEYS.session))


def session_for(state: Mapping[str, Any], key: tuple, loaded: LoadedData, model: ModelSettings) -> Outcome | None:
    """The new session (and notice) when the tab has none for ``key``, or None to keep the current one.

    Raises ValueError (from the core) when EM cannot start with these settings.
    """
    current = state.get(KEYS.session)
    if current is not None and current.key == key:
        return None
    return start_session(current, key, loaded, model)
