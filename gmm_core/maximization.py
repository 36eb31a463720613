"""The M-step: weights, means and covariances from responsibilities, one small estimator per covariance type.

One matrix product, responsibilities (K, N) @ quadratic features (N, F), gives N_k, the means
and the second moments (see :mod:`gmm_core.prepared`); where the expanded formulas could lose
digits (a tiny component far from the data centre) a component falls back to the direct two-pass
formula.
"""

from __future__ import annotations

import numpy as np

from gmm_core._checks import check_covariance_type, check_reg_covar
from gmm_core.params import GMMParams
from gmm_core.prepared import ACCURACY, EPS, feature_kind, prepare, quadratic_index

# A row of responsibilities whose sum is this close to one sums to one up to rounding.
_ROW_SUM_ROUNDING = 1e-12


def m_step(X, responsibilities, *, covariance_type: str = "full", reg_covar: float = 1e-6) -> GMMParams:
    """Maximisation step: the weights, means and covariances that best explain the soft assignment.

    N_k = sum_n gamma_nk;  pi_k = N_k / N;  mu_k = sum_n gamma_nk x_n / N_k;
    Sigma_k = sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T / N_k + reg_covar * I
    (pooled over components for "tied", diagonal only for "diag", averaged over dimensions for
    "spherical"). The same numbers as scikit-learn's ``_m_step``, including its ``10 * eps``
    added to N_k; only the pooled "tied" covariance is summed without scikit-learn's
    cancellation, so far from the origin it keeps digits that scikit-learn's loses.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or PreparedData
        Pass ``prepare(X)`` when calling repeatedly on the same data: the quadratic features
        are then built once instead of on every call (``em_steps`` does this).
    responsibilities : array-like of shape (n_samples, n_components)
        Non-negative weights of each sample for each component (rows usually sum to one).
    covariance_type : {"full", "tied", "diag", "spherical"}
    reg_covar : float, default 1e-6
        Added to every covariance diagonal so no component can collapse to zero volume.

    Returns
    -------
    GMMParams
    """
    data = prepare(X)
    check_covariance_type(covariance_type)
    reg_covar = check_reg_covar(reg_covar)
    resp_rows = _check_responsibilities(responsibilities, data.n_samples)
    kind = feature_kind(covariance_type)
    features = data.features(kind)
    n_quadratic = features.shape[0] - data.n_features - 1
    sums = resp_rows @ features.T
    resp_total = resp_rows.sum(axis=1)
    nk = resp_total + 10 * EPS
    first = sums[:, n_quadratic:-1]
    second = sums[:, :n_quadratic]
    means = (first + np.outer(resp_total, data.center)) / nk[:, np.newaxis]
    centered_means = means - data.center
    estimate = {
        "full": _full_covariances,
        "tied": _tied_covariance,
        "diag": _diag_covariances,
        "spherical": _spherical_covariances,
    }[covariance_type]
    covariances = estimate(data, resp_rows, nk, resp_total, first, second, means, centered_means, reg_covar)
    return GMMParams(nk / nk.sum(), means, covariances, covariance_type)


def _check_responsibilities(responsibilities, n_samples: int) -> np.ndarray:
    """Responsibilities as a contiguous (K, N) array, after checking shape and values."""
    try:
        resp = np.asarray(responsibilities, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"responsibilities must be an array of numbers; it could not be read as one ({exc})."
        ) from None
    if resp.ndim != 2 or resp.shape[0] != n_samples:
        raise ValueError(
            f"responsibilities must have shape (n_samples, n_components) = ({n_samples}, K); got {resp.shape}."
        )
    if not np.all(np.isfinite(resp)) or np.any(resp < 0):
        raise ValueError("responsibilities must be finite and non-negative (they are probabilities).")
    return np.ascontiguousarray(resp.T)


def _full_covariances(data, resp_rows, nk, resp_total, first, second, means, centered_means, reg_covar):
    n_components, n_features = means.shape
    raw_second = _symmetric_matrices(second, n_components, n_features)
    covariances = _central_moment(raw_second, first, resp_total, centered_means) / nk[:, np.newaxis, np.newaxis]
    lowest = np.linalg.eigvalsh(covariances)[:, 0] + reg_covar
    rounding = EPS * np.trace(raw_second, axis1=1, axis2=2) / nk
    for k in np.flatnonzero(rounding > ACCURACY * lowest):
        diff = data.X - means[k]
        covariances[k] = (resp_rows[k][:, np.newaxis] * diff).T @ diff / nk[k]
    covariances[:, np.arange(n_features), np.arange(n_features)] += reg_covar
    return covariances


def _symmetric_matrices(upper_entries, n_components, n_features):
    """(K, D, D) symmetric matrices from their upper-triangle entries, in ``quadratic_index`` order."""
    rows, cols = quadratic_index(n_features, "full")
    matrices = np.empty((n_components, n_features, n_features))
    matrices[:, rows, cols] = upper_entries
    matrices[:, cols, rows] = upper_entries
    return matrices


def _central_moment(raw_second, first, resp_total, centered_means):
    """sum_n r_n (z_n - m)(z_n - m)^T from sum r z z^T, sum r z and sum r (no pass over the data)."""
    cross = np.einsum("kd,ke->kde", centered_means, first)
    outer = np.einsum("kd,ke->kde", centered_means, centered_means)
    return raw_second - cross - np.swapaxes(cross, 1, 2) + resp_total[:, np.newaxis, np.newaxis] * outer


def _tied_covariance(data, resp_rows, nk, resp_total, first, second, means, centered_means, reg_covar):
    # scikit-learn pools as (X^T X - sum_k N_k mu_k mu_k^T) / sum_k N_k. Up to its 10 * eps in
    # N_k (which there adds 10 * eps * mu_k mu_k^T: nothing near the origin, but comparable to
    # reg_covar for a few points far from it) that is
    #     sum_k sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T   (each component's scatter about its mean)
    #   + sum_n (1 - sum_k r_nk) x_n x_n^T             (samples whose row does not sum to one).
    # Evaluated term by term (the first in centred coordinates) nothing large cancels, so the
    # result keeps its digits far from the origin, where X^T X and sum_k N_k mu_k mu_k^T nearly
    # cancel. The second term is zero for E-step responsibilities and matters only for the
    # one-sample starts ("k-means++", "random_from_data"), whose rows are mostly zero. A row that
    # sums to more than one (k-means++ picks one sample twice when there are fewer distinct
    # samples than components) would subtract x_n x_n^T and can leave no valid covariance at
    # all (scikit-learn then fails), so such rows count as fully assigned.
    n_components, n_features = means.shape
    raw_second = _symmetric_matrices(second, n_components, n_features)
    scatter = _central_moment(raw_second, first, resp_total, centered_means).sum(axis=0)
    lowest = np.linalg.eigvalsh(scatter)[0] / nk.sum() + reg_covar
    if EPS * np.trace(raw_second.sum(axis=0)) / nk.sum() > ACCURACY * lowest:
        scatter = np.zeros((n_features, n_features))
        for k in range(n_components):
            diff = data.X - means[k]
            scatter += (resp_rows[k][:, np.newaxis] * diff).T @ diff
    unassigned = 1.0 - resp_rows.sum(axis=0)
    unassigned[unassigned < _ROW_SUM_ROUNDING] = 0.0
    if np.any(unassigned):
        scatter = scatter + (data.X.T * unassigned) @ data.X
    covariance = scatter / nk.sum()
    covariance[np.arange(n_features), np.arange(n_features)] += reg_covar
    return covariance


def _diag_covariances(data, resp_rows, nk, resp_total, first, second, means, centered_means, reg_covar):
    variances = (second - 2 * centered_means * first + resp_total[:, np.newaxis] * centered_means**2) / nk[
        :, np.newaxis
    ]
    rounding = EPS * second.max(axis=1) / nk
    for k in np.flatnonzero(rounding > ACCURACY * (variances.min(axis=1) + reg_covar)):
        diff = data.X - means[k]
        variances[k] = resp_rows[k] @ (diff * diff) / nk[k]
    return variances + reg_covar


def _spherical_covariances(*args):
    return _diag_covariances(*args).mean(axis=1)
