"""EM against gradient ascent on the same mean log-likelihood (a teaching comparison).

The classic picture: a 1-D data set, two components, only the two means free (weights and
variances held). Gradient ascent needs a learning rate and may crawl or blow up; EM's
means-only step is the same direction rescaled per component,
``mu_k <- mu_k + (N / N_k) Sigma_k grad_k``, with no step size to choose and a guaranteed rise.
:func:`mean_log_likelihood_grid` gives the landscape both paths climb (for a contour chart).

Both ascents stop by one rule, the length of the gradient falling below ``tol`` (a stationary
point reached to that tolerance), not EM's usual rule on the change of the log-likelihood: a
small learning rate makes every change small, so the change rule would stop a crawling gradient
ascent far below the peak and make it look as quick as EM.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from gmm_core._checks import check_int, check_tol
from gmm_core.em import e_step, prepare
from gmm_core.params import GMMParams

_FREE = ("means", "weights")
_LOG_2PI = np.log(2.0 * np.pi)
# Cells of (mu2 chunk, mu1, sample) evaluated at once by the grid (about 16 MB of float64).
_GRID_CHUNK = 2_000_000


def _check_free(free) -> tuple[str, ...]:
    free = (free,) if isinstance(free, str) else tuple(free)
    unknown = [name for name in free if name not in _FREE]
    if unknown or not free:
        raise ValueError(f"free must name some of {list(_FREE)} (the parameters that move); got {list(free)}.")
    return free


def _gradient_from(data, params: GMMParams, responsibilities: np.ndarray, free) -> dict[str, np.ndarray]:
    nk = responsibilities.sum(axis=0) / data.n_samples  # (K,)
    gradient = {}
    if "means" in free:
        first = responsibilities.T @ data.X / data.n_samples  # (K, D): (1/N) sum_n r_nk x_n
        residual = first - nk[:, np.newaxis] * params.means
        gradient["means"] = np.einsum("kde,ke->kd", params.full_precisions(), residual)
    if "weights" in free:
        gradient["weights"] = nk - params.weights
    return gradient


def log_likelihood_gradient(X, params: GMMParams, free=("means",)) -> dict[str, np.ndarray]:
    """Analytic gradient of the mean log-likelihood ``(1/N) sum_n log p(x_n | theta)``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or PreparedData
    params : GMMParams
        Any covariance type.
    free : tuple of {"means", "weights"}, default ("means",)
        Which parameters to differentiate.

    Returns
    -------
    dict
        ``"means"``: shape (K, D), ``(1/N) sum_n r_nk Sigma_k^{-1} (x_n - mu_k)``.
        ``"weights"``: shape (K,), the gradient with respect to the softmax logits alpha of the
        weights (``pi = softmax(alpha)``), ``(1/N) sum_n r_nk - pi_k``; it sums to zero.
        Here r is the E-step's posterior at ``params``.
    """
    free = _check_free(free)
    data = prepare(X)
    _, responsibilities = e_step(data, params)
    return _gradient_from(data, params, responsibilities, free)


@dataclass(frozen=True, eq=False)
class AscentPath:
    """The iterates of an ascent on the mean log-likelihood (gradient ascent or EM's means-only step).

    Attributes
    ----------
    params : tuple of GMMParams
        ``params[0]`` is the start; one entry per step after it.
    log_likelihood : ndarray of shape (len(params),)
        Mean log-likelihood of each entry of ``params``.
    gradient_norm : ndarray of shape (len(params),)
        Length of the gradient of the mean log-likelihood (in the free parameters) at each entry.
    converged : bool
        The last entry's gradient is shorter than ``tol`` (a stationary point to that tolerance).
    diverged : bool
        A step produced non-finite parameters or log-likelihood (it is not in ``params``).
    """

    params: tuple
    log_likelihood: np.ndarray
    gradient_norm: np.ndarray
    converged: bool
    diverged: bool

    @property
    def means(self) -> np.ndarray:
        """The means along the path, shape (len(params), K, D)."""
        return np.stack([p.means for p in self.params])

    @property
    def n_steps(self) -> int:
        """Steps taken after the start."""
        return len(self.params) - 1


def _gradient_norm(data, params: GMMParams, responsibilities: np.ndarray, free) -> float:
    gradient = _gradient_from(data, params, responsibilities, free)
    return float(np.sqrt(sum(float(np.sum(part**2)) for part in gradient.values())))


def _ascend(X, start: GMMParams, update, free, tol, max_steps) -> AscentPath:
    """Apply ``update`` until the gradient is shorter than ``tol``, ``max_steps`` steps, or divergence."""
    if not isinstance(start, GMMParams):
        raise ValueError(f"start must be a GMMParams; got {type(start).__name__}.")
    tol = check_tol(tol)
    max_steps = check_int(max_steps, "max_steps", 0)
    data = prepare(X)
    log_likelihood, responsibilities = e_step(data, start)
    path, values, norms = [start], [log_likelihood], [_gradient_norm(data, start, responsibilities, free)]
    diverged = False
    for _ in range(max_steps):
        if norms[-1] < tol:
            break
        try:
            with np.errstate(all="ignore"):
                params = update(data, path[-1], responsibilities)
                log_likelihood, responsibilities = e_step(data, params)
                norm = _gradient_norm(data, params, responsibilities, free)
        except ValueError:  # GMMParams refuses non-finite values
            diverged = True
            break
        if not (np.isfinite(log_likelihood) and np.isfinite(norm)):
            diverged = True
            break
        path.append(params)
        values.append(log_likelihood)
        norms.append(norm)
    arrays = np.array(values), np.array(norms)
    for array in arrays:
        array.setflags(write=False)
    return AscentPath(tuple(path), *arrays, converged=bool(norms[-1] < tol), diverged=diverged)


def gradient_ascent(
    X, start: GMMParams, learning_rate: float, free=("means",), tol: float = 1e-3, max_steps: int = 100
) -> AscentPath:
    """Plain gradient ascent on the mean log-likelihood, ``theta <- theta + learning_rate * gradient``.

    Stops when the gradient is shorter than ``tol`` (see the module docstring), after
    ``max_steps`` steps, or when a step diverges (non-finite parameters or log-likelihood).
    Free weights move through their softmax logits, so they stay on the simplex; the other
    parameters are held at their values in ``start``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or PreparedData
    start : GMMParams
    learning_rate : float
        Positive. Too small crawls; too large overshoots, oscillates or diverges.
    free : tuple of {"means", "weights"}, default ("means",)
    tol : float, default 1e-3
    max_steps : int, default 100

    Returns
    -------
    AscentPath
    """
    free = _check_free(free)
    if (
        isinstance(learning_rate, bool)
        or not isinstance(learning_rate, numbers.Real)
        or not np.isfinite(learning_rate)
        or learning_rate <= 0
    ):
        raise ValueError(f"learning_rate must be a positive number; got {learning_rate!r}.")

    def update(data, params, responsibilities):
        gradient = _gradient_from(data, params, responsibilities, free)
        means, weights = params.means, params.weights
        if "means" in free:
            means = means + learning_rate * gradient["means"]
        if "weights" in free:
            logits = np.log(weights) + learning_rate * gradient["weights"]
            weights = np.exp(logits - logits.max())
            weights = weights / weights.sum()
        return GMMParams(weights, means, params.covariances, params.covariance_type)

    return _ascend(X, start, update, free, tol, max_steps)


def em_means_path(X, start: GMMParams, tol: float = 1e-3, max_steps: int = 100) -> AscentPath:
    """EM with only the means updated (weights and covariances held at ``start``'s).

    Each step is an E-step at the current parameters and then ``mu_k = sum_n r_nk x_n / sum_n r_nk``
    (a component no sample is responsible for keeps its mean). The same stopping rule as
    :func:`gradient_ascent` (the gradient in the means shorter than ``tol``), so the two paths
    compare step for step.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or PreparedData
    start : GMMParams
    tol : float, default 1e-3
    max_steps : int, default 100

    Returns
    -------
    AscentPath
    """

    def update(data, params, responsibilities):
        nk = responsibilities.sum(axis=0)
        totals = responsibilities.T @ data.X
        used = nk > 0
        means = np.array(params.means)
        means[used] = totals[used] / nk[used, np.newaxis]
        return GMMParams(params.weights, means, params.covariances, params.covariance_type)

    return _ascend(X, start, update, ("means",), tol, max_steps)


def mean_log_likelihood_grid(X, params: GMMParams, mu1_values, mu2_values) -> np.ndarray:
    """The mean log-likelihood over a grid of the two means of a 1-D two-component mixture.

    Weights and variances are those of ``params`` (its means are ignored). Vectorised: each
    component's log density is computed once per grid value, then combined by ``logaddexp``
    for all pairs (in chunks of bounded memory).

    Parameters
    ----------
    X : array-like of shape (n_samples,) or (n_samples, 1), or PreparedData
    params : GMMParams
        Two components, one feature, any covariance type.
    mu1_values : array-like of shape (M1,)
    mu2_values : array-like of shape (M2,)

    Returns
    -------
    ndarray of shape (M2, M1)
        ``grid[j, i]`` is the mean log-likelihood at ``mu1 = mu1_values[i]``,
        ``mu2 = mu2_values[j]`` (rows along mu2: the layout of a contour chart's z).
    """
    data = prepare(X)
    if not isinstance(params, GMMParams) or params.means.shape != (2, 1) or data.n_features != 1:
        raise ValueError(
            "mean_log_likelihood_grid is for one feature and two components: data of shape (N,) or (N, 1) "
            "and a GMMParams with means of shape (2, 1)."
        )
    grids = []
    for name, values in (("mu1_values", mu1_values), ("mu2_values", mu2_values)):
        values = np.asarray(values, dtype=np.float64).ravel()
        if values.size == 0 or not np.all(np.isfinite(values)):
            raise ValueError(f"{name} must be a non-empty array of finite numbers.")
        grids.append(values)
    variances = params.full_covariances()[:, 0, 0]
    x = data.X[:, 0]
    log_density = [
        np.log(params.weights[k])
        - 0.5 * (_LOG_2PI + np.log(variances[k]))
        - 0.5 * (x - grids[k][:, np.newaxis]) ** 2 / variances[k]
        for k in range(2)
    ]  # (M1, N) and (M2, N)
    first, second = log_density
    result = np.empty((grids[1].size, grids[0].size))
    chunk = max(1, _GRID_CHUNK // (first.size or 1))
    for start in range(0, grids[1].size, chunk):
        block = np.logaddexp(first[np.newaxis], second[start : start + chunk, np.newaxis])
        result[start : start + chunk] = block.mean(axis=2)
    return result
