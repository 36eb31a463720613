"""The original script's mistakes, reproduced WRONG ON PURPOSE so the app can show what they do.

Nothing here is EM. ``em.py`` never imports this module, and nothing in the fitting path should:
these functions exist only so the "When EM goes wrong" page can put the script's behaviour next
to the real algorithm on the same data and the same start.

The original script (a ``GMM`` class of about 100 lines that this project grew from) made the
three mistakes reproduced here, and they had one consequence:

* its start drew the weights with ``np.random.rand`` and normalised them, ignoring the k-means
  cluster sizes (:func:`seed_script_start`);
* its covariance "update" was a rank-1 matrix built around the old mean (:func:`rank_one_covariance`);
* its ``fit`` added 1e-3 times each M-step value to the old parameter instead of replacing it
  (:func:`seed_script_update`);
* so it was not EM: on :func:`seed_script_fixture` its mean log-likelihood falls from -4.3172
  to -4.6186 in 100 epochs, while EM from the same start climbs to -4.167 (scikit-learn needs
  2 iterations).

Its ``GMM.fit`` did, every epoch::

    posterior = e_step()                           # correct responsibilities
    for each class k:
        class_prob[k] += 1e-3 * N_k / N            # should be  class_prob[k] = N_k / N
        mus[k]        += 1e-3 * mean_k             # should be  mus[k] = mean_k
        vars[k]       += 1e-3 * rank_one_k         # should be  vars[k] = outer-product covariance
    class_prob /= class_prob.sum()

where ``rank_one_k`` came from ``np.dot(x - mu, x - mu)``: for 1-D vectors that is the scalar
||x - mu||^2, not the outer product (x - mu)(x - mu)^T, so every covariance entry gets the same
number and the update is a rank-1 matrix c * ones((D, D)), an ellipse squashed onto the
diagonal line. Together the two mistakes make the log-likelihood go *down*.
"""

from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans

from gmm_core._checks import check_data, check_int, check_n_components
from gmm_core.em import e_step, prepare
from gmm_core.params import GMMParams

SEED_SCRIPT_STEP = 1e-3
"""The script's "learning rate": it added 1e-3 times the M-step's answer instead of taking it."""


def seed_script_fixture() -> tuple[np.ndarray, np.ndarray]:
    """The original script's worked example: 1000 points from three 2-D Gaussians (seed 0).

    Weights (0.2, 0.3, 0.5), means (0, 0), (10, 2), (4, 10), and covariances [[2, 0.8], [0.8, 1]],
    [[1, -0.5], [-0.5, 2]] and 1.5 I, drawn with ``np.random.default_rng(0)``: class sizes by one
    multinomial draw, then each class's points. The numbers quoted in this module are measured on it.

    Returns
    -------
    X : ndarray of shape (1000, 2)
    labels : ndarray of shape (1000,)
        True class of each row (rows are grouped by class: 176, 310 and 514 points).
    """
    rng = np.random.default_rng(0)
    weights = [0.2, 0.3, 0.5]
    means = [[0.0, 0.0], [10.0, 2.0], [4.0, 10.0]]
    covariances = [[[2.0, 0.8], [0.8, 1.0]], [[1.0, -0.5], [-0.5, 2.0]], 1.5 * np.eye(2)]
    counts = rng.multinomial(1000, weights)
    X = np.vstack([rng.multivariate_normal(m, c, n) for m, c, n in zip(means, covariances, counts, strict=True)])
    return X, np.repeat(np.arange(3), counts)


def seed_script_start(X, n_components: int, seed: int = 1) -> GMMParams:
    """The script's starting parameters, as ``np.random.seed(seed); GMM(K).init_params(X)`` made them.

    Means and covariances come from one k-means run (``np.cov``, so with the N-1 divisor), but
    the weights are random numbers normalised to one, ignoring the k-means cluster sizes
    (on :func:`seed_script_fixture` with seed 1: weights 0.27, 0.31, 0.42 where the k-means
    proportions are 0.31, 0.514, 0.176), and neither k-means nor the weights had a seed of their
    own. Kept so the teaching comparison starts exactly where the script started.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_components : int
    seed : int, default 1
        Plays the role of the script's global ``np.random.seed``.

    Returns
    -------
    GMMParams
        "full" covariances.
    """
    X = check_data(X)
    n_components = check_n_components(n_components, X.shape[0])
    random_state = np.random.RandomState(check_int(seed, "seed", 0))
    labels = KMeans(n_components, random_state=random_state).fit(X).labels_
    means, covariances = [], []
    for k in range(n_components):
        members = X[labels == k]
        if len(members) < X.shape[1] + 1:
            raise ValueError(
                f"k-means left cluster {k + 1} with {len(members)} point(s), too few for a covariance; "
                "the original script would crash here too. Try another seed or fewer components."
            )
        means.append(members.mean(axis=0))
        covariances.append(np.atleast_2d(np.cov(members, rowvar=False)))
    weights = random_state.rand(n_components)
    return GMMParams(weights / weights.sum(), np.array(means), np.array(covariances), "full")


def rank_one_covariance(X, responsibilities, old_mean) -> np.ndarray:
    """WRONG ON PURPOSE: the script's covariance "update" for one component, a rank-1 matrix.

    The script wrote ``np.dot(x - mu, x - mu)``, which for two 1-D vectors is the scalar
    ||x - mu||^2, and added it to a D x D matrix of zeros, so *every entry* became the same
    weighted mean of squared distances c. The result c * ones((D, D)) has eigenvalues 0 and
    D * c: an ellipse flattened onto the diagonal line, whatever the data look like. It also
    uses the *old* mean. The correct update is the weighted mean of the outer products
    (x - mu_new)(x - mu_new)^T (see :func:`gmm_core.em.m_step`).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    responsibilities : array-like of shape (n_samples,)
        The component's column of the responsibilities.
    old_mean : array-like of shape (n_features,)

    Returns
    -------
    ndarray of shape (n_features, n_features)
    """
    X = check_data(X)
    weights = np.asarray(responsibilities, dtype=float)
    squared_distances = ((X - np.asarray(old_mean, dtype=float)) ** 2).sum(axis=1)
    scalar = float(weights @ squared_distances / weights.sum())
    return np.full((X.shape[1], X.shape[1]), scalar)


def seed_script_m_step(X, responsibilities, old_means) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """WRONG ON PURPOSE (covariances only): what the script's ``m_step`` yielded for every class.

    The weights N_k / N and the means are the correct M-step values; the covariances are the
    rank-1 matrices of :func:`rank_one_covariance`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    responsibilities : array-like of shape (n_samples, n_components)
    old_means : array-like of shape (n_components, n_features)
        The means before this step, which the script's covariance "update" used.

    Returns
    -------
    weights : ndarray of shape (K,)
    means : ndarray of shape (K, D)
    covariances : ndarray of shape (K, D, D)
        Rank 1, NOT covariance estimates.
    """
    X = check_data(X)
    resp = np.asarray(responsibilities, dtype=float)
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, np.newaxis]
    covariances = np.stack([rank_one_covariance(X, resp[:, k], old_means[k]) for k in range(resp.shape[1])])
    return nk / X.shape[0], means, covariances


def seed_script_update(X, params: GMMParams, step: float = SEED_SCRIPT_STEP) -> GMMParams:
    """WRONG ON PURPOSE: one epoch of the script's ``fit``, ``param += 1e-3 * new`` instead of ``param = new``.

    A correct E-step, then the script's M-step values (:func:`seed_script_m_step`) *added*,
    scaled by ``step``, to the current parameters; the weights are then renormalised to sum to
    one, as the script did. The weights barely move, the means drift outward by a factor of
    about 1.001 per epoch, and the covariances grow along the diagonal. This is not EM and the
    log-likelihood goes down: on :func:`seed_script_fixture` from :func:`seed_script_start` it is
    -4.3172 at the start and -4.6186 after 100 epochs, where EM reaches -4.167.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or PreparedData
    params : GMMParams
        "full" covariances (the script only had full matrices).
    step : float, default 1e-3
        The script's factor; no value makes this EM.

    Returns
    -------
    GMMParams
    """
    if params.covariance_type != "full":
        raise ValueError("The script only had full covariance matrices; pass 'full' parameters.")
    data = prepare(X)
    _, responsibilities = e_step(data, params)
    return _add_scaled_m_step(data, params, responsibilities, step)


def _add_scaled_m_step(data, params: GMMParams, responsibilities, step: float) -> GMMParams:
    new_weights, new_means, new_covariances = seed_script_m_step(data.X, responsibilities, params.means)
    weights = params.weights + step * new_weights
    means = params.means + step * new_means
    covariances = params.covariances + step * new_covariances
    return GMMParams(weights / weights.sum(), means, covariances, "full")


def seed_script_fit(X, start: GMMParams, n_epochs: int = 100, step: float = SEED_SCRIPT_STEP):
    """WRONG ON PURPOSE: the script's whole ``fit`` loop from ``start``, keeping every epoch.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or PreparedData
    start : GMMParams
        "full" covariances, e.g. from :func:`seed_script_start`.
    n_epochs : int, default 100
        The script always ran 100 epochs and had no convergence check.
    step : float, default 1e-3
        The factor the script scaled each M-step value by before adding it.

    Returns
    -------
    params : list of GMMParams
        ``n_epochs + 1`` entries, the start first.
    log_likelihoods : ndarray of shape (n_epochs + 1,)
        Mean per-sample log-likelihood of each entry (measured correctly, with the core's E-step).
    """
    data = prepare(X)
    n_epochs = check_int(n_epochs, "n_epochs", 0)
    if start.covariance_type != "full":
        raise ValueError("The script only had full covariance matrices; pass 'full' parameters.")
    history, log_likelihoods = [start], []
    for _ in range(n_epochs):
        log_likelihood, responsibilities = e_step(data, history[-1])
        log_likelihoods.append(log_likelihood)
        history.append(_add_scaled_m_step(data, history[-1], responsibilities, step))
    log_likelihoods.append(e_step(data, history[-1])[0])
    return history, np.array(log_likelihoods)
