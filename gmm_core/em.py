"""The EM engine: e_step, m_step, and em_steps, the generator of per-half-step states.

Why it is fast and still exact
------------------------------
With z = x - c (c the data mean) a Gaussian log-density is a linear function of the
quadratic features [z_i z_j (i <= j), z_d, 1]. The features depend on the data only, so they
are built once per fit, and then

* the E-step is one matrix product, W (K, F) @ features (F, N), followed by a log-sum-exp
  over the K rows of a (K, N) array (elementwise maxima of contiguous rows, one exp pass);
* the M-step is one matrix product, responsibilities (K, N) @ features.T (N, F), from which
  N_k, the means and the second moments follow.

Expanding the quadratic form can lose digits when a component is tiny compared with the spread
of the data (the expansion cancels large terms). Both steps estimate that rounding error and, for
the rare components where it could exceed ~1e-10 of the result, fall back to the direct
two-pass formulas. That keeps agreement with scikit-learn to ~1e-10 on uncentred and degenerate
data too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from gmm_core._checks import (
    check_covariance_type,
    check_data,
    check_int,
    check_n_components,
    check_reg_covar,
    check_tol,
)
from gmm_core.params import GMMParams

_LOG_2PI = np.log(2.0 * np.pi)
_EPS = np.finfo(np.float64).eps
# Largest relative rounding error accepted from the expanded (one-pass) formulas.
_ACCURACY = 1e-10
# A row of responsibilities whose sum is this close to one sums to one up to rounding.
_ROW_SUM_ROUNDING = 1e-12


class PreparedData:
    """Data plus the quadratic features every EM iteration reuses.

    ``e_step`` and ``m_step`` accept either a raw array or a ``PreparedData``; ``em_steps``
    prepares the data once so no iteration pays for the features again.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or (n_samples,) for one feature
    """

    def __init__(self, X):
        self.X = check_data(X)
        # Any centre makes the algebra exact; the mean (by a BLAS product, which is fast for a
        # tall array) keeps the features small, which is what limits rounding.
        self.center = np.ones(self.n_samples) @ self.X / self.n_samples
        self.centered_t = self.X.T - self.center[:, np.newaxis]
        self._features: dict[str, np.ndarray] = {}

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @cached_property
    def radius2(self) -> float:
        """Largest squared distance of a sample from the centre."""
        return float(np.max(np.einsum("dn,dn->n", self.centered_t, self.centered_t)))

    @cached_property
    def scatter(self) -> np.ndarray:
        """Z.T @ Z for the centred data Z, shape (D, D)."""
        return self.centered_t @ self.centered_t.T

    def features(self, kind: str) -> np.ndarray:
        """Quadratic features of the centred data, shape (F, N), built once per kind.

        ``kind="full"`` gives [z_i z_j for i <= j, z_d, 1]; ``kind="diag"`` gives [z_d^2, z_d, 1].
        """
        if kind not in self._features:
            rows, cols = _quadratic_index(self.n_features, kind)
            zt = self.centered_t
            features = np.empty((len(rows) + self.n_features + 1, self.n_samples))
            for index, (i, j) in enumerate(zip(rows, cols, strict=True)):
                np.multiply(zt[i], zt[j], out=features[index])
            features[len(rows) : -1] = zt
            features[-1] = 1.0
            self._features[kind] = features
        return self._features[kind]


def prepare(X) -> PreparedData:
    """Return ``X`` as :class:`PreparedData` (unchanged if it already is)."""
    return X if isinstance(X, PreparedData) else PreparedData(X)


def _quadratic_index(n_features: int, kind: str) -> tuple[np.ndarray, np.ndarray]:
    if kind == "diag" or n_features == 1:
        index = np.arange(n_features)
        return index, index
    return np.triu_indices(n_features)


def _feature_kind(covariance_type: str) -> str:
    return "diag" if covariance_type in ("diag", "spherical") else "full"


# --------------------------------------------------------------------------- E-step


def e_step(X, params: GMMParams) -> tuple[float, np.ndarray]:
    """Expectation step: the posterior probability of every component for every sample.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or PreparedData
        Pass ``prepare(X)`` when calling repeatedly on the same data: the quadratic features
        are then built once instead of on every call (``em_steps`` does this).
    params : GMMParams

    Returns
    -------
    log_likelihood : float
        Mean per-sample log-likelihood of ``X`` under ``params`` (scikit-learn's ``score``).
    responsibilities : ndarray of shape (n_samples, n_components)
        gamma_nk = pi_k N(x_n | mu_k, Sigma_k) / sum_j pi_j N(x_n | mu_j, Sigma_j). Rows sum to
        one; computed in log space, so points far from every component stay finite. Read-only.
    """
    data = prepare(X)
    log_prob = weighted_log_prob(data, params)
    log_likelihood, responsibilities = _normalize_log_prob(log_prob)
    return log_likelihood, responsibilities.T


def weighted_log_prob(X, params: GMMParams) -> np.ndarray:
    """log(pi_k) + log N(x_n | mu_k, Sigma_k) for every component and sample, shape (K, N).

    The (K, N) layout keeps each component's row contiguous, which makes the log-sum-exp over
    components a few elementwise passes instead of a reduction along a short axis.
    """
    data = prepare(X)
    _check_compatible(data, params)
    centered_means = params.means - data.center
    if _feature_kind(params.covariance_type) == "diag":
        precisions = np.broadcast_to(
            params.precisions[:, np.newaxis] if params.covariance_type == "spherical" else params.precisions,
            centered_means.shape,
        )
        quadratic = -0.5 * precisions
        linear = precisions * centered_means
        largest_precision = precisions.max(axis=1)
        log_det_half = 0.5 * np.log(precisions).sum(axis=1)
    else:
        precisions = params.full_precisions()
        rows, cols = _quadratic_index(params.n_features, "full")
        quadratic = -precisions[:, rows, cols] * np.where(rows == cols, 0.5, 1.0)
        linear = np.einsum("kde,ke->kd", precisions, centered_means)
        largest_precision = np.trace(precisions, axis1=1, axis2=2)
        chol_diagonal = np.diagonal(params.precisions_cholesky, axis1=-2, axis2=-1)
        log_det_half = np.broadcast_to(np.log(chol_diagonal).sum(axis=-1), (params.n_components,))
    mean_norm2 = np.einsum("kd,kd->k", centered_means, centered_means)
    constant = log_det_half - 0.5 * params.n_features * _LOG_2PI - 0.5 * np.einsum("kd,kd->k", centered_means, linear)
    rounding = _EPS * largest_precision * (data.radius2 + mean_norm2)
    if np.any(rounding > _ACCURACY):
        log_prob = _direct_log_prob(data, params, log_det_half)
    else:
        coefficients = np.column_stack([quadratic, linear, constant])
        log_prob = coefficients @ data.features(_feature_kind(params.covariance_type))
    with np.errstate(divide="ignore"):
        log_prob += np.log(params.weights)[:, np.newaxis]
    return log_prob


def _direct_log_prob(data: PreparedData, params: GMMParams, log_det_half: np.ndarray) -> np.ndarray:
    """Two-pass log densities, (x - mu_k) first and then the quadratic form: slower, no cancellation."""
    factors = params.precisions_cholesky
    log_prob = np.empty((params.n_components, data.n_samples))
    for k in range(params.n_components):
        diff = data.X - params.means[k]
        if params.covariance_type == "full":
            whitened = diff @ factors[k]
        elif params.covariance_type == "tied":
            whitened = diff @ factors
        elif params.covariance_type == "diag":
            whitened = diff * factors[k]
        else:
            whitened = diff * factors[k]
        log_prob[k] = -0.5 * np.einsum("nd,nd->n", whitened, whitened)
    log_prob += (log_det_half - 0.5 * params.n_features * _LOG_2PI)[:, np.newaxis]
    return log_prob


def _normalize_log_prob(log_prob: np.ndarray) -> tuple[float, np.ndarray]:
    """Log-sum-exp over components of a (K, N) array, in place: mean log-likelihood and posteriors."""
    top = log_prob.max(axis=0)
    log_prob -= top
    np.exp(log_prob, out=log_prob)
    total = log_prob.sum(axis=0)
    log_prob /= total
    log_likelihood = float(np.mean(np.log(total) + top))
    log_prob.setflags(write=False)
    return log_likelihood, log_prob


def _check_compatible(data: PreparedData, params: GMMParams) -> None:
    if not isinstance(params, GMMParams):
        raise ValueError(f"params must be a GMMParams; got {type(params).__name__}.")
    if params.n_features != data.n_features:
        raise ValueError(
            f"The model has {params.n_features} feature(s) but the data has {data.n_features} column(s); "
            "they must match."
        )


# --------------------------------------------------------------------------- M-step


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
    kind = _feature_kind(covariance_type)
    features = data.features(kind)
    n_quadratic = features.shape[0] - data.n_features - 1
    sums = resp_rows @ features.T
    resp_total = resp_rows.sum(axis=1)
    nk = resp_total + 10 * _EPS
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
    rounding = _EPS * np.trace(raw_second, axis1=1, axis2=2) / nk
    for k in np.flatnonzero(rounding > _ACCURACY * lowest):
        diff = data.X - means[k]
        covariances[k] = (resp_rows[k][:, np.newaxis] * diff).T @ diff / nk[k]
    covariances[:, np.arange(n_features), np.arange(n_features)] += reg_covar
    return covariances


def _symmetric_matrices(upper_entries, n_components, n_features):
    """(K, D, D) symmetric matrices from their upper-triangle entries, in ``_quadratic_index`` order."""
    rows, cols = _quadratic_index(n_features, "full")
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
    if _EPS * np.trace(raw_second.sum(axis=0)) / nk.sum() > _ACCURACY * lowest:
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
    rounding = _EPS * second.max(axis=1) / nk
    for k in np.flatnonzero(rounding > _ACCURACY * (variances.min(axis=1) + reg_covar)):
        diff = data.X - means[k]
        variances[k] = resp_rows[k] @ (diff * diff) / nk[k]
    return variances + reg_covar


def _spherical_covariances(*args):
    return _diag_covariances(*args).mean(axis=1)


# --------------------------------------------------------------------------- the EM loop


@dataclass(frozen=True, eq=False)
class EMState:
    """One half-step of EM, frozen: everything a view needs to draw it.

    Attributes
    ----------
    iteration : int
        0 for the starting state, then 1, 2, ... (an E and an M state share their iteration).
    phase : {"init", "E", "M"}
    params : GMMParams
        The parameters in force after this half-step (an E-step does not change them).
    responsibilities : ndarray of shape (n_samples, n_components) or None
        From the latest E-step (None before the first one). Read-only.
    log_likelihood : float or None
        Mean per-sample log-likelihood of the parameters the latest E-step used.
    change : float or None
        Change of ``log_likelihood`` since the previous iteration (None on the first).
    converged : bool
        True on the E and M states of the iteration whose change fell below ``tol``; EM stops
        after that M-step, as scikit-learn does.
    """

    iteration: int
    phase: str
    params: GMMParams
    responsibilities: np.ndarray | None = None
    log_likelihood: float | None = None
    change: float | None = None
    converged: bool = False

    @property
    def labels(self) -> np.ndarray | None:
        """Most likely component of every sample (None before the first E-step)."""
        if self.responsibilities is None:
            return None
        return self.responsibilities.argmax(axis=1)


def em_steps(
    X,
    init,
    *,
    n_components: int | None = None,
    covariance_type: str | None = None,
    reg_covar: float = 1e-6,
    max_iter: int = 100,
    tol: float = 1e-3,
    random_state=None,
):
    """Run EM and yield every half-step as a frozen :class:`EMState`.

    Yields the starting state (``phase="init"``, ``iteration=0``), then for each iteration an
    E state (new responsibilities and the log-likelihood of the current parameters) and an M
    state (new parameters). Stops after ``max_iter`` iterations, or after the M-step of the
    first iteration whose log-likelihood changed by less than ``tol``: exactly scikit-learn's
    rule, so ``max_iter=k`` reproduces ``GaussianMixture(max_iter=k)``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or (n_samples,) for one feature
    init : GMMParams or str
        Starting parameters, or an initialisation method ("kmeans", "k-means++", "random",
        "random_from_data"), which then needs ``n_components``.
    n_components : int, optional
    covariance_type : {"full", "tied", "diag", "spherical"}, optional
        Defaults to the type of ``init`` when that is a GMMParams, else "full".
    reg_covar : float, default 1e-6
    max_iter : int, default 100
        0 yields only the starting state.
    tol : float, default 1e-3
    random_state : int, RandomState or None
        Seeds the initialisation method.
    """
    from gmm_core.init import initialize

    data = prepare(X)
    reg_covar = check_reg_covar(reg_covar)
    max_iter = check_int(max_iter, "max_iter", 0)
    tol = check_tol(tol)
    if isinstance(init, GMMParams):
        covariance_type = _check_init_matches(init, data, n_components, covariance_type)
        params = init
    else:
        if n_components is None:
            raise ValueError("n_components is required when init is a method name.")
        covariance_type = check_covariance_type(covariance_type or "full")
        params = initialize(
            data, n_components, init, covariance_type=covariance_type, reg_covar=reg_covar, random_state=random_state
        )
    return _em_loop(data, params, covariance_type, reg_covar, max_iter, tol)


def _em_loop(data, params, covariance_type, reg_covar, max_iter, tol):
    yield EMState(iteration=0, phase="init", params=params)
    previous = None
    for iteration in range(1, max_iter + 1):
        log_likelihood, responsibilities = e_step(data, params)
        change = None if previous is None else log_likelihood - previous
        converged = change is not None and abs(change) < tol
        yield EMState(iteration, "E", params, responsibilities, log_likelihood, change, converged)
        params = m_step(data, responsibilities, covariance_type=covariance_type, reg_covar=reg_covar)
        yield EMState(iteration, "M", params, responsibilities, log_likelihood, change, converged)
        if converged:
            return
        previous = log_likelihood


def _check_init_matches(init: GMMParams, data: PreparedData, n_components, covariance_type) -> str:
    if covariance_type is not None and check_covariance_type(covariance_type) != init.covariance_type:
        raise ValueError(
            f"The starting parameters have covariance_type={init.covariance_type!r} but "
            f"covariance_type={covariance_type!r} was asked for; make them the same."
        )
    if n_components is not None and check_n_components(n_components) != init.n_components:
        raise ValueError(
            f"The starting parameters have {init.n_components} components but n_components={n_components}."
        )
    if init.n_features != data.n_features:
        raise ValueError(
            f"The starting parameters have {init.n_features} feature(s) but the data has {data.n_features} column(s)."
        )
    check_n_components(init.n_components, data.n_samples)
    return init.covariance_type


def run_em(X, init, **kwargs) -> list[EMState]:
    """All the states of :func:`em_steps` as a list (the full history of one fit)."""
    return list(em_steps(X, init, **kwargs))
