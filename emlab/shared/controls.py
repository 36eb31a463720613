"""The sidebar every page shares: data, model and view controls, bound to the URL.

Every widget's key is its query-parameter name (``bind="query-params"``), so a link carries
the exact data, model and view to another browser, and to another page of the app. Bound
choice widgets put their *displayed* label in the URL, so their options are the stable ids
themselves (``cov=diag``, ``init=kmeans``) and the explanation goes in the help text.

Moving to another page through the sidebar drops the query string, and each page has its own
widgets, so every bound value is also remembered in the session (``SESSION.settings_memory``) and given
back to the same-keyed widget on the next page: the data and model a student chose follow them
from the playground to the step-through page and back.

What the pages tell students to move stays in view (data source, layout, N, true K, fitted K,
covariance type, initialisation, the start after the first M-step, the view toggles). The rest
waits in two popovers whose labels show their values ("Shape: D = 2 · α = 10 · ... · seed 0",
"EM options: seed 5 · reg_covar 1e-06 · ..."): every widget costs the browser 10-15 ms to draw
before the page's chart, and a closed popover draws nothing (issue 10). The widgets inside are
bound and remembered like all others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import streamlit as st

from emlab.shared import settings
from emlab.shared.language import DEFAULT_LANGUAGE, language_label, parse_language
from emlab.shared.pipeline import LoadedData
from emlab.shared.settings import DataSettings, ModelSettings, ViewSettings
from emlab.shared.state_keys import PARAM, SESSION
from emlab.shared.style import PROJECTOR_CSS
from emlab.shared.text import LANGUAGES, t
from gmm_core import COVARIANCE_TYPES, INIT_METHODS

WORD_JOINER, NO_BREAK_SPACE = "\u2060", "\u00a0"  # see unbreakable
ALPHA_CHOICES = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
SESSION_DEFAULTS: dict[str, Any] = {
    SESSION.uploaded_dataset: None,
    SESSION.upload_id: "",
    SESSION.last_good: {},
    SESSION.settings_memory: {},
}


def init_state() -> None:
    """Create the non-widget session state every page relies on (idempotent)."""
    set_defaults(st.session_state, SESSION_DEFAULTS)


def set_defaults(state, defaults: dict[str, Any]) -> None:
    """Give every key of ``defaults`` missing from ``state`` its default (a fresh copy of a dict)."""
    for key, value in defaults.items():
        if key not in state:
            state[key] = value.copy() if isinstance(value, dict) else value


def _bound(widget, label: str, key: str, **kwargs):
    """Draw ``widget`` bound to the URL parameter ``key``, carrying its value across pages."""
    _give_back(key, kwargs)
    value = widget(label, key=key, bind="query-params", **kwargs)
    st.session_state[SESSION.settings_memory][key] = value
    return value


def _give_back(key: str, widget_arguments: dict) -> None:
    """On arrival from another page, give the widget ``key`` its remembered value (unless the URL sets one)."""
    init_state()
    memory = st.session_state[SESSION.settings_memory]
    arrived = st.session_state.get(SESSION.arrived, False)
    if arrived and key not in st.query_params and key in memory and _fits(memory[key], widget_arguments):
        st.session_state[key] = memory[key]


@dataclass(frozen=True)
class _Setting:
    """A rarely moved number widget, drawn in a popover: the ``st`` function's name and its arguments."""

    widget: str
    label: str
    key: str
    arguments: dict


def _in_popover(container, settings: list[_Setting], caption) -> dict[str, Any]:
    """Draw ``settings`` in a popover of ``container`` labelled ``caption(values)``; returns the values by key.

    Settings a student rarely moves wait behind one button, and a closed popover costs the browser
    nothing to draw, while its label still shows every value. The label is made before the widgets
    (a popover's label is fixed when it is drawn), so it shows the values the widgets are about to
    take; if one of them differs after all (Streamlit corrected a value from the URL), the run is
    repeated once so the label says what the widgets hold.
    """
    for setting in settings:
        _give_back(setting.key, setting.arguments)
    expected = {setting.key: _value_to_come(setting.key, setting.arguments) for setting in settings}
    with container.popover(caption(expected), width="stretch"):
        values = {s.key: _bound(getattr(st, s.widget), s.label, s.key, **s.arguments) for s in settings}
    repeated_key = f"{SESSION.relabelled}:{settings[0].key}"
    repeated = st.session_state.pop(repeated_key, False)
    if values != expected and not repeated:
        st.session_state[repeated_key] = True
        st.rerun()
    return values


def _value_to_come(key: str, widget_arguments: dict):
    """The value the number widget ``key`` will take in this run: its state, else the URL's, else its default."""
    if key in st.session_state:
        return st.session_state[key]
    default = widget_arguments["value"]
    try:
        number = float(st.query_params[key])
    except (KeyError, ValueError):
        return default
    if "options" in widget_arguments:
        number = next((option for option in widget_arguments["options"] if math.isclose(option, number)), default)
    value = type(default)(number)
    return value if _fits(value, widget_arguments) else default


def language_control() -> str:
    """The sidebar's language choice (English / 中文); returns ``"en"`` or ``"zh"``.

    Kept in the URL as ``lang=zh`` (left out for English, the default) like every other setting,
    and carried to the next page. Not a ``bind="query-params"`` widget: a bound choice puts its
    displayed label in the URL (``lang=中文``), while the contract is ``lang=en|zh``, so the
    widget shows the names and this function keeps the URL and the session in step.
    """
    init_state()
    lang = page_language()
    st.session_state[SESSION.language_choice] = lang
    st.sidebar.segmented_control(
        t("language.label", lang),
        LANGUAGES,
        format_func=language_label,
        key=SESSION.language_choice,
        on_change=_language_chosen,
        label_visibility="collapsed",
    )
    return lang


def page_language() -> str:
    """This run's language: the URL's ``lang``, else (on arrival from another page) the one carried, else English.

    Also writes it back to the URL (when not English) and to the session, so a shared link and
    the next page keep it.
    """
    init_state()
    memory = st.session_state[SESSION.settings_memory]
    if PARAM.lang in st.query_params:
        lang = parse_language(st.query_params.get_all(PARAM.lang))
    elif st.session_state.get(SESSION.arrived, False) and PARAM.lang in memory:
        lang = memory[PARAM.lang]
    else:
        lang = st.session_state.get(SESSION.language, DEFAULT_LANGUAGE)
    _set_language(lang)
    return lang


def _set_language(lang: str) -> None:
    memory = st.session_state[SESSION.settings_memory]
    memory[PARAM.lang] = st.session_state[SESSION.language] = lang
    if lang == DEFAULT_LANGUAGE:
        if PARAM.lang in st.query_params:
            del st.query_params[PARAM.lang]
    elif st.query_params.get(PARAM.lang) != lang:
        st.query_params[PARAM.lang] = lang


def _language_chosen() -> None:
    """The control's callback: the new choice (clicking the chosen one again keeps it)."""
    chosen = st.session_state.get(SESSION.language_choice)
    _set_language(chosen if chosen in LANGUAGES else st.session_state.get(SESSION.language, DEFAULT_LANGUAGE))


def note_page(page_id: str) -> None:
    """Record which page is running; remembered settings are given back only on arrival at a page.

    On later reruns of the same page the widgets hold the student's own changes (also the ones
    back to a default value, which the URL then leaves out), so nothing is given back.
    """
    init_state()
    st.session_state[SESSION.arrived] = st.session_state.get(SESSION.current_page) != page_id
    st.session_state[SESSION.current_page] = page_id


def _fits(value, widget_arguments: dict) -> bool:
    """Whether a remembered value is still a valid choice for the widget about to be drawn."""
    if "options" in widget_arguments:
        return value in tuple(widget_arguments["options"])
    low, high = widget_arguments.get("min_value"), widget_arguments.get("max_value")
    return (low is None or value >= low) and (high is None or value <= high)


def data_controls(*, lang: str | None = None) -> DataSettings:
    """Sidebar controls for the data; returns what they say (generator controls only for synthetic data)."""
    lang = lang or page_language()
    default = DataSettings()
    sidebar = st.sidebar
    sidebar.header(t("data.header", lang))
    source = _bound(
        sidebar.selectbox,
        t("data.source", lang),
        PARAM.source,
        options=settings.SOURCES,
        help=t("data.source.help", lang),
    )
    if source != "synthetic":
        return DataSettings(source=source)
    layout = _bound(
        sidebar.radio,
        t("data.layout", lang),
        PARAM.layout,
        options=settings.LAYOUTS,
        help=t("data.layout.help", lang),
        horizontal=True,
    )
    n = _bound(sidebar.slider, t("data.n", lang), PARAM.n, **_between(settings.N_RANGE, default.n, step=10))
    k_true_range = _between(settings.K_TRUE_RANGE, default.k_true)
    k_true = _bound(sidebar.slider, t("data.k_true", lang), PARAM.k_true, **k_true_range)
    shape = [
        _Setting("slider", t("data.d", lang), PARAM.d, _between(settings.D_RANGE, default.d)),
        _Setting(
            "select_slider",
            t("data.alpha", lang),
            PARAM.alpha,
            dict(options=ALPHA_CHOICES, value=default.alpha, help=t("data.alpha.help", lang)),
        ),
    ]
    if layout == "spread":
        for name, key, value_range, value in (
            ("separation", PARAM.separation, settings.SEPARATION_RANGE, default.separation),
            ("elongation", PARAM.elongation, settings.ELONGATION_RANGE, default.elongation),
        ):
            arguments = _between(value_range, value, step=0.5, help=t(f"data.{name}.help", lang))
            shape.append(_Setting("slider", t(f"data.{name}", lang), key, arguments))
    shape.append(_seed(t("data.seed", lang), PARAM.data_seed, default.data_seed))
    values = _in_popover(sidebar, shape, lambda chosen: _popover_label("data.shape", chosen, lang))
    d, alpha, data_seed = values[PARAM.d], values[PARAM.alpha], values[PARAM.data_seed]
    separation = values.get(PARAM.separation, default.separation)
    elongation = values.get(PARAM.elongation, default.elongation)
    return DataSettings(
        source, int(n), int(k_true), int(d), float(alpha), int(data_seed), float(separation), float(elongation), layout
    )


def _seed(label: str, key: str, value: int) -> _Setting:
    return _Setting("number_input", label, key, _between(settings.SEED_RANGE, value, step=1))


def _between(value_range: tuple, value, **more) -> dict:
    """A number widget's arguments: its range (min, max) and default ``value``, and ``more``."""
    return dict(min_value=value_range[0], max_value=value_range[1], value=value, **more)


def _popover_label(prefix: str, values: dict[str, Any], lang: str) -> str:
    """A popover's label: its name and every value in it, as ``Shape: D = 2 · α = 10 · seed 0``."""
    shown = (t(f"{prefix}.{key}", lang, value=f"{value:g}") for key, value in values.items())
    return t(f"{prefix}.label", lang, values=" · ".join(unbreakable(part) for part in shown))


def unbreakable(text: str) -> str:
    """``text`` that a wrapping label never breaks (not at ``1e-06``'s hyphen, nor between Chinese characters)."""
    return WORD_JOINER.join(text.replace(" ", NO_BREAK_SPACE))


def model_controls(*, lang: str | None = None) -> ModelSettings:
    """Sidebar controls for the model and the EM run."""
    lang = lang or page_language()
    default = ModelSettings()
    sidebar = st.sidebar
    sidebar.header(t("model.header", lang))
    k = _bound(sidebar.slider, t("model.k", lang), PARAM.k, **_between(settings.K_RANGE, default.k))
    cov = _bound(
        sidebar.selectbox, t("model.cov", lang), PARAM.cov, options=COVARIANCE_TYPES, help=t("model.cov.help", lang)
    )
    init = _bound(
        sidebar.selectbox,
        t("model.init", lang),
        PARAM.init,
        options=INIT_METHODS,
        index=INIT_METHODS.index(default.init),
        help=t("model.init.help", lang),
    )
    after_first_m_step = _bound(
        sidebar.checkbox,
        t("model.after_m1", lang),
        PARAM.after_first_m_step,
        value=default.after_first_m_step,
        help=t("model.after_m1.help", lang),
    )
    options = [
        _seed(t("model.seed", lang), PARAM.model_seed, default.model_seed),
        _Setting(
            "select_slider",
            t("model.reg_covar", lang),
            PARAM.reg_covar,
            dict(options=settings.REG_COVAR_CHOICES, value=default.reg_covar),
        ),
        _Setting(
            "slider", t("model.max_iter", lang), PARAM.max_iter, _between(settings.MAX_ITER_RANGE, default.max_iter)
        ),
        _Setting(
            "select_slider", t("model.tol", lang), PARAM.tol, dict(options=settings.TOL_CHOICES, value=default.tol)
        ),
    ]
    values = _in_popover(sidebar, options, lambda chosen: _popover_label("model.options", chosen, lang))
    model_seed, reg_covar = values[PARAM.model_seed], values[PARAM.reg_covar]
    max_iter, tol = values[PARAM.max_iter], values[PARAM.tol]
    return ModelSettings(
        int(k), cov, init, float(reg_covar), int(max_iter), float(tol), int(model_seed), bool(after_first_m_step)
    )


def view_controls(
    feature_names: tuple[str, ...], truth_toggle: bool = True, *, lang: str | None = None
) -> ViewSettings:
    """Sidebar controls for how the fit is drawn: which 2-D view, truth overlay, presentation mode.

    Only a control that changes the page is offered: the choice of 2-D view needs three or more
    ``feature_names`` (none on a page that draws no view of the data), and ``truth_toggle`` is False
    when the truth is unknown (real data) or the page draws it itself (the data's story), never
    dashed. A control left out keeps its value for the pages that offer it (the settings memory).
    """
    lang = lang or page_language()
    default = ViewSettings()
    sidebar = st.sidebar
    sidebar.header(t("view.header", lang))
    projection, x_feature, y_feature = default.projection, 0, 1
    if len(feature_names) > 2:
        projection = _bound(
            sidebar.radio,
            t("view.projection", lang),
            PARAM.projection,
            options=settings.PROJECTIONS,
            help=t("view.projection.help", lang),
            horizontal=True,
        )
        if projection == "features":
            x_name = _bound(sidebar.selectbox, t("view.x", lang), PARAM.x_feature, options=feature_names, index=0)
            y_name = _bound(sidebar.selectbox, t("view.y", lang), PARAM.y_feature, options=feature_names, index=1)
            x_feature, y_feature = feature_names.index(x_name), feature_names.index(y_name)
            if x_feature == y_feature:
                sidebar.warning(t("warn.same_features", lang))
    show_truth = truth_toggle and _bound(sidebar.toggle, t("view.truth", lang), PARAM.truth, value=default.show_truth)
    large = _bound(sidebar.toggle, t("view.large", lang), PARAM.large, value=False, help=t("view.large.help", lang))
    _dress_for_projector(large)
    return ViewSettings(projection, int(x_feature), int(y_feature), bool(show_truth), bool(large))


def _dress_for_projector(large: bool) -> None:
    """Presentation mode: larger page text (``PROJECTOR_CSS``); the sidebar folded so charts take the width.

    Streamlit folds it only when the state changes, never once the user has opened or closed it here.
    """
    st.set_page_config(initial_sidebar_state="collapsed" if large else "auto")
    if large:
        st.html(PROJECTOR_CSS)


def view_controls_for(data: LoadedData | None, *, lang: str | None = None) -> ViewSettings:
    """:func:`view_controls` for a page that draws ``data`` with its truth dashed; None draws no data.

    With None (nothing loaded, or a page with no view of the data) only presentation mode is offered.
    """
    if data is None:
        return view_controls((), truth_toggle=False, lang=lang)
    return view_controls(data.feature_names, truth_toggle=data.true_params is not None, lang=lang)


def uploaded_dataset():
    """The data set uploaded on the 'Your own data' page in this session (or None) and its id."""
    init_state()
    return st.session_state[SESSION.uploaded_dataset], st.session_state[SESSION.upload_id]


def remember(page: str, value) -> None:
    """Keep ``value`` as the last good result of ``page``, shown again if a later setting fails."""
    st.session_state[SESSION.last_good][page] = value


def last_good(page: str):
    """The last good result of ``page`` in this session, or None."""
    return st.session_state[SESSION.last_good].get(page)


def kept_result(page: str, *, lang: str | None = None):
    """After a failed setting: the last good result of ``page``, said to be the old one (None if none).

    Bad input never takes the picture away: the page shows this below its error message.
    """
    lang = lang or page_language()
    previous = last_good(page)
    if previous is not None:
        st.info(t("error.kept", lang))
    return previous
