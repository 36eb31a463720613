"""How many components? BIC and AIC against K for each covariance type, and the winning fit.

The search is ``gmm_core.select_n_components`` (through ``emlab.choose_k.model.compare_models``),
the same code ``GaussianMixtureEM(n_components=None)`` runs, so the code shown under the charts
gives the same answer. Results are cached per settings: the progress bar appears only when the
models really have to be fitted.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from emlab.choose_k.figures import criterion_figure, winner_figure
from emlab.choose_k.keys import KEYS
from emlab.choose_k.model import (
    K_MAX_RANGE,
    N_INIT_RANGE,
    ChooseKSettings,
    ComparisonStore,
    ModelComparison,
    compare_models,
    estimator_code,
    selection_table,
    true_components,
)
from emlab.shared.cache import CACHE_TTL_SECONDS, load_chosen_data
from emlab.shared.controls import data_controls, kept_result, remember, view_controls_for
from emlab.shared.light_blocks import code_block_html
from emlab.shared.page import chart, setup_page
from emlab.shared.pipeline import LoadedData
from emlab.shared.settings import DataSettings, ViewSettings
from emlab.shared.text import t
from gmm_core import COVARIANCE_TYPES

PAGE = "choose_k"


@st.cache_resource(show_spinner=False)
def comparison_store() -> ComparisonStore:
    """One bounded store of finished comparisons per server (see :class:`ComparisonStore`)."""
    return ComparisonStore(max_entries=16)


def comparison_for(
    data_settings: DataSettings, settings: ChooseKSettings, upload_id: str, data: LoadedData, *, lang: str = "en"
):
    """The comparison for the settings: from the store, or fitted now with a progress bar."""
    store = comparison_store()
    key = (data_settings, settings, upload_id)
    comparison = store.get(key)
    if comparison is not None:
        return comparison
    bar = st.progress(0.0, text=progress_text(0, 1, settings, lang=lang))
    comparison = compare_models(
        data.X,
        settings,
        on_progress=lambda done, total: bar.progress(done / total, progress_text(done, total, settings, lang=lang)),
    )
    bar.empty()
    store.put(key, comparison)
    return comparison


def progress_text(done: int, total: int, settings: ChooseKSettings, *, lang: str = "en") -> str:
    return t(
        "ck.progress",
        lang,
        done=done,
        total=total,
        k_max=settings.k_max,
        n_types=len(settings.covariance_types),
        n_init=settings.n_init,
    )


@st.cache_data(max_entries=16, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_figures(
    data_settings: DataSettings,
    settings: ChooseKSettings,
    view: ViewSettings,
    upload_id: str,
    _data: LoadedData,
    _comparison: ModelComparison,
    *,
    lang: str = "en",
) -> tuple[go.Figure, go.Figure]:
    """The criterion chart and the winning fit for the settings (same inputs, byte-identical figures)."""
    criteria = criterion_figure(_comparison, true_components(_data), large=view.large, lang=lang)
    return criteria, winner_figure(_comparison, _data, view, lang=lang)


def main() -> None:
    lang = setup_page("nav.choose_k")
    st.title(t("ck.title", lang))
    st.markdown(t("ck.intro", lang))
    data_settings = data_controls(lang=lang)
    chosen = load_chosen_data(data_settings, lang=lang)
    if chosen is None:
        return
    data, upload_id = chosen.data, chosen.upload_id
    view = view_controls_for(data, lang=lang)
    settings = search_controls(lang=lang)
    if not settings.covariance_types:
        st.warning(t("ck.no_types", lang))
        return
    try:
        comparison = comparison_for(data_settings, settings, upload_id, data, lang=lang)
        figures = cached_figures(data_settings, settings, view, upload_id, data, comparison, lang=lang)
    except ValueError as error:
        st.error(t("error.fit", lang, message=error))
        previous = kept_result(PAGE, lang=lang)
        if previous is None:
            return
        comparison, figures, data = previous
    else:
        remember(PAGE, (comparison, figures, data))
    show(comparison, figures, data, lang=lang)


def search_controls(*, lang: str = "en") -> ChooseKSettings:
    """The page's own controls (keys in ``emlab.choose_k.keys``, bound to the URL like the sidebar's)."""
    default = ChooseKSettings()
    columns = st.columns([4, 2, 2, 1.2, 1], gap="medium")
    types = columns[0].multiselect(
        t("ck.types", lang),
        options=COVARIANCE_TYPES,
        default=list(default.covariance_types),
        key=KEYS.covariance_types,
        help=t("ck.types.help", lang),
        bind="query-params",
    )
    k_max = columns[1].slider(
        t("ck.kmax", lang),
        min_value=K_MAX_RANGE[0],
        max_value=K_MAX_RANGE[1],
        value=default.k_max,
        key=KEYS.k_max,
        bind="query-params",
    )
    n_init = columns[2].slider(
        t("ck.n_init", lang),
        min_value=N_INIT_RANGE[0],
        max_value=N_INIT_RANGE[1],
        value=default.n_init,
        key=KEYS.n_init,
        help=t("ck.n_init.help", lang),
        bind="query-params",
    )
    criterion = columns[3].radio(
        t("ck.criterion", lang),
        options=("BIC", "AIC"),
        key=KEYS.criterion,
        help=t("ck.criterion.help", lang),
        horizontal=True,
        bind="query-params",
    )
    seed = columns[4].number_input(
        t("ck.seed", lang), min_value=0, max_value=9999, value=default.seed, step=1, key=KEYS.seed, bind="query-params"
    )
    ordered = tuple(kind for kind in COVARIANCE_TYPES if kind in types)
    return ChooseKSettings(ordered, int(k_max), int(n_init), criterion.lower(), int(seed))


def show(
    comparison: ModelComparison, figures: tuple[go.Figure, go.Figure], data: LoadedData, *, lang: str = "en"
) -> None:
    criteria, fit = figures
    true_k = true_components(data)
    settings = comparison.settings
    st.success(
        t(
            "ck.winner",
            lang,
            cov=comparison.winner_type,
            k=comparison.winner_k,
            criterion=settings.criterion.upper(),
            score=comparison.winner_score,
        )
        + " "
        + (t("ck.truth", lang, k_true=true_k) if true_k is not None else t("ck.truth_unknown", lang)),
        icon=":material/emoji_events:",
    )
    chart(criteria, KEYS.criteria_chart)
    st.caption(t("ck.chart_caption", lang))
    fit_column, side_column = st.columns([3, 2], gap="medium")
    with fit_column:
        st.subheader(t("ck.fit_title", lang, cov=comparison.winner_type, k=comparison.winner_k))
        chart(fit, KEYS.fit_chart)
        if data.n_features == 1:
            st.caption(t("ck.one_feature", lang))
    with side_column:
        st.markdown(selection_table(comparison, lang=lang))
    st.markdown(t("ck.code", lang))
    st.html(code_block_html(estimator_code(comparison, lang=lang)))


main()
