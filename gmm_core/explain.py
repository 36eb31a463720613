"""The numbers behind one E-step and one M-step, term by term, for showing the formulas at work.

The step-through page writes the EM formulas with live numbers in them. These functions return
those numbers, computed by the same engine as :func:`gmm_core.e_step` and :func:`gmm_core.m_step`
(``weighted_log_prob`` for the densities, the e_step output for the responsibilities, the
m_step output for the new parameters), so what a student reads equals what EM did.

Densities of far-away points underflow to 0 in plain floats, so every density also comes as a
logarithm; a display can write 1.2e-400 from its log even though the float is 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from gmm_core._checks import check_covariance_type, check_reg_covar
from gmm_core.em import e_step, m_step, prepare, weighted_log_prob
from gmm_core.params import GMMParams


@dataclass(frozen=True, eq=False)
class ResponsibilityTerms:
    """Every term of gamma_nk = pi_k N(x_n | mu_k, Sigma_k) / sum_j pi_j N(x_n | mu_j, Sigma_j) for one sample.

    Attributes
    ----------
    index : int
        The sample n.
    x : ndarray of shape (n_features,)
        The sample x_n.
    weights : ndarray of shape (n_components,)
        pi_k.
    log_densities : ndarray of shape (n_components,)
        log N(x_n | mu_k, Sigma_k).
    log_weighted : ndarray of shape (n_components,)
        log(pi_k N(x_n | mu_k, Sigma_k)), the numerators (log of 0 is -inf for a zero weight).
    log_normalizer : float
        log sum_j pi_j N(x_n | mu_j, Sigma_j), the log of the denominator (the sample's log-likelihood).
    responsibilities : ndarray of shape (n_components,)
        gamma_nk, exactly row n of ``e_step``'s output.
    """

    index: int
    x: np.ndarray
    weights: np.ndarray
    log_densities: np.ndarray
    log_weighted: np.ndarray
    log_normalizer: float
    responsibilities: np.ndarray

    @property
    def densities(self) -> np.ndarray:
        """N(x_n | mu_k, Sigma_k) as plain numbers (0 where they underflow; use ``log_densities`` then)."""
        return np.exp(self.log_densities)

    @property
    def weighted(self) -> np.ndarray:
        """pi_k N(x_n | mu_k, Sigma_k), the numerators."""
        return np.exp(self.log_weighted)

    @property
    def normalizer(self) -> float:
        """sum_j pi_j N(x_n | mu_j, Sigma_j), the denominator."""
        return float(np.exp(self.log_normalizer))

    @property
    def log_responsibilities(self) -> np.ndarray:
        """log gamma_nk, finite even where gamma_nk underflows to 0."""
        return self.log_weighted - self.log_normalizer


def responsibility_terms(X, params: GMMParams, index: int) -> ResponsibilityTerms:
    """The terms of the E-step formula for sample ``index`` of ``X`` under ``params``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or PreparedData
        The whole data set (the responsibilities are e_step's, which works on all of it).
    params : GMMParams
        The parameters the E-step uses (those before it).
    index : int
        Which sample, 0-based.

    Returns
    -------
    ResponsibilityTerms
    """
    data = prepare(X)
    index = _check_index(index, data.n_samples)
    log_weighted = weighted_log_prob(data, params)[:, index].copy()
    uniform = GMMParams(
        np.full(params.n_components, 1.0 / params.n_components),
        params.means,
        params.covariances,
        params.covariance_type,
    )
    log_densities = weighted_log_prob(data, uniform)[:, index] + np.log(params.n_components)
    _, responsibilities = e_step(data, params)
    return ResponsibilityTerms(
        index=index,
        x=data.X[index].copy(),
        weights=np.array(params.weights),
        log_densities=log_densities,
        log_weighted=log_weighted,
        log_normalizer=float(logsumexp(log_weighted)),
        responsibilities=np.array(responsibilities[index]),
    )


@dataclass(frozen=True, eq=False)
class MStepTerms:
    """The numbers of one M-step: what each component had before it and what it has after.

    Attributes
    ----------
    n_samples : int
        N.
    covariance_type : str
    reg_covar : float
        The epsilon added to every covariance diagonal.
    counts_before : ndarray of shape (n_components,)
        N_k the old weights stand for, pi_k N.
    counts : ndarray of shape (n_components,)
        N_k = sum_n gamma_nk, the soft count of each component (as m_step uses it, with its 10 eps).
    weighted_sums : ndarray of shape (n_components, n_features)
        sum_n gamma_nk x_n; divided by N_k it is the new mean.
    scatter : ndarray of shape (n_components, n_features, n_features)
        sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T around the new means; the covariance update
        divides it by N_k (full), pools it (tied), or keeps its diagonal (diag) or the diagonal's
        mean (spherical), and adds ``reg_covar``.
    before, after : GMMParams
        The parameters before the M-step and the ones it returns.
    """

    n_samples: int
    covariance_type: str
    reg_covar: float
    counts_before: np.ndarray
    counts: np.ndarray
    weighted_sums: np.ndarray
    scatter: np.ndarray
    before: GMMParams
    after: GMMParams

    @property
    def mean_shift(self) -> np.ndarray:
        """How far each mean moved, ||mu_k(after) - mu_k(before)||, shape (n_components,); see :func:`mean_shifts`."""
        return mean_shifts(self.before, self.after)


def m_step_terms(
    X,
    responsibilities,
    before: GMMParams,
    *,
    covariance_type: str | None = None,
    reg_covar: float = 1e-6,
    after: GMMParams | None = None,
) -> MStepTerms:
    """The terms of the M-step formulas for the given responsibilities.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or PreparedData
    responsibilities : array-like of shape (n_samples, n_components)
        The E-step's output the M-step uses.
    before : GMMParams
        The parameters the E-step used (shown as "before").
    covariance_type : str, optional
        Defaults to ``before``'s.
    reg_covar : float, default 1e-6
    after : GMMParams, optional
        The M-step's result when it is already known (saves computing it again); must be
        ``m_step(X, responsibilities, covariance_type=..., reg_covar=...)``.

    Returns
    -------
    MStepTerms
    """
    data = prepare(X)
    covariance_type = check_covariance_type(covariance_type or before.covariance_type)
    reg_covar = check_reg_covar(reg_covar)
    resp = np.asarray(responsibilities, dtype=np.float64)
    if after is None:
        after = m_step(data, resp, covariance_type=covariance_type, reg_covar=reg_covar)
    counts = resp.sum(axis=0) + 10 * np.finfo(np.float64).eps
    weighted_sums = resp.T @ data.X
    scatter = np.empty((after.n_components, data.n_features, data.n_features))
    for k in range(after.n_components):
        diff = data.X - after.means[k]
        scatter[k] = (resp[:, k, np.newaxis] * diff).T @ diff
    return MStepTerms(
        n_samples=data.n_samples,
        covariance_type=covariance_type,
        reg_covar=reg_covar,
        counts_before=np.array(before.weights) * data.n_samples,
        counts=counts,
        weighted_sums=weighted_sums,
        scatter=scatter,
        before=before,
        after=after,
    )


def point_like_components(X, params: GMMParams, ratio: float = 1e-4) -> np.ndarray:
    """Which components are points next to the data: total variance below ``ratio`` of the data's.

    One-sample starts ("k-means++", "random_from_data") begin this way, with only ``reg_covar``
    of spread, so their ellipses are invisible and the first log-likelihood is extremely low.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or PreparedData
    params : GMMParams
    ratio : float, default 1e-4
        A component is point-like when the trace of its covariance is below ``ratio`` times the
        data's total variance.

    Returns
    -------
    ndarray of bool, shape (n_components,)
    """
    data = prepare(X)
    data_variance = float(np.trace(data.scatter)) / data.n_samples
    component_variance = np.trace(params.full_covariances(), axis1=1, axis2=2)
    return component_variance < ratio * max(data_variance, np.finfo(float).tiny)


def _check_index(index, n_samples: int) -> int:
    if isinstance(index, bool) or not isinstance(index, int | np.integer) or not 0 <= index < n_samples:
        raise ValueError(f"The sample index must be a whole number from 0 to {n_samples - 1}; got {index!r}.")
    return int(index)


def most_uncertain_point(responsibilities) -> int:
    """Index of the sample whose responsibilities are most evenly shared (highest entropy).

    The point a student should look at to see that EM's assignments are soft.

    Parameters
    ----------
    responsibilities : array-like of shape (n_samples, n_components)

    Returns
    -------
    int
        Row index of that sample.
    """
    resp = np.asarray(responsibilities, dtype=float)
    if resp.ndim != 2 or resp.shape[0] == 0:
        raise ValueError("responsibilities must be a non-empty (n_samples, n_components) array.")
    entropy = -np.sum(resp * np.log(np.clip(resp, 1e-300, None)), axis=1)
    return int(np.argmax(entropy))


def mean_shifts(before: GMMParams, after: GMMParams) -> np.ndarray:
    """Distance each component's mean moved between two parameter sets, ||mu_k(after) - mu_k(before)||.

    Parameters
    ----------
    before, after : GMMParams
        With the same number of components and features.

    Returns
    -------
    ndarray of shape (n_components,)
    """
    if before.means.shape != after.means.shape:
        raise ValueError("Both parameter sets must have the same number of components and features.")
    return np.linalg.norm(after.means - before.means, axis=1)
