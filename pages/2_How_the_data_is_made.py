"""How the data is made: the Dirichlet -> multinomial -> Gaussian story, with the Playground's own numbers.

The data comes from the shared sidebar controls and the shared cache (``cached_data``), so the
class probabilities, counts and points shown here are exactly those the Playground fits for the
same settings; the link at the bottom carries the settings there.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from emlab.shared.cache import CACHE_TTL_SECONDS, cached_data
from emlab.shared.controls import data_controls, kept_result, remember, view_controls, view_controls_for
from emlab.shared.formulas import dirichlet_latex, gaussian_latex, multinomial_latex
from emlab.shared.page import chart, setup_page
from emlab.shared.settings import DataSettings, ViewSettings
from emlab.shared.state_keys import PARAM
from emlab.shared.text import t
from emlab.story.keys import KEYS
from emlab.story.model import Story, build_story

PAGE = "story"
DRAW_CHOICES = (50, 100, 200, 500, 1000)
# Keys of the shared controls that a link to the Playground carries (data and view; not this page's own).
LINKED_KEYS = (
    *(PARAM.source, PARAM.layout, PARAM.n, PARAM.k_true, PARAM.d, PARAM.alpha, PARAM.data_seed),
    *(PARAM.separation, PARAM.elongation, PARAM.projection, PARAM.x_feature, PARAM.y_feature, PARAM.large),
)


@st.cache_data(max_entries=32, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_story(data_settings: DataSettings, view: ViewSettings, n_draws: int, *, lang: str = "en") -> Story:
    """The three stages for the settings (the data itself from the shared cache, as the Playground's)."""
    return build_story(cached_data(data_settings), data_settings, view, n_draws, lang=lang)


def main() -> None:
    lang = setup_page("nav.story")
    st.title(t("story.title", lang))
    st.markdown(t("story.intro", lang))
    data_settings = data_controls(lang=lang)
    if data_settings.source != "synthetic":
        view_controls_for(None, lang=lang)  # no story of real data to view
        st.info(t("story.not_synthetic", lang, source=data_settings.source))
        st.button(
            t("story.use_synthetic", lang),
            key=KEYS.use_synthetic,
            on_click=_set_state,
            args=(PARAM.source, "synthetic"),
        )
        return
    names = tuple(f"x{i + 1}" for i in range(data_settings.d))
    view = view_controls(names, truth_toggle=False, lang=lang)  # every chart here draws the truth
    show_playground_link(lang=lang)
    show_generators(data_settings, lang=lang)
    n_draws = st.select_slider(
        t("story.draws", lang),
        options=DRAW_CHOICES,
        value=200,
        key=KEYS.draws,
        help=t("story.draws.help", lang),
        bind="query-params",
    )
    try:
        story = cached_story(data_settings, view, int(n_draws), lang=lang)
    except ValueError as error:
        st.error(t("error.data", lang, message=error))
        story = kept_result(PAGE, lang=lang)
        if story is None:
            return
    else:
        remember(PAGE, story)
    show_story(story, data_settings, int(n_draws), lang=lang)
    show_playground_link(lang=lang)


def _set_state(key: str, value) -> None:
    """Set a shared sidebar widget (by its key, a ``PARAM`` name) before it is drawn in the next run."""
    st.session_state[key] = value


def show_generators(data_settings: DataSettings, *, lang: str = "en") -> None:
    """The two generator presets and a sentence on what the chosen one can make."""
    st.subheader(t("story.presets", lang))
    left, right, _ = st.columns([1, 1, 1])
    left.button(
        t("story.preset.spread", lang),
        key=KEYS.preset_spread,
        help=t("story.preset.spread.help", lang),
        on_click=_set_state,
        args=(PARAM.layout, "spread"),
        type="primary" if data_settings.layout == "spread" else "secondary",
        width="stretch",
    )
    right.button(
        t("story.preset.seed", lang),
        key=KEYS.preset_seed,
        help=t("story.preset.seed.help", lang),
        on_click=_set_state,
        args=(PARAM.layout, "seed_script"),
        type="primary" if data_settings.layout == "seed_script" else "secondary",
        width="stretch",
    )
    if data_settings.layout == "seed_script":
        st.markdown(t("story.seed_layout", lang))
    else:
        st.markdown(
            t("story.spread_layout", lang, separation=data_settings.separation, elongation=data_settings.elongation)
        )


def show_story(story: Story, data_settings: DataSettings, n_draws: int, *, lang: str = "en") -> None:
    n_components = len(story.weights)

    st.subheader(t("story.stage1", lang))
    figure_column, text_column = st.columns([3, 2], gap="large")
    with text_column:
        st.latex(dirichlet_latex(data_settings.alpha, story.weights))
        st.markdown(t("story.stage1.text", lang))
        if n_components == 1:
            st.caption(t("story.stage1.single", lang))
        else:
            key = "story.stage1.ternary" if n_components == 3 else "story.stage1.strips"
            st.caption(t(key, lang, n_draws=n_draws))
    chart(story.dirichlet, KEYS.dirichlet_chart, where=figure_column)

    st.subheader(t("story.stage2", lang))
    figure_column, text_column = st.columns([3, 2], gap="large")
    with text_column:
        st.latex(multinomial_latex(story.n_samples, story.counts, story.expected))
        st.markdown(t("story.stage2.text", lang))
    chart(story.counts_chart, KEYS.counts_chart, where=figure_column)

    st.subheader(t("story.stage3", lang))
    figure_column, text_column = st.columns([3, 2], gap="large")
    with text_column:
        st.latex(gaussian_latex())
        st.markdown(t("story.stage3.text", lang))
        if story.n_features > 2:
            st.caption(t("story.stage3.view", lang, d=story.n_features))
    chart(story.samples, KEYS.samples_chart, where=figure_column)
    st.markdown(story.table)


def show_playground_link(*, lang: str = "en") -> None:
    """A button that opens the Playground, in a new tab, on the data this page shows.

    The settings travel in the URL (a fresh page load seeds the bound widgets from it): Streamlit
    refuses to pass widget-bound query parameters through ``st.page_link``/``st.switch_page``.
    """
    query = urlencode(playground_link())
    st.link_button(
        t("story.playground", lang),
        f"./?{query}" if query else "./",
        icon=":material/play_circle:",
        help=t("story.playground.help", lang),
        type="primary",
    )


def playground_link() -> dict[str, str]:
    """The shared data and view settings of this URL, to open the Playground on the same data."""
    return {key: value for key, value in st.query_params.items() if key in LINKED_KEYS}


main()
