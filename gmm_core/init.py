"""Starting parameters for EM, made exactly as scikit-learn's GaussianMixture makes them."""

from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.utils import check_random_state

from gmm_core._checks import check_covariance_type, check_n_components, check_reg_covar
from gmm_core.maximization import m_step
from gmm_core.params import GMMParams
from gmm_core.prepared import prepare

INIT_METHODS = ("kmeans", "k-means++", "random", "random_from_data")


def initialize(
    X,
    n_components: int,
    method: str = "kmeans",
    *,
    covariance_type: str = "full",
    reg_covar: float = 1e-6,
    random_state=None,
) -> GMMParams:
    """Starting parameters for EM by one of scikit-learn's four initialisation methods.

    Each method first makes responsibilities, then estimates parameters from them with one
    M-step, as ``GaussianMixture._initialize_parameters`` does, so the same integer
    ``random_state`` leads to the same fit as ``GaussianMixture(init_params=method,
    random_state=...)``:

    - "kmeans": hard assignments from one run of k-means;
    - "k-means++": one sample per component, chosen by k-means++ seeding (initial covariances
      are then just ``reg_covar``: the components start as points);
    - "random": uniformly random soft assignments (all means start near the data mean);
    - "random_from_data": one random sample per component.

    Weights are always normalised to sum to one (scikit-learn leaves them unnormalised for the
    two one-sample methods; that only changes its first, unused, log-likelihood).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or PreparedData
    n_components : int
    method : {"kmeans", "k-means++", "random", "random_from_data"}
    covariance_type : {"full", "tied", "diag", "spherical"}
    reg_covar : float
    random_state : int, RandomState or None

    Returns
    -------
    GMMParams
    """
    data = prepare(X)
    n_components = check_n_components(n_components, data.n_samples)
    check_covariance_type(covariance_type)
    check_reg_covar(reg_covar)
    responsibilities = initial_responsibilities(data.X, n_components, method, random_state)
    return m_step(data, responsibilities, covariance_type=covariance_type, reg_covar=reg_covar)


def initial_responsibilities(X: np.ndarray, n_components: int, method: str, random_state=None) -> np.ndarray:
    """The (n_samples, n_components) assignment each initialisation method starts from."""
    if method not in INIT_METHODS:
        raise ValueError(
            f"Unknown initialisation method {method!r}; choose one of " + ", ".join(repr(m) for m in INIT_METHODS) + "."
        )
    random_state = check_random_state(random_state)
    n_samples = X.shape[0]
    resp = np.zeros((n_samples, n_components))
    if method == "kmeans":
        labels = KMeans(n_clusters=n_components, n_init=1, random_state=random_state).fit(X).labels_
        resp[np.arange(n_samples), labels] = 1.0
    elif method == "random":
        resp = random_state.uniform(size=(n_samples, n_components))
        resp /= resp.sum(axis=1)[:, np.newaxis]
    elif method == "random_from_data":
        indices = random_state.choice(n_samples, size=n_components, replace=False)
        resp[indices, np.arange(n_components)] = 1.0
    else:
        _, indices = kmeans_plusplus(X, n_components, random_state=random_state)
        resp[indices, np.arange(n_components)] = 1.0
    return resp


def initialize_from_means(X, means, *, covariance_type: str = "full", reg_covar: float = 1e-6) -> GMMParams:
    """A manual start: the given means, equal weights, and the whole data's covariance for each.

    This is the start a student makes by clicking K points: the means sit exactly where they
    clicked, and every component starts as wide as the data, so the first E-step shares points
    out by distance.
    """
    data = prepare(X)
    means = np.asarray(means, dtype=np.float64)
    # For one-feature data a flat list holds one mean per component, as GMMParams reads it.
    means = means[:, np.newaxis] if means.ndim == 1 and data.n_features == 1 else np.atleast_2d(means)
    if means.shape[1] != data.n_features:
        raise ValueError(f"Each starting mean needs {data.n_features} coordinate(s); got {means.shape[1]}.")
    n_components = check_n_components(means.shape[0], data.n_samples)
    check_covariance_type(covariance_type)
    reg_covar = check_reg_covar(reg_covar)
    spread = data.scatter / data.n_samples + reg_covar * np.eye(data.n_features)
    covariances = {
        "full": np.repeat(spread[np.newaxis], n_components, axis=0),
        "tied": spread,
        "diag": np.repeat(np.diag(spread)[np.newaxis], n_components, axis=0),
        "spherical": np.full(n_components, np.trace(spread) / data.n_features),
    }[covariance_type]
    return GMMParams(np.full(n_components, 1.0 / n_components), means, covariances, covariance_type)
