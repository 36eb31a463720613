"""'Your own data': upload a CSV file, choose columns, and hand them to the Playground and Step-through.

Reading, choosing and handing over are in ``emlab.your_data`` (``upload`` reads a file, ``state``
keeps it in the session and declares the page's keys); this page only draws.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from emlab.shared.controls import set_defaults, view_controls_for
from emlab.shared.page import chart, link_to_page, setup_page
from emlab.shared.text import t
from emlab.your_data import state, upload
from emlab.your_data.figures import preview_figure
from emlab.your_data.state import KEYS

EXAMPLE_FILE = Path(__file__).resolve().parent.parent / "examples" / "two_clusters.csv"
FILE_TYPES = ["csv", "txt", "tsv"]
PREVIEW_CACHE_ENTRIES = 64
NARROW_TABLE_COLUMNS = 4  # this many columns or fewer look lost in a full-width table
# Pages the chosen data opens in; the query parameter picks the bound 'Data source' selectbox.
TARGET_PAGES = (
    ("app.py", "upload.go_playground", ":material/play_circle:"),
    ("pages/1_Step_through.py", "upload.go_step", ":material/footprint:"),
)


def _load_example(*, lang: str = "en") -> None:
    state.read_file(st.session_state, EXAMPLE_FILE.read_bytes(), EXAMPLE_FILE.name, lang=lang)


@st.cache_data(max_entries=PREVIEW_CACHE_ENTRIES, show_spinner=False)
def _preview(selection_id: str, _X, feature_names: tuple[str, ...], large: bool, *, lang: str = "en"):
    """The preview chart of one selection (``selection_id`` identifies ``_X``); ``large``: presentation mode."""
    return preview_figure(_X, feature_names, t("upload.chart.count", lang), large=large)


def _file_section(*, lang: str = "en") -> None:
    pick, example = st.columns([3, 1], vertical_alignment="center")
    pick.file_uploader(
        t("upload.file", lang, max_mb=upload.MAX_UPLOAD_MB),
        type=FILE_TYPES,
        key=KEYS.file,
        on_change=state.file_changed,
        args=(st.session_state,),
        help=t("upload.file.help", lang),
    )
    example.button(
        t("upload.example", lang),
        key=KEYS.example,
        on_click=_load_example,
        help=t("upload.example.help", lang),
        icon=":material/science:",
        width="stretch",
    )
    example.download_button(
        t("upload.example_download", lang),
        data=EXAMPLE_FILE.read_bytes(),
        file_name=EXAMPLE_FILE.name,
        mime="text/csv",
        key=KEYS.example_download,
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )
    with st.expander(t("upload.formats", lang), icon=":material/help:"):
        limits = {"max_rows": upload.MAX_ROWS, "max_columns": upload.MAX_COLUMNS, "max_features": upload.MAX_FEATURES}
        st.markdown(t("upload.formats.body", lang, **limits))


def _reading_section(table: upload.ParsedTable, *, lang: str = "en") -> None:
    """How the file was read, and what the student should know about it."""
    chosen = st.session_state.get(KEYS.file)
    if chosen is None or upload.clean_name(chosen.name) != table.filename:  # e.g. the example replaced it
        info, forget = st.columns([4, 1], vertical_alignment="center")
        info.info(t("upload.current", lang, name=upload.quote(table.filename)), icon=":material/description:")
        forget.button(
            t("upload.forget", lang),
            key=KEYS.forget,
            on_click=state.forget,
            args=(st.session_state,),
            icon=":material/close:",
        )
    st.caption(upload.how_it_was_read(table, lang=lang))
    if table.notes:
        st.warning("\n".join(f"- {note}" for note in table.notes), icon=":material/info:")
    if table.skipped_columns:
        st.caption(t("upload.skipped", lang, names=", ".join(upload.quote(name) for name in table.skipped_columns)))


def _choice(table: upload.ParsedTable, *, lang: str = "en") -> tuple[list[str], bool]:
    pick, scale = st.columns([3, 1], vertical_alignment="bottom")
    columns = pick.multiselect(
        t("upload.columns", lang),
        options=list(table.columns),
        key=KEYS.columns,
        max_selections=upload.MAX_FEATURES,
        help=t("upload.columns.help", lang, max_features=upload.MAX_FEATURES),
        persist_state="session",
    )
    standardise = scale.toggle(
        t("upload.standardise", lang),
        key=KEYS.standardise,
        help=t("upload.standardise.help", lang),
        persist_state="session",
    )
    return list(columns), bool(standardise)


def _counts(summary: upload.SelectionSummary, n_columns: int, *, lang: str = "en") -> None:
    cells = st.columns(4)
    cells[0].metric(t("upload.metric.rows", lang), f"{summary.n_rows:,}", border=True)
    cells[1].metric(
        t("upload.metric.dropped", lang),
        f"{summary.n_dropped:,}",
        border=True,
        help=t("upload.metric.dropped.help", lang),
    )
    cells[2].metric(t("upload.metric.used", lang), f"{summary.n_complete:,}", border=True)
    cells[3].metric(t("upload.metric.columns", lang), f"{n_columns}", border=True)


def _hand_over(selection_id: str, *, lang: str = "en") -> None:
    """The 'Use this data' button, or the links to the pages that now use it."""
    dataset, dataset_id = state.in_use(st.session_state)
    if dataset is not None and dataset_id == selection_id:
        _in_use_links(dataset, lang=lang)
        return
    if dataset is not None:
        st.info(t("upload.in_use.stale", lang, name=upload.quote(dataset.name)), icon=":material/sync:")
    else:
        st.markdown(t("upload.use.next", lang))
    st.button(
        t("upload.use", lang),
        key=KEYS.use,
        type="primary",
        on_click=state.use_selection,
        args=(st.session_state,),
        help=t("upload.use.help", lang),
        icon=":material/check:",
    )


def _in_use_links(dataset, *, lang: str = "en") -> None:
    """Say which data the other pages use, with links that open them on it."""
    rows, columns = dataset.X.shape
    st.success(
        t("upload.in_use", lang, name=upload.quote(dataset.name), rows=rows, columns=columns),
        icon=":material/check_circle:",
    )
    for page, label_key, icon in TARGET_PAGES:
        link_to_page(page, t(label_key, lang), icon, query={"source": "upload"}, lang=lang)
    st.caption(t("upload.hint.source", lang))


def _selection_section(table: upload.ParsedTable, large: bool, *, lang: str = "en") -> None:
    columns, standardise = _choice(table, lang=lang)
    if not columns:
        st.warning(t("upload.columns.none", lang), icon=":material/touch_app:")
        return
    summary = upload.selection_summary(table, columns, standardise, lang=lang)
    _counts(summary, len(columns), lang=lang)
    try:
        dataset = upload.build_dataset(table, columns, standardise, lang=lang)
    except upload.UploadError as problem:
        st.error(str(problem), icon=":material/error:")
        return
    selection_id = state.selection_id(st.session_state, columns, standardise)
    picture, side = st.columns([3, 2], gap="large")
    with side:
        for warning in summary.warnings:
            st.warning(warning, icon=":material/warning:")
        _hand_over(selection_id, lang=lang)
    with picture:
        preview = _preview(selection_id, dataset.X, dataset.feature_names, large, lang=lang)
        chart(preview, KEYS.preview_chart)
        if len(columns) > 2:
            st.caption(t("upload.chart.more", lang, d=len(columns)))
    st.caption(t("upload.preview", lang))
    width = "content" if len(columns) <= NARROW_TABLE_COLUMNS else "stretch"
    st.dataframe(table.data[columns].head(upload.PREVIEW_ROWS), hide_index=True, width=width)


def main() -> None:
    lang = setup_page("upload.title")
    view = view_controls_for(None, lang=lang)  # presentation mode only: the page draws no fit
    set_defaults(st.session_state, state.DEFAULTS)
    st.title(t("upload.title", lang))
    st.markdown(t("upload.intro", lang))
    _file_section(lang=lang)
    problem, table = st.session_state[KEYS.problem], st.session_state[KEYS.table]
    if problem:
        st.error(t("upload.error.title", lang, message=problem), icon=":material/error:")
    if table is None:
        dataset, _ = state.in_use(st.session_state)
        if dataset is not None:
            _in_use_links(dataset, lang=lang)
        elif not problem:
            st.caption(t("upload.in_use.none", lang))
        return
    st.divider()
    _reading_section(table, lang=lang)
    _selection_section(table, view.large, lang=lang)


main()
