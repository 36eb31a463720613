"""Why EM works: the lower bound that touches the likelihood, and EM beside gradient ascent.

Sections 1 and 2 show the fit the sidebar sets (the same settings and URL as every page); section 3
a small fixed data set of its own. Everything drawn comes from ``emlab.why_em_works`` through
``st.cache_resource``, keyed by the settings, so a rerun (a slider, a click) rebuilds only what
changed. Shared, not copied: the results are frozen and nothing changes a figure once built, and
``st.cache_data``'s copy of a plotly figure (unpickling re-validates it) costs ~150 ms per chart.
Clicks change state only in callbacks: a half-step in section 2 chooses the iteration of section 1,
a point in section 3 chooses the start.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from emlab.shared.cache import CACHE_TTL_SECONDS, cached_data, cached_history, chosen_upload
from emlab.shared.controls import data_controls, last_good, model_controls, remember, view_controls_for
from emlab.shared.page import chart, formula, setup_page, start_caption
from emlab.shared.pipeline import LoadedData
from emlab.shared.settings import DataSettings, ModelSettings
from emlab.shared.text import t
from emlab.why_em_works import figures, formulas, landscape
from emlab.why_em_works import model as why
from gmm_core import EMState

PAGE = "why"
ITERATION_KEY, HALF_STEP_KEY = "why_iteration", "why_half_step"
SLICE_KEY, DECOMPOSITION_KEY, LANDSCAPE_KEY = "why_slice", "why_decomposition", "why_landscape"
MU_KEYS, RATE_KEY = ("why_mu1", "why_mu2"), "why_learning_rate"


@dataclass(frozen=True, eq=False)
class Fit:
    """The sidebar's fit as this page needs it (kept as the last good one): cache keys, data, history."""

    key: tuple
    data: LoadedData
    history: list[EMState]
    reg_covar: float


@st.cache_resource(max_entries=32, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_slice(key: tuple, iteration: int, large: bool, _fit: Fit, *, lang: str = "en"):
    piece = why.iteration_slice(_fit.data.X, _fit.history, iteration, _fit.reg_covar)
    return piece, figures.slice_figure(piece, large=large, lang=lang)


@st.cache_resource(max_entries=32, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_decomposition(key: tuple, iteration: int, large: bool, _fit: Fit, *, lang: str = "en"):
    decomposition = why.decompose(_fit.data.X, _fit.history)
    figure = figures.decomposition_figure(decomposition, iteration, large=large, lang=lang)
    return figures.half_step_sentences(decomposition, lang=lang), figure


@st.cache_resource(max_entries=64, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_landscape(mu1: float, mu2: float, learning_rate: float, large: bool, *, lang: str = "en"):
    comparison = why.compare_ascents(mu1, mu2, learning_rate)
    return comparison, landscape.landscape_figure(*why.landscape(), comparison, large=large, lang=lang)


# --------------------------------------------------------------------------- callbacks (the only writers)


def _on_half_step(n_iterations: int) -> None:
    """A click on a half-step: show its sentence, and its iteration in section 1."""
    chosen = why.half_step_from_selection(st.session_state.get(DECOMPOSITION_KEY), n_iterations)
    if chosen is not None:
        st.session_state[HALF_STEP_KEY], st.session_state[ITERATION_KEY] = chosen


def _on_landscape_click() -> None:
    """A click on the landscape: start both ascents there."""
    start = why.start_from_selection(st.session_state.get(LANDSCAPE_KEY))
    if start is not None:
        st.session_state[MU_KEYS[0]], st.session_state[MU_KEYS[1]] = start


# --------------------------------------------------------------------------- the sidebar's fit


def current_fit(data_settings: DataSettings, model: ModelSettings, *, lang: str = "en") -> Fit | None:
    """The fit for the sidebar's settings, or None after saying what to change."""
    uploaded, upload_id = chosen_upload(data_settings)
    if data_settings.source == "upload" and uploaded is None:
        st.warning(t("warn.upload_missing", lang))
        return None
    try:
        data = cached_data(data_settings, uploaded, upload_id)
    except ValueError as error:
        st.error(t("error.data", lang, message=error))
        return None
    if model.k > data.n_samples:
        st.warning(t("warn.k_gt_n", lang, k=model.k, n=data.n_samples))
        return None
    try:
        history = cached_history(data_settings, model, data, upload_id)
    except ValueError as error:
        st.error(t("error.fit", lang, message=error))
        return None
    return Fit((data_settings, model, upload_id), data, history, model.reg_covar)


# --------------------------------------------------------------------------- sections


def bound_section(fit: Fit, large: bool, *, lang: str = "en") -> int:
    """The slice of one iteration, its numbers and formulas; returns the iteration shown."""
    st.header(t("why.bound.header", lang))
    st.markdown(t("why.bound.intro", lang))
    start_caption(fit.key[1], lang=lang)  # the fit's own ModelSettings (also for a kept last good fit)
    n_iterations = why.n_iterations(fit.history)
    if n_iterations >= 2:
        chosen = st.session_state.get(ITERATION_KEY)
        if not isinstance(chosen, int) or not 1 <= chosen <= n_iterations:  # before the widget is drawn
            st.session_state[ITERATION_KEY] = why.readable_iteration(fit.history) if chosen is None else n_iterations
        iteration = st.slider(
            t("why.iteration", lang),
            min_value=1,
            max_value=n_iterations,
            key=ITERATION_KEY,
            help=t("why.iteration.help", lang),
        )
    else:
        iteration = 1
        st.caption(t("why.one_iteration", lang))
    piece, figure = cached_slice(fit.key, iteration, large, fit, lang=lang)
    chart(figure, SLICE_KEY)
    st.caption(t("why.bound.read", lang))
    if piece.off_scale:
        st.caption(t("why.bound.off_scale", lang))
    elif abs(piece.gain) < why.NEGLIGIBLE_GAIN:
        st.caption(t("why.bound.converged", lang))
    columns = st.columns(4)
    columns[0].metric(t("why.metric.before", lang), f"{piece.before:.6f}")
    columns[1].metric(t("why.metric.gain", lang), f"{piece.guaranteed_gain:+.4g}", help=t("why.metric.gain.help", lang))
    columns[2].metric(t("why.metric.bonus", lang), f"{piece.bonus:+.4g}", help=t("why.metric.bonus.help", lang))
    columns[3].metric(t("why.metric.after", lang), f"{piece.after:.6f}", f"{piece.gain:+.4g}")
    if fit.reg_covar == 0:
        st.caption(t("why.reg.zero", lang))
    elif piece.shortfall is None:
        st.caption(t("why.reg.collapse", lang, reg=fit.reg_covar))
    else:
        st.caption(t("why.reg.shortfall", lang, reg=fit.reg_covar, shortfall=max(piece.shortfall, 0.0)))
    formula_section(piece, large, lang=lang)
    return iteration


def formula_section(piece: why.IterationSlice, large: bool, *, lang: str = "en") -> None:
    st.subheader(t("why.formula.header", lang))
    st.caption(t("why.formula.general", lang))
    formula(formulas.decomposition_symbols(), large)
    st.caption(t("why.formula.numbers", lang))
    formula(formulas.iteration_latex(piece), large)
    formula(formulas.chain_latex(piece), large)
    st.caption(t("why.formula.chain", lang))


def decomposition_section(fit: Fit, iteration: int, large: bool, *, lang: str = "en") -> None:
    st.header(t("why.dec.header", lang))
    st.markdown(t("why.dec.intro", lang))
    sentences, figure = cached_decomposition(fit.key, iteration, large, fit, lang=lang)
    chart(
        figure,
        DECOMPOSITION_KEY,
        on_select=lambda: _on_half_step(why.n_iterations(fit.history)),
        selection_mode="points",
    )
    chosen = st.session_state.get(HALF_STEP_KEY)
    if isinstance(chosen, int) and 0 <= chosen < len(sentences):
        label = t("why.dec.label", lang, iteration=chosen // 2 + 1, phase="EM"[chosen % 2])
        st.info(t("why.dec.chosen", lang, label=label, sentence=sentences[chosen]))


def landscape_section(large: bool, *, lang: str = "en") -> None:
    """The landscape with both paths beside the controls, the step counts and one sentence per method."""
    st.header(t("why.ga.header", lang))
    st.markdown(t("why.ga.intro", lang, tol=why.GRADIENT_TOL))
    chart_column, side = (st.container(), st.container()) if large else st.columns([3, 2])  # a projector: one column
    for key, default in zip(MU_KEYS, why.DEFAULT_START, strict=True):
        st.session_state.setdefault(key, default)  # set here, not by the widget: a click's callback also sets it
    starts = [
        column.number_input(
            t(f"why.ga.mu{index + 1}", lang),
            min_value=why.MU_RANGE[0],
            max_value=why.MU_RANGE[1],
            step=0.1,
            format="%.1f",
            key=key,
            help=t("why.ga.start.help", lang),
        )
        for index, (column, key) in enumerate(zip(side.columns(2), MU_KEYS, strict=True))
    ]
    rate = side.select_slider(
        t("why.ga.rate", lang),
        options=why.LEARNING_RATES,
        value=why.DEFAULT_LEARNING_RATE,
        format_func=lambda value: f"{value:g}",
        key=RATE_KEY,
        help=t("why.ga.rate.help", lang),
    )
    comparison, figure = cached_landscape(float(starts[0]), float(starts[1]), float(rate), large, lang=lang)
    chart(figure, LANDSCAPE_KEY, where=chart_column, on_select=_on_landscape_click, selection_mode="points")
    chart_column.caption(t("why.ga.click_hint", lang))
    em, ascent = comparison.em, comparison.ascent
    not_reached = t("why.ga.not_reached", lang, max_steps=why.MAX_STEPS)
    left, right = side.columns(2)
    left.metric(t("why.ga.em_steps", lang), em.n_steps if em.converged else not_reached)
    right.metric(t("why.ga.ascent_steps", lang), ascent.n_steps if ascent.converged else not_reached)
    side.markdown(t(f"why.em.{comparison.em_outcome}", lang, steps=em.n_steps))
    side.markdown(
        t(f"why.ascent.{comparison.ascent_outcome}", lang, rate=comparison.learning_rate, steps=ascent.n_steps)
    )


def main() -> None:
    lang = setup_page("nav.why")
    st.title(t("why.title", lang))
    st.caption(t("why.lead", lang))
    data_settings = data_controls(lang=lang)
    model = model_controls(lang=lang)
    fit = current_fit(data_settings, model, lang=lang)
    view = view_controls_for(None, lang=lang)  # no view of the data on this page
    if fit is not None:
        remember(PAGE, fit)
    else:
        fit = last_good(PAGE)
        if fit is not None:
            st.info(t("error.kept", lang))
    if fit is not None:
        iteration = bound_section(fit, view.large, lang=lang)
        decomposition_section(fit, iteration, view.large, lang=lang)
    landscape_section(view.large, lang=lang)


main()
