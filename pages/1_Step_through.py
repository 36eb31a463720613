"""Step through EM: one half-step per click, with the numbers and formulas behind it.

The page a student keeps open during the homework and a lecturer steps through with the keyboard.
This file draws: what a click does is ``emlab.step_through.controller``'s (callbacks only write the
updates it returns), what is shown is built by ``emlab.step_through.view``. Besides callbacks the
script writes state only to start a walk for new settings and to keep selections within N and K.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from emlab.shared.cache import cached_data, chosen_upload
from emlab.shared.controls import data_controls, model_controls, view_controls_for
from emlab.shared.page import chart, formula, setup_page, start_caption, titled_table, why_em_works_link
from emlab.shared.settings import ViewSettings
from emlab.shared.style import component_name
from emlab.shared.text import t
from emlab.step_through import controller, view
from emlab.step_through.controller import MANUAL, METHOD, START_CHOICES, StepSession
from emlab.step_through.formulas import responsibility_formula
from emlab.step_through.keys import BUTTONS, KEYS, MANUAL_CLEAR, MANUAL_GO, UNCERTAIN, Button
from emlab.step_through.scene import make_scene
from emlab.step_through.walk import E_PHASE, INIT_PHASE, Walk

# --------------------------------------------------------------------------- callbacks (the only writers)


def _write(change, *args) -> None:
    """The callback of every button and chart click: write the updates the controller returns."""
    st.session_state.update(change(st.session_state, *args))


def _manual(data_key: tuple):
    return controller.manual_for(st.session_state.get(KEYS.manual), data_key)


# --------------------------------------------------------------------------- drawing


def _start_choice(*, lang: str = "en") -> str:
    """The sidebar choice of where EM starts (beside the initialisation method it can replace)."""
    choice = st.sidebar.radio(
        t("step.start", lang),
        options=START_CHOICES,
        format_func=lambda option: t(f"step.start.{option}", lang),
        key=KEYS.start,
        persist_state="session",
        help=t("step.start.help", lang),
    )
    return choice or METHOD


def _button(where, button: Button, change, *args, lang: str = "en", **options) -> None:
    """A button whose click writes what ``change`` (a controller function) returns."""
    where.button(
        t(button.label, lang),
        key=button.key,
        help=t(f"{button.label}.help", lang),
        icon=button.icon,
        shortcut=button.shortcut,
        on_click=_write,
        args=(change, *args),
        **options,
    )


def _manual_controls(k: int, data_key: tuple, picking: bool, *, lang: str = "en") -> None:
    """How many starting means are chosen, and the buttons to start from them or pick again."""
    manual = _manual(data_key)
    message, buttons = st.columns([3, 2], vertical_alignment="center")
    message.markdown(view.manual_message(manual, k, picking, lang=lang))
    row = buttons.container(horizontal=True, gap="small")
    if picking:  # removed (not disabled) once started, so keyboard focus does not stay on a dead button
        ready = manual.ready(k)
        kind = "primary" if ready else "secondary"
        _button(row, MANUAL_GO, controller.on_manual_go, k, data_key, type=kind, disabled=not ready, lang=lang)
    _button(row, MANUAL_CLEAR, controller.on_manual_clear, lang=lang)


def _step_buttons(walk: Walk | None, disabled: bool, *, lang: str = "en") -> None:
    primary = controller.primary_button(walk)
    row = st.container(horizontal=True, gap="small")
    for button in BUTTONS:
        kind = "primary" if button.key == primary else "secondary"
        _button(row, button, controller.on_step, button.key, type=kind, disabled=disabled, lang=lang)


def _plot(figure, *, picking: bool, k: int, data_key: tuple) -> None:
    """The clickable chart: a click selects a point (or, while picking, a starting mean)."""
    chart(
        figure,
        KEYS.chart,
        config={"modeBarButtonsToRemove": ["select2d", "lasso2d"]},
        on_select=partial(_write, controller.on_chart_select, picking, k, data_key),
        selection_mode="points",
    )


def _log_likelihood_panel(walk: Walk, large: bool, *, lang: str = "en") -> None:
    panel = view.log_likelihood_panel(walk, large, lang=lang)
    st.subheader(t("step.ll.header", lang))
    st.metric(panel.label, panel.value, panel.delta, help=t("step.ll.help", lang))
    if walk.steps[walk.cursor].log_likelihood is None:
        st.caption(t("step.ll.none", lang))
    why_em_works_link(t("step.ll.guarantee", lang), lang=lang)
    if panel.figure is not None:
        chart(panel.figure, KEYS.log_likelihood_chart)


def _e_step_formulas(session: StepSession, selected: int, large: bool, *, lang: str = "en") -> None:
    st.subheader(t("step.formula.header_e", lang))
    pick, uncertain, hint = st.columns([1, 1, 3], vertical_alignment="bottom")
    pick.number_input(
        t("step.formula.point", lang),
        min_value=0,
        max_value=session.data.n_samples - 1,
        step=1,
        key=KEYS.point,
        help=t("step.formula.point.help", lang),
        persist_state="session",
    )
    _button(uncertain, UNCERTAIN, controller.on_select_uncertain, lang=lang)
    hint.caption(t("step.formula.click_hint", lang))
    numbers = view.e_step_numbers(session, selected, lang=lang)
    formula(responsibility_formula(), large)
    st.caption(t("step.formula.general_e", lang))
    formula(numbers.latex, large)
    titled_table(t("step.formula.table_e", lang), numbers.rows)
    if numbers.underflow:
        st.caption(t("step.formula.tiny", lang))


def _m_step_formulas(session: StepSession, large: bool, *, lang: str = "en") -> None:
    st.subheader(t("step.formula.header_m", lang))
    n_components = session.walk.steps[0].params.n_components
    k = st.radio(
        t("step.formula.component", lang),
        options=range(n_components),
        format_func=component_name,
        key=KEYS.component,
        persist_state="session",
        horizontal=True,
        help=t("step.formula.component.help", lang),
    )
    numbers = view.m_step_numbers(session, k, lang=lang)
    st.caption(t("step.formula.general_m", lang))
    formula(numbers.updates, large)
    st.caption(t("step.formula.before_after", lang))
    formula(numbers.before_after, large)
    titled_table(t("step.formula.table_m", lang), numbers.rows)


# --------------------------------------------------------------------------- the page


def main() -> None:
    lang = setup_page("nav.step")
    data_settings = data_controls(lang=lang)
    model = model_controls(lang=lang)
    uploaded, upload_id = chosen_upload(data_settings)
    data_key = (data_settings, upload_id)
    st.title(t("step.title", lang))
    st.caption(t("step.intro", lang))
    session: StepSession | None = st.session_state.get(KEYS.session)
    try:
        loaded = cached_data(data_settings, uploaded, upload_id)
    except ValueError as error:
        if data_settings.source == "upload" and uploaded is None:
            st.warning(t("warn.upload_missing", lang))
        else:
            st.error(t("error.data", lang, message=error))
        _start_choice(lang=lang)
        view_settings = view_controls_for(session.loaded if session else None, lang=lang)
        if session is not None:
            _show_stale(session, view_settings, lang=lang)
        return
    mode = _start_choice(lang=lang)
    view_settings = view_controls_for(loaded, lang=lang)
    start = controller.desired_start(mode, _manual(data_key), model.k)
    if mode == MANUAL:
        _manual_controls(model.k, data_key, picking=start is None, lang=lang)
    if start is None:
        _step_buttons(None, disabled=True, lang=lang)
        scene = make_scene(loaded.X, loaded.feature_names, view_settings, loaded.true_params, lang=lang)
        figure = view.picking_figure(scene, loaded.X, _manual(data_key), lang=lang)
        _plot(figure, picking=True, k=model.k, data_key=data_key)
        return
    try:
        outcome = controller.session_for(st.session_state, (data_key, model, start), loaded, model)
    except ValueError as error:
        st.error(t("step.error.start", lang, message=error))
        if session is not None:
            _show_stale(session, view_settings, lang=lang)
        return
    st.session_state.update(outcome.updates() if outcome else {})
    if mode == METHOD:  # a start from clicked points is drawn as it is
        start_caption(model, lang=lang)
    _walk_view(view_settings, model.k, lang=lang)


@st.fragment
def _walk_view(view_settings: ViewSettings, k: int, *, lang: str = "en") -> None:
    """The walk as a fragment: a click reruns it alone, not the sidebar and intro (75 -> 33-38 messages)."""
    _show_walk(st.session_state[KEYS.session], view_settings, k, lang=lang)


def _show_walk(session: StepSession, view_settings: ViewSettings, k: int, *, stale=False, lang="en") -> None:
    """The buttons, the status, the chart with its log-likelihood panel, and the formulas."""
    walk, loaded, large = session.walk, session.loaded, view_settings.large
    _step_buttons(walk, disabled=stale, lang=lang)
    st.markdown(view.status_text(session, lang=lang))
    st.caption(view.steps_caption(walk, lang=lang))
    if notice := st.session_state.get(KEYS.notice):
        (st.error if notice.kind == "error" else st.info)(notice.text(lang))
    st.session_state.update(controller.selections_in_range(st.session_state, loaded.n_samples, k))
    selected = st.session_state.get(KEYS.point, 0)
    scene = make_scene(loaded.X, loaded.feature_names, view_settings, loaded.true_params, lang=lang)
    chart, panel = st.columns([5, 2])
    with chart:
        _plot(view.walk_figure(scene, walk, selected, lang=lang), picking=False, k=k, data_key=session.data_key)
    with panel:
        _log_likelihood_panel(walk, large, lang=lang)
    st.divider()
    phase = walk.steps[walk.cursor].phase
    if phase == INIT_PHASE:
        st.info(t("step.formula.init", lang))
    elif phase == E_PHASE:
        _e_step_formulas(session, selected, large, lang=lang)
    else:
        _m_step_formulas(session, large, lang=lang)


def _show_stale(session: StepSession, view_settings: ViewSettings, *, lang: str = "en") -> None:
    """The last walk that worked, with its buttons paused until the settings work again."""
    st.warning(t("step.error.stale", lang))
    _show_walk(session, view_settings, session.walk.steps[0].params.n_components, stale=True, lang=lang)


main()
