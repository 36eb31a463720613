"""Small experiments that show how EM can go wrong: restarts, collapses, label switching, hard vs soft.

Each function is pure (same inputs, same result) and returns plain data; the "When EM goes
wrong" page turns the results into pictures. Unlike :mod:`gmm_core.mistakes`, everything here
is correct EM: the failures shown are the algorithm's own, not bugs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans

from gmm_core._checks import check_data, check_int, check_n_components
from gmm_core.em import EMState, e_step, em_steps, prepare
from gmm_core.init import initialize, initialize_from_means
from gmm_core.metrics import match_components
from gmm_core.params import GMMParams

COLLAPSE_KINDS = ("point", "line")


@dataclass(frozen=True, eq=False)
class GuardedRun:
    """An EM run that may have broken down part-way.

    Attributes
    ----------
    states : list of EMState
        Every half-step reached (the start first).
    error : str or None
        The core's message when a step failed (a covariance stopped being positive definite),
        else None.
    """

    states: list
    error: str | None

    @property
    def log_likelihoods(self) -> np.ndarray:
        """Mean log-likelihood at every E-step reached, shape (n_iterations,)."""
        return np.array([s.log_likelihood for s in self.states if s.phase == "E"], dtype=float)

    @property
    def final(self) -> EMState:
        return self.states[-1]


def run_em_guarded(X, start: GMMParams, *, reg_covar: float, max_iter: int = 100, tol: float = 0.0) -> GuardedRun:
    """Run EM from ``start`` and keep every state reached, stopping quietly if a step fails.

    The core raises ValueError when a covariance stops being positive definite (a component has
    collapsed). For a teaching experiment that breakdown is the result, so it is returned
    instead of raised.
    """
    states: list[EMState] = []
    try:
        for state in em_steps(X, start, reg_covar=reg_covar, max_iter=max_iter, tol=tol):
            states.append(state)
    except ValueError as error:
        return GuardedRun(states, str(error))
    return GuardedRun(states, None)


def converged_iteration(states) -> int | None:
    """The iteration at which EM's own rule declared convergence, or None if it never did.

    The rule is the core's (and scikit-learn's ``n_iter_``): the first iteration whose
    log-likelihood changed by less than ``tol``. A run stopped by ``max_iter`` first returns None,
    so a caller can say "did not converge" instead of guessing from the curve.
    """
    return next((state.iteration for state in states if state.converged), None)


def collapse_example(kind: str = "line") -> tuple[np.ndarray, GMMParams]:
    """A data set and a start from which one component collapses when reg_covar is 0.

    200 points from a broad 2-D Gaussian plus either one isolated point ("point") or 8 points
    lying exactly on a horizontal line ("line", e.g. a measurement rounded to the same value).
    Component C1 starts broad over the whole cloud, C2 small on the special points. EM then
    shrinks C2 onto them: its variance across the line (or all its variance, for one point) goes
    to zero, so its density there, and the likelihood, grows without bound.

    Returns
    -------
    X : ndarray of shape (201, 2) or (208, 2)
    start : GMMParams
        Two "full" components.
    """
    if kind not in COLLAPSE_KINDS:
        raise ValueError(f"kind must be one of {COLLAPSE_KINDS}; got {kind!r}.")
    broad = np.random.default_rng(3).normal(size=(200, 2)) * [2.0, 1.5]
    if kind == "point":
        special, start_variance = np.array([[3.0, 2.5]]), 0.15
    else:
        offsets = np.linspace(-1.0, 1.0, 8)
        special, start_variance = np.column_stack([3.0 + offsets, np.full(8, 2.5)]), 0.6
    X = np.vstack([broad, special])
    start = GMMParams(
        [0.9, 0.1], [[0.0, 0.0], special.mean(axis=0)], [np.cov(broad.T), start_variance * np.eye(2)], "full"
    )
    return X, start


@dataclass(frozen=True, eq=False)
class SeedFit:
    """The end of one EM run from one random start.

    ``params``/``responsibilities`` are None and ``log_likelihood`` is NaN when the run broke
    down; ``error`` then says why.
    """

    seed: int
    params: GMMParams | None
    responsibilities: np.ndarray | None
    log_likelihood: float
    n_iter: int
    error: str | None = None


def fits_from_seeds(
    X,
    n_components: int,
    seeds,
    *,
    init: str = "random_from_data",
    covariance_type: str = "full",
    reg_covar: float = 1e-6,
    max_iter: int = 200,
    tol: float = 1e-4,
) -> list[SeedFit]:
    """Run EM to convergence once per seed and report where each run ended (local optima).

    The log-likelihood and responsibilities are those of the final parameters (one more
    E-step), so what is drawn and the number shown beside it agree.
    """
    data = prepare(X)
    n_components = check_n_components(n_components, data.n_samples)
    fits = []
    for seed in seeds:
        seed = check_int(seed, "seed", 0)
        try:
            start = initialize(
                data, n_components, init, covariance_type=covariance_type, reg_covar=reg_covar, random_state=seed
            )
            states = list(em_steps(data, start, reg_covar=reg_covar, max_iter=max_iter, tol=tol))
            log_likelihood, responsibilities = e_step(data, states[-1].params)
            fits.append(SeedFit(seed, states[-1].params, responsibilities, log_likelihood, states[-1].iteration))
        except ValueError as error:
            fits.append(SeedFit(seed, None, None, float("nan"), 0, str(error)))
    return fits


def align_components(reference: GMMParams, params: GMMParams) -> tuple[GMMParams, np.ndarray]:
    """``params`` with its components renumbered to match ``reference`` (undoing label switching).

    Components are paired by the Hungarian algorithm on squared distances between means.

    Returns
    -------
    aligned : GMMParams
        The same mixture; component j is the one closest to ``reference``'s component j.
    order : ndarray of shape (K,)
        ``aligned = params.permuted(order)``.
    """
    if reference.n_components != params.n_components:
        raise ValueError(
            f"Both mixtures need the same number of components to be matched; "
            f"got {reference.n_components} and {params.n_components}."
        )
    order = match_components(reference.means, params.means)
    return params.permuted(order), order


def random_data_means(X, n_components: int, seed: int) -> np.ndarray:
    """``n_components`` distinct data points picked at random: a shared start for k-means and EM."""
    X = check_data(X)
    n_components = check_n_components(n_components, X.shape[0])
    rows = np.random.default_rng(check_int(seed, "seed", 0)).choice(X.shape[0], n_components, replace=False)
    return X[np.sort(rows)].copy()


@dataclass(frozen=True, eq=False)
class HardSoftComparison:
    """k-means and EM run from the same starting means on the same data.

    Attributes
    ----------
    start_means : ndarray of shape (K, D)
    kmeans_labels : ndarray of shape (N,)
        Hard assignments: each point belongs to its nearest centre, all or nothing.
    kmeans_centers : ndarray of shape (K, D)
    em_params : GMMParams
        EM's final mixture (started from ``start_means``, equal weights and the data covariance).
    em_responsibilities : ndarray of shape (N, K)
        Soft assignments of the final mixture.
    """

    start_means: np.ndarray
    kmeans_labels: np.ndarray
    kmeans_centers: np.ndarray
    em_params: GMMParams
    em_responsibilities: np.ndarray


def hard_vs_soft(X, start_means, *, max_iter: int = 300, tol: float = 1e-4) -> HardSoftComparison:
    """Run k-means (hard assignments, round clusters) and full-covariance EM from the same means.

    k-means is EM's limit when every component is a circle of the same, vanishing size: each
    point goes wholly to the nearest centre. On elongated, overlapping clusters that cuts the
    ellipses across, while EM can stretch and turn its components.
    """
    data = prepare(X)
    start_means = np.atleast_2d(np.asarray(start_means, dtype=float))
    kmeans = KMeans(n_clusters=start_means.shape[0], init=start_means, n_init=1, max_iter=max_iter).fit(data.X)
    start = initialize_from_means(data, start_means)
    states = list(em_steps(data, start, max_iter=max_iter, tol=tol))
    _, responsibilities = e_step(data, states[-1].params)
    return HardSoftComparison(
        start_means, kmeans.labels_.astype(int), kmeans.cluster_centers_, states[-1].params, responsibilities
    )
