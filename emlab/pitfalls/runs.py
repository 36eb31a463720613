"""The five experiments of "When EM goes wrong", each one pure function from its controls to what is shown.

The page caches each builder with ``st.cache_data`` (so results live in this module and pickle).
Every experiment uses its own small, fixed data set chosen to show its pitfall clearly; the maths
is in :mod:`gmm_core.experiments` and, for the original script's mistakes, in the
wrong-on-purpose :mod:`gmm_core.mistakes`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from threadpoolctl import threadpool_limits

from emlab.pitfalls.figures import (
    best_worst_figure,
    collapse_curves_figure,
    collapse_figure,
    covariance_update_figure,
    final_values_figure,
    gallery_figure,
    hard_soft_figure,
    label_switching_figure,
    script_vs_em_figure,
)
from emlab.shared.figures import make_view
from emlab.shared.formulas import matrix_pair_latex
from emlab.shared.settings import ViewSettings
from emlab.shared.style import component_name
from emlab.shared.text import t
from gmm_core import adjusted_rand_index, e_step, fit_best_of, m_step, run_em, sample_mixture
from gmm_core.experiments import (
    align_components,
    collapse_example,
    converged_iteration,
    fits_from_seeds,
    hard_vs_soft,
    random_data_means,
    run_em_guarded,
)
from gmm_core.mistakes import seed_script_fit, seed_script_fixture, seed_script_m_step, seed_script_start

NAMES = ("x1", "x2")
SECTIONS = ("lo", "sing", "ls", "hs", "seed")


def linked_section(query: dict[str, str]) -> str:
    """The experiment a link opens: the one it names (``pit_section``), else the first whose controls it sets.

    A link from before ``pit_section`` existed carries only controls (``pit_<section>_...``).
    """
    if query.get("pit_section") in SECTIONS:
        return query["pit_section"]
    by_controls = [name for name in SECTIONS if any(key.startswith(f"pit_{name}_") for key in query)]
    return (by_controls or SECTIONS)[0]


GALLERY_SIZE = 8
START_CHOICES = (8, 16, 24, 32, 48)
REG_COVAR_CHOICES = (0.0, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1e-1)
COLLAPSE_ITERATIONS = 60
ELONGATION_RANGE = (1.0, 8.0)
SEPARATION_RANGE = (1.0, 6.0)
EPOCH_RANGE = (10, 300)
BEST_TOLERANCE = 1e-3
CONVERGED_CHANGE = 1e-6
# Six clusters close enough that single starts often merge two of them.
LOCAL_OPTIMA_DATA = {"n_samples": 600, "n_components": 6, "separation": 3.0, "elongation": 2.5, "concentration": 10.0}
LABEL_SWITCHING_DATA = {
    "n_samples": 450,
    "n_components": 3,
    "separation": 5.0,
    "elongation": 2.0,
    "concentration": 20.0,
}


def _view(X: np.ndarray):
    return make_view(X, NAMES, ViewSettings())


def permutation_labels(n_components: int = 3) -> tuple[str, ...]:
    """Every relabelling except the identity, written as the new names of C1, C2, ... ("C2-C3-C1")."""
    labels = []
    for new_names in itertools.permutations(range(n_components)):
        if list(new_names) != list(range(n_components)):
            labels.append("-".join(component_name(k) for k in new_names))
    return tuple(labels)


def parse_permutation(label: str) -> np.ndarray:
    """The new label of each old component from a "C2-C3-C1" string (C1 becomes C2, ...)."""
    return np.array([int(name[1:]) - 1 for name in label.split("-")])


# --------------------------------------------------------------------------- 1. local optima


@dataclass(frozen=True, eq=False)
class LocalOptima:
    gallery: go.Figure
    values: go.Figure
    best_worst: go.Figure
    n_starts: int
    best_count: int
    failed: int

    @property
    def gallery_starts(self) -> int:
        """How many of the starts the gallery draws."""
        return min(GALLERY_SIZE, self.n_starts)


def local_optima(
    init: str, n_starts: int, *, show_truth: bool = True, large: bool = False, lang: str = "en"
) -> LocalOptima:
    """EM from ``n_starts`` seeds on six close clusters: a gallery, every final value, best vs worst.

    ``show_truth`` draws the six true clusters dashed on every panel (the sidebar's truth toggle).
    """
    sample = sample_mixture(**LOCAL_OPTIMA_DATA, random_state=0)
    with threadpool_limits(limits=1):
        fits = fits_from_seeds(sample.X, LOCAL_OPTIMA_DATA["n_components"], range(n_starts), init=init)
    values = np.array([fit.log_likelihood for fit in fits])
    if not np.any(np.isfinite(values)):
        raise ValueError(t("pit.lo.all_broke", lang))
    best, worst = fits[int(np.nanargmax(values))], fits[int(np.nanargmin(values))]
    view, truth = _view(sample.X), sample.params if show_truth else None
    return LocalOptima(
        gallery=gallery_figure(view, sample.X, fits[:GALLERY_SIZE], truth, large=large, lang=lang),
        values=final_values_figure([fit.seed for fit in fits], values, large=large, lang=lang),
        best_worst=best_worst_figure(view, sample.X, best, worst, truth, large=large, lang=lang),
        n_starts=n_starts,
        best_count=int(np.sum(values >= np.nanmax(values) - BEST_TOLERANCE)),
        failed=int(np.sum(~np.isfinite(values))),
    )


# --------------------------------------------------------------------------- 2. singularities


@dataclass(frozen=True, eq=False)
class Singularity:
    picture: go.Figure
    curves: go.Figure
    broke_at: int | None
    smallest_variance: float
    final_log_likelihood: float
    reg_covar: float
    kind: str

    def message(self, *, lang: str = "en") -> tuple[str, str]:
        """(sentence, icon) for what happened: EM broke, climbed a collapse, or was held by the floor."""
        if self.broke_at is not None:
            return t("pit.sing.broke", lang, iteration=self.broke_at), ":material/report:"
        if self.reg_covar == 0:
            text = t("pit.sing.line", lang, variance=self.smallest_variance, ll=self.final_log_likelihood)
            return text, ":material/trending_up:"
        values = {"reg": self.reg_covar, "variance": self.smallest_variance, "ll": self.final_log_likelihood}
        text = t("pit.sing.floor", lang, **values)
        return text, ":material/vertical_align_bottom:"


def singularity(kind: str, reg_covar: float, *, large: bool = False, lang: str = "en") -> Singularity:
    """EM from a start on special points, for every reg_covar; the chosen one drawn where it stopped."""
    X, start = collapse_example(kind)
    runs = {reg: run_em_guarded(X, start, reg_covar=reg, max_iter=COLLAPSE_ITERATIONS) for reg in REG_COVAR_CHOICES}
    if reg_covar not in runs:
        runs[reg_covar] = run_em_guarded(X, start, reg_covar=reg_covar, max_iter=COLLAPSE_ITERATIONS)
    run = runs[reg_covar]
    final = run.final
    if final.responsibilities is None:
        final = run.states[-2] if len(run.states) > 1 else final
    collapsed = final.params.full_covariances()[1]
    return Singularity(
        picture=collapse_figure(_view(X), X, final, large=large, lang=lang),
        curves=collapse_curves_figure(runs, reg_covar, large=large, lang=lang),
        broke_at=len(run.log_likelihoods) if run.error else None,
        smallest_variance=float(np.linalg.eigvalsh(collapsed)[0]),
        final_log_likelihood=float(run.log_likelihoods[-1]),
        reg_covar=reg_covar,
        kind=kind,
    )


# --------------------------------------------------------------------------- 3. label switching


@dataclass(frozen=True, eq=False)
class LabelSwitching:
    figure: go.Figure
    fitted_log_likelihood: float
    relabelled_log_likelihood: float
    matching_order: tuple[int, ...]

    def caption(self, *, lang: str = "en") -> str:
        """Which relabelled component was matched back to C1, C2, ..."""
        return t("pit.ls.caption", lang, order=", ".join(f"C{k + 1}" for k in self.matching_order))


def label_switching(permutation: str, *, large: bool = False, lang: str = "en") -> LabelSwitching:
    """One fit, the same fit relabelled (identical likelihood), and the relabelled fit matched back."""
    sample = sample_mixture(**LABEL_SWITCHING_DATA, random_state=2)
    with threadpool_limits(limits=1):
        history = fit_best_of(sample.X, 3, init_params="kmeans", random_state=0)
    fitted = history[-1].params
    new_label_of = parse_permutation(permutation)
    relabelled = fitted.permuted(np.argsort(new_label_of))
    matched, order = align_components(fitted, relabelled)
    fitted_ll, fitted_resp = e_step(sample.X, fitted)
    relabelled_ll, relabelled_resp = e_step(sample.X, relabelled)
    _, matched_resp = e_step(sample.X, matched)
    panels = [
        (t("pit.ls.fitted", lang, ll=fitted_ll), fitted, fitted_resp),
        (t("pit.ls.permuted", lang, ll=relabelled_ll), relabelled, relabelled_resp),
        (t("pit.ls.matched", lang), matched, matched_resp),
    ]
    return LabelSwitching(
        figure=label_switching_figure(_view(sample.X), sample.X, panels, large=large, lang=lang),
        fitted_log_likelihood=fitted_ll,
        relabelled_log_likelihood=relabelled_ll,
        matching_order=tuple(int(i) for i in order),
    )


# --------------------------------------------------------------------------- 4. hard vs soft


@dataclass(frozen=True, eq=False)
class HardSoft:
    figure: go.Figure
    kmeans_agreement: float
    em_agreement: float


def hard_soft(elongation: float, separation: float, seed: int, *, large: bool = False, lang: str = "en") -> HardSoft:
    """k-means and EM from the same three data points on elongated, overlapping clusters."""
    sample = sample_mixture(600, 3, separation=separation, elongation=elongation, concentration=10.0, random_state=0)
    start = random_data_means(sample.X, 3, seed)
    with threadpool_limits(limits=1):
        result = hard_vs_soft(sample.X, start)
    kmeans_agreement = adjusted_rand_index(sample.labels, result.kmeans_labels)
    em_agreement = adjusted_rand_index(sample.labels, result.em_responsibilities.argmax(axis=1))
    titles = (t("pit.hs.kmeans", lang, ari=kmeans_agreement), t("pit.hs.em", lang, ari=em_agreement))
    return HardSoft(
        figure=hard_soft_figure(_view(sample.X), sample.X, result, titles, large=large, lang=lang),
        kmeans_agreement=kmeans_agreement,
        em_agreement=em_agreement,
    )


# --------------------------------------------------------------------------- 5. the original script


@dataclass(frozen=True, eq=False)
class ScriptLesson:
    curves: go.Figure
    covariances: go.Figure
    script_values: np.ndarray
    em_values: np.ndarray
    em_converged_at: int | None
    wrong_covariance: np.ndarray
    right_covariance: np.ndarray

    def script_text(self, *, lang: str = "en") -> str:
        """What the script's curve did, in one sentence."""
        values = self.script_values
        return t("pit.seed.script_result", lang, start=values[0], end=values[-1], epochs=len(values) - 1)

    def em_text(self, *, lang: str = "en") -> str:
        """What EM's curve did, saying honestly whether EM's own rule declared convergence."""
        values = self.em_values
        if self.em_converged_at is None:
            return t("pit.seed.em_unconverged", lang, start=values[0], end=values[-1], iterations=len(values))
        return t("pit.seed.em_result", lang, start=values[0], end=values[-1], iterations=self.em_converged_at)

    def matrices_latex(self, *, lang: str = "en") -> str:
        """The script's covariance beside EM's, as LaTeX, each named by its update."""
        labels = (t("pit.seed.rank1", lang), t("pit.seed.outer", lang))
        return matrix_pair_latex(self.wrong_covariance, self.right_covariance, labels)


def script_lesson(epochs: int, *, large: bool = False, lang: str = "en") -> ScriptLesson:
    """The script's update next to EM on the documented example from the script's own start."""
    X, _ = seed_script_fixture()
    with threadpool_limits(limits=1):
        start = seed_script_start(X, 3, seed=1)
    _, script_values = seed_script_fit(X, start, n_epochs=epochs)
    # tol = 0: EM runs as many iterations as the script, so the two curves share their x axis;
    # a second run with a real tolerance stops where EM's own rule (scikit-learn's) says it converged.
    em_states = run_em(X, start, max_iter=epochs, tol=0.0)
    em_values = np.array([state.log_likelihood for state in em_states if state.phase == "E"])
    converged_at = converged_iteration(run_em(X, start, max_iter=epochs, tol=CONVERGED_CHANGE))
    _, responsibilities = e_step(X, start)
    _, wrong_means, wrong_covariances = seed_script_m_step(X, responsibilities, start.means)
    right = m_step(X, responsibilities, reg_covar=0.0)
    view = _view(X)
    return ScriptLesson(
        curves=script_vs_em_figure(script_values, em_values, large=large, lang=lang),
        covariances=covariance_update_figure(
            view, X, responsibilities, (wrong_means, wrong_covariances), right, large=large, lang=lang
        ),
        script_values=script_values,
        em_values=em_values,
        em_converged_at=converged_at,
        wrong_covariance=wrong_covariances[0],
        right_covariance=right.covariances[0],
    )
