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
    SEPARATION_RANGE,
    START_CHOICES,
    HardSoft,
    LabelSwitching,
    LocalOptima,
    ScriptLesson,
    Singularity,
    hard_soft,
    label_switching,
    local_optima,
    permutation_labels,
    script_lesson,
    singularity,
)
from emlab.shared.cache import CACHE_TTL_SECONDS
from emlab.shared.controls import view_controls
from emlab.shared.formulas import matrix_pair_latex
from emlab.shared.page import setup_page
from emlab.shared.text import t
from gmm_core import INIT_METHODS
from gmm_core.experiments import COLLAPSE_KINDS

CHART_CONFIG = {"displaylogo": False}
SECTIONS = ("lo", "sing", "ls", "hs", "seed")
# Widget values survive while their experiment is hidden (the URL carries only the one shown).
KEEP = {"bind": "query-params", "persist_state": "session"}


# One cached wrapper per experiment: each result is a pure function of its controls, shared across
# reruns and sessions. (Wrapping the builders themselves would key the cache on whichever function
# the name points to, so a test could not swap one out to prove a warm rerun runs nothing.)
@st.cache_data(max_entries=16, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_local_optima(init: str, n_starts: int, large: bool) -> LocalOptima:
    return local_optima(init, n_starts, large=large)


@st.cache_data(max_entries=32, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_singularity(kind: str, reg_covar: float, large: bool) -> Singularity:
    return singularity(kind, reg_covar, large=large)


@st.cache_data(max_entries=16, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_label_switching(permutation: str, large: bool) -> LabelSwitching:
    return label_switching(permutation, large=large)


@st.cache_data(max_entries=32, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_hard_soft(elongation: float, separation: float, seed: int, large: bool) -> HardSoft:
    return hard_soft(elongation, separation, seed, large=large)


@st.cache_data(max_entries=16, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_script_lesson(epochs: int, large: bool) -> ScriptLesson:
    return script_lesson(epochs, large=large)


def main() -> None:
    setup_page("nav.pitfalls")
    st.title(t("pit.title"))
    st.markdown(t("pit.intro"))
    large = view_controls(("x1", "x2")).large
    section = choose_section()
    st.subheader(t(f"pit.{section}.title"))
    st.markdown(t(f"pit.{section}.why"))
    DRAW[section](large)


def choose_section() -> str:
    """The experiment to draw: picked on the page, else named by the link, else the first.

    The URL carries the section's id (``pit_section=sing``) while the control shows its title, so
    the URL is written here rather than by ``bind`` (which would put the displayed title in it).
    A link from before ``pit_section`` existed opens the experiment whose controls it sets.
    """
    if "pit_section" not in st.session_state:
        linked = st.query_params.get("pit_section")
        by_controls = [name for name in SECTIONS if any(key.startswith(f"pit_{name}_") for key in st.query_params)]
        st.session_state["pit_section"] = linked if linked in SECTIONS else (by_controls or SECTIONS)[0]
    section = st.segmented_control(
        t("pit.section"),
        SECTIONS,
        format_func=lambda name: t(f"pit.{name}.short"),
        required=True,
        key="pit_section",
        persist_state="session",
    )
    st.query_params["pit_section"] = section
    return section


def chart(figure, key: str) -> None:
    st.plotly_chart(figure, key=key, theme=None, config=CHART_CONFIG)


def local_optima_section(large: bool) -> None:
    left, right, _ = st.columns([1, 1, 2])
    init = left.selectbox(
        t("pit.lo.init"),
        INIT_METHODS,
        index=INIT_METHODS.index("random_from_data"),
        key="pit_lo_init",
        help=t("pit.lo.init.help"),
        **KEEP,
    )
    n_starts = right.select_slider(t("pit.lo.starts"), options=START_CHOICES, value=24, key="pit_lo_starts", **KEEP)
    try:
        result = cached_local_optima(init, int(n_starts), large=large)
    except ValueError as error:
        st.warning(str(error))
        return
    chart(result.gallery, "pit_lo_gallery_chart")
    st.caption(t("pit.lo.gallery", shown=min(8, result.n_starts)))
    chart(result.values, "pit_lo_values_chart")
    st.caption(t("pit.lo.strip", n=result.n_starts, best_count=result.best_count))
    if result.failed:
        st.caption(t("pit.lo.failed", count=result.failed))
    chart(result.best_worst, "pit_lo_best_worst_chart")


def singularity_section(large: bool) -> None:
    left, right, _ = st.columns([1.2, 1.3, 1.5])
    kind = left.radio(
        t("pit.sing.kind"),
        COLLAPSE_KINDS,
        key="pit_sing_kind",
        help=t("pit.sing.kind.help"),
        horizontal=True,
        **KEEP,
    )
    reg_covar = right.select_slider(
        t("pit.sing.reg"),
        options=REG_COVAR_CHOICES,
        value=0.0,
        format_func=lambda value: "0" if value == 0 else f"{value:.0e}",
        key="pit_sing_reg",
        help=t("pit.sing.reg.help"),
        **KEEP,
    )
    result = cached_singularity(kind, float(reg_covar), large=large)
    text, icon = result.message
    st.info(text, icon=icon)
    picture_column, curve_column = st.columns(2, gap="large")
    with picture_column:
        chart(result.picture, "pit_sing_picture_chart")
        st.caption(t("pit.sing.picture"))
    with curve_column:
        chart(result.curves, "pit_sing_curves_chart")
        st.caption(t("pit.sing.curves"))


def label_switching_section(large: bool) -> None:
    column, _ = st.columns([1, 3])
    choices = permutation_labels(3)
    permutation = column.selectbox(
        t("pit.ls.perm"),
        choices,
        index=choices.index("C2-C3-C1"),
        key="pit_ls_perm",
        help=t("pit.ls.perm.help"),
        **KEEP,
    )
    result = cached_label_switching(permutation, large=large)
    chart(result.figure, "pit_ls_chart")
    st.caption(result.caption)


def hard_soft_section(large: bool) -> None:
    columns = st.columns([1, 1, 1, 1])
    elongation = columns[0].slider(
        t("pit.hs.elong"),
        min_value=ELONGATION_RANGE[0],
        max_value=ELONGATION_RANGE[1],
        value=6.0,
        step=0.5,
        key="pit_hs_elong",
        **KEEP,
    )
    separation = columns[1].slider(
        t("pit.hs.sep"),
        min_value=SEPARATION_RANGE[0],
        max_value=SEPARATION_RANGE[1],
        value=2.5,
        step=0.5,
        key="pit_hs_sep",
        **KEEP,
    )
    seed = columns[2].number_input(
        t("pit.hs.seed"),
        min_value=0,
        max_value=9999,
        value=0,
        step=1,
        key="pit_hs_seed",
        help=t("pit.hs.seed.help"),
        **KEEP,
    )
    result = cached_hard_soft(float(elongation), float(separation), int(seed), large=large)
    chart(result.figure, "pit_hs_chart")
    st.caption(t("pit.hs.caption"))


def script_section(large: bool) -> None:
    column, _ = st.columns([1, 2])
    epochs = column.slider(
        t("pit.seed.epochs"),
        min_value=EPOCH_RANGE[0],
        max_value=EPOCH_RANGE[1],
        value=100,
        step=10,
        key="pit_seed_epochs",
        **KEEP,
    )
    result = cached_script_lesson(int(epochs), large=large)
    st.caption(t("pit.seed.data"))
    chart(result.curves, "pit_seed_curves_chart")
    left, right = st.columns(2)
    left.markdown(result.script_text)
    right.markdown(result.em_text)
    st.markdown("**" + t("pit.seed.rank1_title") + "**")
    st.markdown(t("pit.seed.rank1_text"))
    chart(result.covariances, "pit_seed_covariance_chart")
    st.latex(matrix_pair_latex(result.wrong_covariance, result.right_covariance))
    st.caption(t("pit.seed.where"))


DRAW = {
    "lo": local_optima_section,
    "sing": singularity_section,
    "ls": label_switching_section,
    "hs": hard_soft_section,
    "seed": script_section,
}
main()
