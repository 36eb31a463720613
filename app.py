"""Playground: choose data and a model, press Play, and watch EM find the clusters.

The whole animation is one plotly figure with a frame per half-step, played in the browser (no
server round-trip per frame). It is built through ``st.cache_data`` from the settings alone, so
the same URL gives a byte-identical figure and a rerun (a download, a resize) does not restart
playback. Text that changes lives outside the figure for the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from emlab.playground import slides
from emlab.playground.export import data_csv, history_csv, history_json, settings_dict, standalone_html
from emlab.playground.keys import KEYS
from emlab.playground.model import Playground, build_playground
from emlab.playground.slides import SLIDE_SIZES
from emlab.playground.slides_export import EXPORT_FILES, EXPORT_SPEEDS, export_animation
from emlab.shared.cache import CACHE_TTL_SECONDS, cached_data, cached_history, load_chosen_data
from emlab.shared.controls import data_controls, kept_result, model_controls, remember, view_controls_for
from emlab.shared.light_blocks import markdown_table
from emlab.shared.page import chart, setup_page, start_caption, why_em_works_link
from emlab.shared.pipeline import LoadedData, constant_features
from emlab.shared.settings import DataSettings, ModelSettings, ViewSettings
from emlab.shared.text import t
from gmm_core import EMState

PAGE = "playground"
# Fewer samples than this per component leave EM fitting noise: say so (it still runs).
FEW_SAMPLES_PER_COMPONENT = 5
JSON, HTML = "application/json", "text/html"
SLIDES_CHOICES = {
    "kind": (EXPORT_FILES, KEYS.slides_kind),
    "size": (SLIDE_SIZES, KEYS.slides_size),
    "speed": (EXPORT_SPEEDS, KEYS.slides_speed),
}


@dataclass(frozen=True, eq=False)
class Shown:
    """A built playground with the inputs its downloads need (kept as the last good result)."""

    result: Playground
    data: LoadedData
    history: list[EMState]
    settings: dict


@st.cache_data(max_entries=16, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_playground(
    data_settings: DataSettings,
    model: ModelSettings,
    view: ViewSettings,
    upload_id: str = "",
    _uploaded=None,
    *,
    lang: str = "en",
) -> Playground:
    """The playground for the settings, built once per choice (``upload_id`` names an uploaded file)."""
    data = cached_data(data_settings, _uploaded, upload_id)
    return build_playground(cached_history(data_settings, model, data, upload_id), data, view, lang=lang)


def main() -> None:
    lang = setup_page("nav.playground")
    st.title(t("play.title", lang))
    st.caption(t("play.lead", lang))
    data_settings = data_controls(lang=lang)
    model = model_controls(lang=lang)
    chosen = load_chosen_data(data_settings, lang=lang)
    if chosen is None:
        show_last_good(lang=lang)
        return
    data, uploaded, upload_id = chosen.data, chosen.uploaded, chosen.upload_id
    view = view_controls_for(data, lang=lang)
    if not inputs_ok(data, model, lang=lang):
        show_last_good(lang=lang)
        return
    try:
        history = cached_history(data_settings, model, data, upload_id)
        result = cached_playground(data_settings, model, view, upload_id, _uploaded=uploaded, lang=lang)
    except ValueError as error:
        st.error(t("error.fit", lang, message=error))
        show_last_good(lang=lang)
        return
    shown = Shown(result, data, history, settings_dict(data_settings, model, view))
    remember(PAGE, shown)
    start_caption(model, lang=lang)
    show(shown, lang=lang)


def inputs_ok(data: LoadedData, model: ModelSettings, *, lang: str = "en") -> bool:
    """Say what is odd about the inputs; False when EM cannot run at all."""
    if model.k > data.n_samples:
        st.warning(t("warn.k_gt_n", lang, k=model.k, n=data.n_samples))
        return False
    if data.n_samples < FEW_SAMPLES_PER_COMPONENT * model.k:
        st.warning(t("warn.few_samples", lang, n=data.n_samples, k=model.k, per=FEW_SAMPLES_PER_COMPONENT))
    for name in constant_features(data):
        st.warning(t("warn.constant_column", lang, name=name))
    if model.tol == 0:
        st.info(t("warn.tol_zero", lang, max_iter=model.max_iter))
    if data.n_features == 1 and st.query_params.get("view") == "pca":
        st.info(t("play.projection_1d", lang))
    if model.k == 1:
        st.info(t("play.one_component", lang))
    return True


def show_last_good(*, lang: str = "en") -> None:
    """Show the last result that worked in this session, if any, saying that it is the old one."""
    previous = kept_result(PAGE, lang=lang)
    if previous is not None:
        show(previous, lang=lang)


def show(shown: Shown, *, lang: str = "en") -> None:
    """The chart, what it shows, the fitted numbers and the downloads."""
    result = shown.result
    chart(result.figure, KEYS.chart)
    why_em_works_link(t("play.intro", lang), lang=lang)
    st.caption(t("play.histogram_help", lang) if result.one_feature else t("play.chart_help", lang))
    if result.shown_points < result.n_points:
        st.caption(t("warn.subsampled", lang, shown=result.shown_points, n=result.n_points))
    if result.shown_iterations < result.iterations:
        st.caption(t("play.frames_thinned", lang, iterations=result.iterations, shown=result.shown_iterations))
    show_summary(result, lang=lang)
    st.markdown(t("play.try", lang))
    show_downloads(shown, lang=lang)


def show_summary(result: Playground, *, lang: str = "en") -> None:
    summary = result.summary
    st.subheader(t("play.results", lang))
    columns = st.columns(5 if summary.ari is not None else 4)
    columns[0].metric(t("play.metric.iterations", lang), summary.iterations)
    columns[1].metric(
        t("play.metric.converged", lang),
        t("play.metric.yes", lang) if summary.converged else t("play.metric.not_converged", lang),
        help=t("play.metric.converged.help", lang),
    )
    columns[2].metric(t("play.metric.log_likelihood", lang), f"{summary.log_likelihood:.4f}")
    columns[3].metric(t("play.metric.bic", lang), f"{summary.bic:,.1f}", help=t("play.metric.bic.help", lang))
    if summary.ari is not None:
        columns[4].metric(t("play.metric.ari", lang), f"{summary.ari:.3f}", help=t("play.metric.ari.help", lang))
    caption = {
        "truth": "play.table.caption",
        "classes": "play.table.caption_classes",
        "none": "play.table.caption_no_truth",
    }[summary.reference_source]
    st.markdown(markdown_table(result.table))
    st.caption(t(caption, lang))


def show_downloads(shown: Shown, *, lang: str = "en") -> None:
    """Four downloads, each built only when clicked (``data`` is a callable) and without a rerun."""
    st.subheader(t("play.downloads", lang))
    names, figure = shown.data.feature_names, shown.result.figure
    downloads = (
        ("data", lambda: data_csv(shown.data, shown.result.summary.labels), "em_lab_data.csv", "text/csv", "table"),
        ("history_csv", lambda: history_csv(shown.history, names), "em_lab_history.csv", "text/csv", "timeline"),
        (
            "history_json",
            lambda: history_json(shown.history, names, shown.settings),
            "em_lab_history.json",
            JSON,
            "data_object",
        ),
        ("html", lambda: standalone_html(figure, t("play.title", lang), lang), "em_lab_animation.html", HTML, "movie"),
    )
    row = st.container(horizontal=True, gap="small")  # buttons as wide as their labels, wrapping when narrow
    for name, build, file_name, mime, icon in downloads:
        row.download_button(
            t(f"play.download.{name}", lang),
            data=build,
            file_name=file_name,
            mime=mime,
            on_click="ignore",
            icon=f":material/{icon}:",
            help=t("play.download.html_help", lang) if name == "html" else None,
            key=KEYS.download(name),
        )
    st.caption(t("play.share", lang))
    show_slides_export(shown, lang)


def show_slides_export(shown: Shown, lang: str) -> None:
    """The animation as a GIF or MP4 for slides: drawn on click with a progress bar, then offered."""
    st.subheader(t("slides.header", lang))
    kind, size, speed = (
        column.radio(
            t(f"slides.{name}", lang), options, format_func=lambda o, n=name: t(f"slides.{n}.{o}", lang), key=key
        )
        for column, (name, (options, key)) in zip(st.columns(3), SLIDES_CHOICES.items(), strict=True)
    )
    if slides.find_chromium() is None:
        st.warning(t("slides.no_chromium", lang))
        return
    figure, wanted = shown.result.figure, (repr(shown.settings), lang, kind, size, speed)
    if st.button(t("slides.make", lang), help=t("slides.make.help", lang), key=KEYS.slides_make):
        bar = st.progress(0.0, text=t("slides.progress", lang, done=0, total=len(figure.frames)))

        def report(done: int, total: int) -> None:
            bar.progress(done / max(total, 1), t("slides.progress", lang, done=done, total=total))

        result = export_animation(figure, kind, size, frame_ms=EXPORT_SPEEDS[speed], progress=report, lang=lang)
        bar.empty()
        if result.busy or result.error:
            st.warning(t("slides.busy", lang) if result.busy else result.error)
        else:
            st.session_state[KEYS.slides_file] = (wanted, result.data)
    made, data = st.session_state.get(KEYS.slides_file, (None, b""))
    if made == wanted:
        st.caption(t("slides.ready", lang, frames=len(figure.frames), megabytes=len(data) / 1e6))
        name, mime = EXPORT_FILES[kind]
        label = t(f"slides.download.{kind}", lang)
        st.download_button(label, data, name, mime, on_click="ignore", key=KEYS.download("slides"))


main()
