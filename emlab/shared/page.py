"""What every page does first: page config, session state, and the navigation links.

Pages are files in ``pages/`` (Streamlit's multipage mode), each runnable on its own when opened
cold by URL; all of them call :func:`setup_page` first. The sidebar shows our own links (with
labels from the text catalogue) instead of Streamlit's file-name navigation.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from emlab.shared.controls import init_state, language_control, note_page, page_language
from emlab.shared.light_blocks import markdown_table
from emlab.shared.settings import ModelSettings
from emlab.shared.text import t

CHART_CONFIG = {"displaylogo": False}  # every chart: plotly's toolbar without its logo
PAGES = (
    ("app.py", "nav.playground", ":material/play_circle:"),
    ("pages/1_Step_through.py", "nav.step", ":material/footprint:"),
    ("pages/2_How_the_data_is_made.py", "nav.story", ":material/casino:"),
    ("pages/3_How_many_components.py", "nav.choose_k", ":material/bar_chart:"),
    ("pages/4_When_EM_goes_wrong.py", "nav.pitfalls", ":material/warning:"),
    ("pages/5_Your_own_data.py", "nav.upload", ":material/upload_file:"),
    ("pages/6_Why_EM_works.py", "nav.why", ":material/trending_up:"),
)


def setup_page(title_key: str) -> str:
    """Configure the page, make sure session state exists, draw the language control and the navigation.

    Returns the page's language (``"en"`` or ``"zh"``), which the page hands to every ``t(...)``
    call, figure builder and download.
    """
    init_state()
    note_page(title_key)
    lang = page_language()
    st.set_page_config(page_title=f"{t(title_key, lang)} - {t('app.title', lang)}", layout="wide")
    with st.sidebar:
        st.markdown(f"### {t('app.title', lang)}")
        language_control()
        navigation_links(lang=lang)
        st.divider()
    return lang


def chart(figure, key: str, *, where=None, config: dict | None = None, **events) -> None:
    """Draw ``figure`` as it was built, in ``where`` (default: the page), with plotly's toolbar.

    ``config`` adds to the house toolbar settings (``CHART_CONFIG``), such as buttons a chart removes.

    ``theme=None`` on every chart: Streamlit's own theme would swap in its template (small grey tick
    labels), so presentation mode's sizes and the house template would be lost.
    """
    (where or st).plotly_chart(figure, key=key, theme=None, config={**CHART_CONFIG, **(config or {})}, **events)


def link_to_page(
    path: str, label: str, icon: str | None = None, query: dict | None = None, *, lang: str | None = None
) -> None:
    """A link to another page of the app (left out when a page runs alone, see navigation_links)."""
    lang = lang or page_language()
    try:
        st.page_link(path, label=label, icon=icon, query_params=query)
    except StreamlitPageNotFoundError:
        st.caption(t("nav.standalone", lang))


def why_em_works_link(sentence: str, *, lang: str | None = None) -> None:
    """``sentence`` (a line about the climbing log-likelihood), then a link to the page that explains why."""
    lang = lang or page_language()
    st.markdown(sentence)
    st.caption(t("nav.why_link", lang))
    link_to_page("pages/6_Why_EM_works.py", t("nav.why", lang), ":material/trending_up:", lang=lang)


def formula(body: str, large: bool) -> None:
    """A LaTeX formula, one size up in presentation mode (for the back row)."""
    st.latex((r"\large " if large else "") + body)


def titled_table(title: str, rows: list[dict]) -> None:
    """A small table (a row per dict) under a bold title, as Markdown: no data-grid bundle to fetch."""
    st.markdown(f"**{title}**")
    st.markdown(markdown_table(pd.DataFrame(rows)))


def start_caption(model: ModelSettings, *, lang: str | None = None) -> None:
    """Say that the fit is drawn from its first M-step on, when ``model`` asks for that (the default).

    Every page that draws a fit from the sidebar's settings calls it near its first chart, so the
    start a student sees (one iteration in, see ``emlab.shared.pipeline.starting_params``) is never
    taken for the initialisation itself.
    """
    lang = lang or page_language()
    if model.after_first_m_step:
        st.caption(t("model.after_m1.caption", lang, label=t("model.after_m1", lang)))


def navigation_links(*, lang: str | None = None) -> None:
    """One link per page. Links resolve against the entry script, so when a page file itself is
    the entry point (``streamlit run pages/...`` or a page tested alone) there is nothing to
    link to and the links are left out."""
    lang = lang or page_language()
    try:
        for path, label_key, icon in PAGES:
            st.page_link(path, label=t(label_key, lang), icon=icon)
    except StreamlitPageNotFoundError:
        st.caption(t("nav.standalone", lang))
