"""GaussianMixtureEM: the original script's GMM class done right, in scikit-learn's estimator style."""

from __future__ import annotations

import numpy as np

from gmm_core._checks import (
    check_covariance_type,
    check_data,
    check_int,
    check_n_components,
    check_reg_covar,
    check_tol,
)
from gmm_core.em import e_step, prepare
from gmm_core.init import INIT_METHODS
from gmm_core.metrics import aic, bic
from gmm_core.model_selection import fit_best_of, select_n_components
from gmm_core.params import GMMParams


class GaussianMixtureEM:
    """A Gaussian mixture fitted by EM that keeps its whole history.

    Parameters
    ----------
    n_components : int or None, default None
        Number of components. None picks it by BIC among ``k_range`` (what the original
        script's unfinished ``n_explore_class`` set out to do).
    covariance_type : {"full", "tied", "diag", "spherical"}, default "full"
    init_params : {"kmeans", "k-means++", "random", "random_from_data"}, default "kmeans"
    reg_covar : float, default 1e-6
    max_iter : int, default 100
    tol : float, default 1e-3
    n_init : int, default 1
        Restarts; the fit with the highest log-likelihood is kept.
    random_state : int, RandomState or None
    k_range : iterable of int, default range(1, 11)
        Candidates for K when ``n_components`` is None.
    init : GMMParams, optional
        Explicit starting parameters (overrides ``init_params`` and ``n_init``).

    Attributes
    ----------
    params_ : GMMParams
    weights_, means_, covariances_ : ndarray
    history_ : list of EMState
        Every half-step of the kept fit, starting state first.
    n_iter_ : int
    converged_ : bool
    lower_bound_ : float
        Log-likelihood of the last E-step (scikit-learn's ``lower_bound_``).
    selection_ : SelectionResult or None
        The BIC table when K was chosen automatically.
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
        k_range=range(1, 11),
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

    def fit(self, X, y=None) -> GaussianMixtureEM:
        """Fit the mixture to ``X`` (shape (n_samples, n_features), or 1-D for one feature)."""
        data = prepare(X)
        check_covariance_type(self.covariance_type)
        if self.init_params not in INIT_METHODS:
            raise ValueError(f"Unknown init_params {self.init_params!r}; choose one of {INIT_METHODS}.")
        options = {
            "covariance_type": self.covariance_type,
            "reg_covar": check_reg_covar(self.reg_covar),
            "max_iter": check_int(self.max_iter, "max_iter", 0),
            "tol": check_tol(self.tol),
        }
        self.selection_ = None
        if self.init is not None:
            from gmm_core.em import em_steps

            history = list(em_steps(data, self.init, n_components=self.n_components, **options))
        elif self.n_components is None:
            self.selection_ = select_n_components(
                data,
                self.k_range,
                n_init=self.n_init,
                init_params=self.init_params,
                random_state=self.random_state,
                **options,
            )
            history = self.selection_.best_history
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
        self._set_fitted(history, data.n_features)
        return self

    def _set_fitted(self, history, n_features: int) -> None:
        final = history[-1]
        self.history_ = history
        self.params_ = final.params
        self.weights_ = final.params.weights
        self.means_ = final.params.means
        self.covariances_ = final.params.covariances
        self.n_iter_ = final.iteration
        self.converged_ = final.converged
        self.lower_bound_ = final.log_likelihood if final.log_likelihood is not None else -np.inf
        self.n_features_in_ = n_features

    def _check_fitted(self, X) -> np.ndarray:
        if not hasattr(self, "params_"):
            raise ValueError("This GaussianMixtureEM is not fitted yet; call fit(X) first.")
        X = check_data(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"The model was fitted on {self.n_features_in_} feature(s); X has {X.shape[1]}.")
        return X

    def predict_proba(self, X) -> np.ndarray:
        """Responsibilities of each component for each sample, shape (n_samples, n_components)."""
        return e_step(self._check_fitted(X), self.params_)[1]

    def predict(self, X) -> np.ndarray:
        """Most likely component of each sample."""
        return self.predict_proba(X).argmax(axis=1)

    def fit_predict(self, X, y=None) -> np.ndarray:
        """Fit, then label the training data."""
        return self.fit(X).predict(X)

    def score(self, X, y=None) -> float:
        """Mean per-sample log-likelihood of ``X``."""
        return e_step(self._check_fitted(X), self.params_)[0]

    def bic(self, X) -> float:
        """Bayesian information criterion on ``X`` (lower is better)."""
        return bic(self._check_fitted(X), self.params_)

    def aic(self, X) -> float:
        """Akaike information criterion on ``X`` (lower is better)."""
        return aic(self._check_fitted(X), self.params_)

    def __repr__(self) -> str:
        return (
            f"GaussianMixtureEM(n_components={self.n_components!r}, covariance_type={self.covariance_type!r}, "
            f"init_params={self.init_params!r})"
        )
