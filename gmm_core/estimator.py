"""GaussianMixtureEM: the original script's GMM class done right, as a real scikit-learn estimator.

It derives from ``DensityMixin`` and ``BaseEstimator``, so ``clone``, ``Pipeline``, ``GridSearchCV``
and ``check_estimator`` accept it (see ``EXPECTED_FAILED_CHECKS`` for the two checks it fails by
design), while keeping the whole EM history of the kept fit for the app's pages.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from gmm_core._checks import (
    check_covariance_type,
    check_data,
    check_int,
    check_n_components,
    check_reg_covar,
    check_tol,
)
from gmm_core.em import e_step, em_steps, prepare, weighted_log_prob
from gmm_core.init import INIT_METHODS
from gmm_core.metrics import aic, bic
from gmm_core.model_selection import fit_best_of, select_n_components
from gmm_core.params import GMMParams

DEFAULT_K_RANGE = range(1, 11)

#: Checks of ``sklearn.utils.estimator_checks`` that GaussianMixtureEM fails on purpose, with the
#: reason; pass it as ``check_estimator(GaussianMixtureEM(), expected_failed_checks=EXPECTED_FAILED_CHECKS)``.
EXPECTED_FAILED_CHECKS = {
    "check_fit1d": "A 1-D array is read as one feature (a natural teaching case), so it is fitted, not refused.",
    "check_dtype_object": (
        "A cell that is not a number raises the core's student-facing ValueError, not numpy's TypeError."
    ),
}

_NOT_FITTED = "This %(name)s is not fitted yet; call fit(X) first."


class GaussianMixtureEM(DensityMixin, BaseEstimator):
    """A Gaussian mixture fitted by EM that keeps its whole history.

    Parameters
    ----------
    n_components : int or None, default None
        Number of components. None picks it by BIC among ``k_range`` (what the original
        script's unfinished ``n_explore_class`` set out to do).
    covariance_type : {"full", "tied", "diag", "spherical"}, default "full"
        Shape of the covariance matrices, as in scikit-learn's ``GaussianMixture``.
    init_params : {"kmeans", "k-means++", "random", "random_from_data"}, default "kmeans"
        How the starting parameters are drawn.
    reg_covar : float, default 1e-6
        Added to the covariance diagonals so no component collapses onto a point.
    max_iter : int, default 100
        Most EM iterations per start.
    tol : float, default 1e-3
        Stop when the mean log-likelihood gains less than this in one iteration.
    n_init : int, default 1
        Restarts; the fit with the highest log-likelihood is kept.
    random_state : int, RandomState or None, default None
        Seeds the starts (and :meth:`sample`). It is stored as given and only read in ``fit``
        and ``sample``, as scikit-learn does: an int gives the same fit every time.
    k_range : iterable of int or None, default None
        Candidates for K when ``n_components`` is None; None means ``range(1, 11)``.
    init : GMMParams, optional
        Explicit starting parameters (overrides ``init_params`` and ``n_init``).

    Attributes
    ----------
    params_ : GMMParams
        The fitted mixture.
    weights_, means_, covariances_ : ndarray
        Its parts, named as in scikit-learn.
    history_ : list of EMState
        Every half-step of the kept fit, starting state first.
    n_iter_ : int
        EM iterations of the kept fit.
    converged_ : bool
        Whether the kept fit stopped by ``tol`` rather than ``max_iter``.
    lower_bound_ : float
        Log-likelihood of the last E-step (scikit-learn's ``lower_bound_``).
    selection_ : SelectionResult or None
        The BIC table when K was chosen automatically.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of str
        Column names seen in ``fit``, when ``X`` was a DataFrame with string column names.

    Examples
    --------
    >>> import gmm_core
    >>> X = gmm_core.sample_mixture(300, 3, 2, separation=6.0, random_state=0).X
    >>> model = GaussianMixtureEM(3, random_state=0).fit(X)
    >>> model.predict(X[:4]).shape
    (4,)
    """

    def __init__(
        self,
        n_components: int | None = None,
        *,
        covariance_type: str = "full",
        init_params: str = "kmeans",
        reg_covar: float = 1e-6,
        max_iter: int = 100,
        tol: float = 1e-3,
        n_init: int = 1,
        random_state=None,
        k_range=None,
        init: GMMParams | None = None,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.init_params = init_params
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.tol = tol
        self.n_init = n_init
        self.random_state = random_state
        self.k_range = k_range
        self.init = init

    def __sklearn_is_fitted__(self) -> bool:
        """Fitted once ``fit`` has finished (``n_features_in_`` alone is set before the fit can fail)."""
        return hasattr(self, "params_")

    # ----------------------------------------------------------------------- input checks

    def _validate(self, X, *, reset: bool) -> np.ndarray:
        """Check ``X`` with the core's student-facing messages, then record or compare its features.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or (n_samples,) for one feature
        reset : bool
            True in ``fit`` (records ``n_features_in_`` and ``feature_names_in_``); False after,
            when ``X`` must have the features the model was fitted on.

        Returns
        -------
        ndarray of shape (n_samples, n_features), float64
        """
        if not reset:
            check_is_fitted(self, msg=_NOT_FITTED)
        if scipy.sparse.issparse(X):
            raise ValueError("X is a sparse matrix; GaussianMixtureEM needs a dense array: pass X.toarray().")
        if _is_complex(X):
            raise ValueError("X must hold real numbers only, not complex ones (Complex data not supported).")
        shape = np.shape(X) if isinstance(X, np.ndarray) else None
        if shape is not None and len(shape) == 2 and shape[1] == 0:
            raise ValueError(
                f"X is empty: it has 0 feature(s) (shape={shape}) while a minimum of 1 is required; "
                "it needs at least one sample and one feature."
            )
        array = check_data(X)
        if not reset and array.shape[1] != self.n_features_in_:
            hint = (
                "A 1-D X is read as one feature; Reshape your data with X.reshape(1, -1) if it is one sample."
                if np.ndim(X) == 1
                else "Pass the same columns as in fit."
            )
            raise ValueError(
                f"X has {array.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input: it was fitted on {self.n_features_in_} "
                f"feature(s); X has {array.shape[1]}. {hint}"
            )
        # Feature names come from the caller's X (a DataFrame keeps them); the count from the array.
        validate_data(self, X if np.ndim(X) == 2 else array, reset=reset, skip_check_array=True)
        return array

    def _fit_options(self) -> dict:
        check_covariance_type(self.covariance_type)
        if self.init_params not in INIT_METHODS:
            raise ValueError(f"Unknown init_params {self.init_params!r}; choose one of {INIT_METHODS}.")
        return {
            "covariance_type": self.covariance_type,
            "reg_covar": check_reg_covar(self.reg_covar),
            "max_iter": check_int(self.max_iter, "max_iter", 0),
            "tol": check_tol(self.tol),
        }

    # ----------------------------------------------------------------------- fitting

    def fit(self, X, y=None) -> GaussianMixtureEM:
        """Fit the mixture to ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or (n_samples,) for one feature
        y : ignored
            Accepted so the estimator fits in a ``Pipeline``.

        Returns
        -------
        self : GaussianMixtureEM
        """
        array = self._validate(X, reset=True)
        data = prepare(array)
        options = self._fit_options()
        # random_state is passed on unchanged: the helpers call check_random_state themselves, and an
        # int must reach select_n_components as an int (each K then gets its own reproducible seed).
        selection = None
        if self.init is not None:
            history = list(em_steps(data, self.init, n_components=self.n_components, **options))
        elif self.n_components is None:
            selection = select_n_components(
                data,
                DEFAULT_K_RANGE if self.k_range is None else self.k_range,
                n_init=self.n_init,
                init_params=self.init_params,
                random_state=self.random_state,
                **options,
            )
            history = selection.best_history
        else:
            check_n_components(self.n_components, data.n_samples)
            history = fit_best_of(
                data,
                self.n_components,
                n_init=self.n_init,
                init_params=self.init_params,
                random_state=self.random_state,
                **options,
            )
        self.selection_ = selection
        self._set_fitted(history)
        return self

    def _set_fitted(self, history) -> None:
        final = history[-1]
        self.history_ = history
        self.params_ = final.params
        self.weights_ = final.params.weights
        self.means_ = final.params.means
        self.covariances_ = final.params.covariances
        self.n_iter_ = final.iteration
        self.converged_ = final.converged
        self.lower_bound_ = final.log_likelihood if final.log_likelihood is not None else -np.inf

    def fit_predict(self, X, y=None) -> np.ndarray:
        """Fit, then label the training data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or (n_samples,) for one feature
        y : ignored

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        return self.fit(X).predict(X)

    # ----------------------------------------------------------------------- using the fit

    def score_samples(self, X) -> np.ndarray:
        """Log-density of the mixture at every sample, log p(x_n).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or (n_samples,) for one feature

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
        """
        return logsumexp(weighted_log_prob(self._validate(X, reset=False), self.params_), axis=0)

    def score(self, X, y=None) -> float:
        """Mean per-sample log-likelihood of ``X`` (higher is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or (n_samples,) for one feature
        y : ignored

        Returns
        -------
        float
        """
        return e_step(self._validate(X, reset=False), self.params_)[0]

    def predict_proba(self, X) -> np.ndarray:
        """Responsibilities of each component for each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or (n_samples,) for one feature

        Returns
        -------
        ndarray of shape (n_samples, n_components)
            Rows sum to one.
        """
        return e_step(self._validate(X, reset=False), self.params_)[1]

    def predict(self, X) -> np.ndarray:
        """Most likely component of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or (n_samples,) for one feature

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        return self.predict_proba(X).argmax(axis=1)

    def sample(self, n_samples: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Draw samples from the fitted mixture, as scikit-learn's ``GaussianMixture.sample`` does.

        Parameters
        ----------
        n_samples : int, default 1

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
        labels : ndarray of shape (n_samples,)
            The component each sample was drawn from.
        """
        check_is_fitted(self, msg=_NOT_FITTED)
        n_samples = check_int(n_samples, "n_samples", 1)
        rng = check_random_state(self.random_state)
        counts = rng.multinomial(n_samples, self.params_.weights)
        covariances = self.params_.full_covariances()
        X = np.vstack(
            [
                rng.multivariate_normal(mean, covariance, int(count))
                for mean, covariance, count in zip(self.params_.means, covariances, counts, strict=True)
            ]
        )
        labels = np.repeat(np.arange(self.params_.n_components), counts)
        return X, labels

    def bic(self, X) -> float:
        """Bayesian information criterion on ``X`` (lower is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or (n_samples,) for one feature

        Returns
        -------
        float
        """
        return bic(self._validate(X, reset=False), self.params_)

    def aic(self, X) -> float:
        """Akaike information criterion on ``X`` (lower is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or (n_samples,) for one feature

        Returns
        -------
        float
        """
        return aic(self._validate(X, reset=False), self.params_)


def _is_complex(X) -> bool:
    """Whether ``X`` holds complex numbers (False when it cannot be read as an array at all)."""
    try:
        return bool(np.iscomplexobj(X))
    except (TypeError, ValueError):
        return False  # check_data explains what is wrong with it
