"""The EM engine: the E-step, one half-step with EM's stopping rule (``next_state``), and ``em_steps``.

Every fit is a sequence of frozen per-half-step :class:`EMState` objects. ``next_state`` is the
one place that says what comes after a state and when EM stops; ``em_steps`` (and through it the
playground, the estimator and the experiments) and the step-through page both advance by it.

The data is prepared once (:mod:`gmm_core.prepared`: quadratic features, so the E-step is one
matrix product and a log-sum-exp) and the M-step lives in :mod:`gmm_core.maximization`;
``PreparedData``, ``prepare`` and ``m_step`` are importable from here as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_core._checks import check_covariance_type, check_int, check_n_components, check_reg_covar, check_tol
from gmm_core.init import initialize
from gmm_core.maximization import m_step
from gmm_core.params import GMMParams
from gmm_core.prepared import ACCURACY, EPS, PreparedData, feature_kind, prepare, quadratic_index

__all__ = [
    "EMState",
    "PreparedData",
    "e_step",
    "em_has_stopped",
    "em_steps",
    "m_step",
    "next_state",
    "prepare",
    "run_em",
    "weighted_log_prob",
]

_LOG_2PI = np.log(2.0 * np.pi)


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
    if feature_kind(params.covariance_type) == "diag":
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
        rows, cols = quadratic_index(params.n_features, "full")
        quadratic = -precisions[:, rows, cols] * np.where(rows == cols, 0.5, 1.0)
        linear = np.einsum("kde,ke->kd", precisions, centered_means)
        largest_precision = np.trace(precisions, axis1=1, axis2=2)
        chol_diagonal = np.diagonal(params.precisions_cholesky, axis1=-2, axis2=-1)
        log_det_half = np.broadcast_to(np.log(chol_diagonal).sum(axis=-1), (params.n_components,))
    mean_norm2 = np.einsum("kd,kd->k", centered_means, centered_means)
    constant = log_det_half - 0.5 * params.n_features * _LOG_2PI - 0.5 * np.einsum("kd,kd->k", centered_means, linear)
    rounding = EPS * largest_precision * (data.radius2 + mean_norm2)
    if np.any(rounding > ACCURACY):
        log_prob = _direct_log_prob(data, params, log_det_half)
    else:
        coefficients = np.column_stack([quadratic, linear, constant])
        log_prob = coefficients @ data.features(feature_kind(params.covariance_type))
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
    return _em_loop(data, params, reg_covar, max_iter, tol)


def _em_loop(data, params, reg_covar, max_iter, tol):
    state = EMState(iteration=0, phase="init", params=params)
    while state is not None:
        yield state
        state = next_state(data, state, reg_covar=reg_covar, tol=tol, max_iter=max_iter)


def em_has_stopped(state: EMState, max_iter: int) -> bool:
    """EM's stopping rule: True after the M-step of a converged iteration, or of iteration ``max_iter``.

    A state is converged when its log-likelihood changed by less than ``tol`` since the iteration
    before (see :func:`next_state`); EM still finishes that iteration's M-step, as scikit-learn
    does. The starting state counts as iteration 0, so ``max_iter=0`` stops at the start.
    """
    return state.phase != "E" and (state.converged or state.iteration >= max_iter)


def next_state(X, state: EMState, *, reg_covar: float = 1e-6, tol: float = 1e-3, max_iter: int = 100) -> EMState | None:
    """The half-step after ``state``, or None when EM has stopped there (:func:`em_has_stopped`).

    After the start or an M-step comes an E-step: new responsibilities and the mean
    log-likelihood of the current parameters, its change since the iteration before, and whether
    that change is below ``tol``. After an E-step comes the M-step: new parameters from those
    responsibilities (of ``state.params``'s covariance type). :func:`em_steps` is this function
    applied until it returns None, and the step-through page advances by it one click at a time.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or PreparedData
        Pass ``prepare(X)`` when stepping repeatedly: the features are then built once.
    state : EMState
        An E state must carry its responsibilities (the M-step needs them).
    reg_covar, tol, max_iter
        As for :func:`em_steps`.

    Returns
    -------
    EMState or None

    Raises
    ------
    ValueError
        For a negative or non-finite ``tol``, a ``max_iter`` below 0, or an E state without
        responsibilities.
    """
    tol, max_iter = check_tol(tol), check_int(max_iter, "max_iter", 0)
    if em_has_stopped(state, max_iter):
        return None
    data = prepare(X)
    if state.phase == "E":
        params = m_step(data, state.responsibilities, covariance_type=state.params.covariance_type, reg_covar=reg_covar)
        return EMState(
            state.iteration, "M", params, state.responsibilities, state.log_likelihood, state.change, state.converged
        )
    log_likelihood, responsibilities = e_step(data, state.params)
    change = None if state.log_likelihood is None else log_likelihood - state.log_likelihood
    converged = change is not None and abs(change) < tol
    return EMState(state.iteration + 1, "E", state.params, responsibilities, log_likelihood, change, converged)


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
