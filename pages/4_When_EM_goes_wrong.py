"""When EM goes wrong: five pitfalls, each a small live experiment with one sentence of why.

One experiment is drawn at a time, picked by a control bound to the URL (``pit_section``), so
every experiment is one click away and has its own link, and the browser draws two or three
charts instead of nine. Each experiment has its own fixed teaching data and one to three controls
(keys ``pit_<section>_...``, bound to the URL and kept for the session while another experiment
is shown); its results come from one cached, pure builder in ``emlab.pitfalls.runs``.
"""

from __future__ import annotations

import streamlit as st

from emlab.pitfalls.runs import (
    ELONGATION_RANGE,
    EPOCH_RANGE,
    REG_COVAR_CHOICES,
    SECTIONS,
    SEPARATION_RANGE,
    START_CHOICES,
    HardSoft,
    LabelSwitching,
    LocalOptima,
    ScriptLesson,
    Singularity,
    hard_soft,
    label_switching,
    linked_section,
    local_optima,
    permutation_labels,
    script_lesson,
    singularity,
)
from emlab.shared.cache import CACHE_TTL_SECONDS
from emlab.shared.controls import view_controls
from emlab.shared.page import chart, setup_page
from emlab.shared.settings import ViewSettings
from emlab.shared.text import t
from gmm_core import INIT_METHODS
from gmm_core.experiments import COLLAPSE_KINDS

# Widget values survive while their experiment is hidden (the URL carries only the one shown).
KEEP = {"bind": "query-params", "persist_state": "session"}


# One cached wrapper per experiment: each result is a pure function of its controls, shared across
# reruns and sessions. (Wrapping the builders themselves would key the cache on whichever function
# the name points to, so a test could not swap one out to prove a warm rerun runs nothing.)
@st.cache_data(max_entries=16, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_local_optima(init: str, n_starts: int, show_truth: bool, large: bool, *, lang: str = "en") -> LocalOptima:
    return local_optima(init, n_starts, show_truth=show_truth, large=large, lang=lang)


@st.cache_data(max_entries=32, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_singularity(kind: str, reg_covar: float, large: bool, *, lang: str = "en") -> Singularity:
    return singularity(kind, reg_covar, large=large, lang=lang)


@st.cache_data(max_entries=16, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_label_switching(permutation: str, large: bool, *, lang: str = "en") -> LabelSwitching:
    return label_switching(permutation, large=large, lang=lang)


@st.cache_data(max_entries=32, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_hard_soft(elongation: float, separation: float, seed: int, large: bool, *, lang: str = "en") -> HardSoft:
    return hard_soft(elongation, separation, seed, large=large, lang=lang)


@st.cache_data(max_entries=16, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_script_lesson(epochs: int, large: bool, *, lang: str = "en") -> ScriptLesson:
    return script_lesson(epochs, large=large, lang=lang)


def main() -> None:
    lang = setup_page("nav.pitfalls")
    st.title(t("pit.title", lang))
    st.markdown(t("pit.intro", lang))
    view = view_controls(("x1", "x2"), lang=lang)
    section = choose_section(lang=lang)
    st.subheader(t(f"pit.{section}.title", lang))
    st.markdown(t(f"pit.{section}.why", lang))
    DRAW[section](view, lang=lang)


def choose_section(*, lang: str = "en") -> str:
    """The experiment to draw: picked on the page, else named by the link, else the first.

    The URL carries the section's id (``pit_section=sing``) while the control shows its title, so
    the URL is written here rather than by ``bind`` (which would put the displayed title in it).
    """
    if "pit_section" not in st.session_state:
        st.session_state["pit_section"] = linked_section(st.query_params.to_dict())
    section = st.segmented_control(
        t("pit.section", lang),
        SECTIONS,
        format_func=lambda name: t(f"pit.{name}.short", lang),
        required=True,
        key="pit_section",
        persist_state="session",
    )
    st.query_params["pit_section"] = section
    return section


def local_optima_section(view: ViewSettings, *, lang: str = "en") -> None:
    left, right, _ = st.columns([1, 1, 2])
    init = left.selectbox(
        t("pit.lo.init", lang),
        INIT_METHODS,
        index=INIT_METHODS.index("random_from_data"),
        key="pit_lo_init",
        help=t("pit.lo.init.help", lang),
        **KEEP,
    )
    n_starts = right.select_slider(
        t("pit.lo.starts", lang), options=START_CHOICES, value=24, key="pit_lo_starts", **KEEP
    )
    try:
        result = cached_local_optima(init, int(n_starts), view.show_truth, large=view.large, lang=lang)
    except ValueError as error:
        st.warning(str(error))
        return
    chart(result.gallery, "pit_lo_gallery_chart")
    st.caption(t("pit.lo.gallery" if view.show_truth else "pit.lo.no_truth", lang, shown=result.gallery_starts))
    chart(result.values, "pit_lo_values_chart")
    st.caption(t("pit.lo.strip", lang, n=result.n_starts, best_count=result.best_count))
    if result.failed:
        st.caption(t("pit.lo.failed", lang, count=result.failed))
    chart(result.best_worst, "pit_lo_best_worst_chart")


def singularity_section(view: ViewSettings, *, lang: str = "en") -> None:
    left, right, _ = st.columns([1.2, 1.3, 1.5])
    kind = left.radio(
        t("pit.sing.kind", lang),
        COLLAPSE_KINDS,
        key="pit_sing_kind",
        help=t("pit.sing.kind.help", lang),
        horizontal=True,
        **KEEP,
    )
    reg_covar = right.select_slider(
        t("pit.sing.reg", lang),
        options=REG_COVAR_CHOICES,
        value=0.0,
        format_func=lambda value: "0" if value == 0 else f"{value:.0e}",
        key="pit_sing_reg",
        help=t("pit.sing.reg.help", lang),
        **KEEP,
    )
    result = cached_singularity(kind, float(reg_covar), large=view.large, lang=lang)
    text, icon = result.message(lang=lang)
    st.info(text, icon=icon)
    picture_column, curve_column = st.columns(2, gap="large")
    with picture_column:
        chart(result.picture, "pit_sing_picture_chart")
        st.caption(t("pit.sing.picture", lang))
    with curve_column:
        chart(result.curves, "pit_sing_curves_chart")
        st.caption(t("pit.sing.curves", lang))


def label_switching_section(view: ViewSettings, *, lang: str = "en") -> None:
    column, _ = st.columns([1, 3])
    choices = permutation_labels(3)
    permutation = column.selectbox(
        t("pit.ls.perm", lang),
        choices,
        index=choices.index("C2-C3-C1"),
        key="pit_ls_perm",
        help=t("pit.ls.perm.help", lang),
        **KEEP,
    )
    result = cached_label_switching(permutation, large=view.large, lang=lang)
    chart(result.figure, "pit_ls_chart")
    st.caption(result.caption(lang=lang))


def hard_soft_section(view: ViewSettings, *, lang: str = "en") -> None:
    columns = st.columns([1, 1, 1, 1])
    elongation = columns[0].slider(
        t("pit.hs.elong", lang),
        min_value=ELONGATION_RANGE[0],
        max_value=ELONGATION_RANGE[1],
        value=6.0,
        step=0.5,
        key="pit_hs_elong",
        **KEEP,
    )
    separation = columns[1].slider(
        t("pit.hs.sep", lang),
        min_value=SEPARATION_RANGE[0],
        max_value=SEPARATION_RANGE[1],
        value=2.5,
        step=0.5,
        key="pit_hs_sep",
        **KEEP,
    )
    seed = columns[2].number_input(
        t("pit.hs.seed", lang),
        min_value=0,
        max_value=9999,
        value=0,
        step=1,
        key="pit_hs_seed",
        help=t("pit.hs.seed.help", lang),
        **KEEP,
    )
    result = cached_hard_soft(float(elongation), float(separation), int(seed), large=view.large, lang=lang)
    chart(result.figure, "pit_hs_chart")
    st.caption(t("pit.hs.caption", lang))


def script_section(view: ViewSettings, *, lang: str = "en") -> None:
    column, _ = st.columns([1, 2])
    epochs = column.slider(
        t("pit.seed.epochs", lang),
        min_value=EPOCH_RANGE[0],
        max_value=EPOCH_RANGE[1],
        value=100,
        step=10,
        key="pit_seed_epochs",
        **KEEP,
    )
    result = cached_script_lesson(int(epochs), large=view.large, lang=lang)
    st.caption(t("pit.seed.data", lang))
    chart(result.curves, "pit_seed_curves_chart")
    left, right = st.columns(2)
    left.markdown(result.script_text(lang=lang))
    right.markdown(result.em_text(lang=lang))
    st.markdown("**" + t("pit.seed.rank1_title", lang) + "**")
    st.markdown(t("pit.seed.rank1_text", lang))
    chart(result.covariances, "pit_seed_covariance_chart")
    st.latex(result.matrices_latex(lang=lang))
    st.caption(t("pit.seed.where", lang))


DRAW = {
    "lo": local_optima_section,
    "sing": singularity_section,
    "ls": label_switching_section,
    "hs": hard_soft_section,
    "seed": script_section,
}
main()
