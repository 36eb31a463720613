"""The EM engine against scikit-learn's GaussianMixture, step for step and fit for fit."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters

import gmm_core
from gmm_core import COVARIANCE_TYPES, INIT_METHODS, e_step, initialize, m_step, run_em, weighted_log_prob

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.usefixtures("one_blas_thread"),
]

RTOL = 1e-6


@cache
def dataset(name: str) -> tuple[np.ndarray, int]:
    """A named data set and the number of components to fit to it (built once per session)."""
    if name == "synthetic-2d":
        return gmm_core.sample_mixture(300, 3, 2, separation=3.0, random_state=0).X, 3
    if name == "one-feature-column":
        return gmm_core.sample_mixture(200, 2, 1, random_state=1).X, 2
    if name == "one-feature-flat":
        return gmm_core.sample_mixture(200, 2, 1, random_state=1).X[:, 0], 2
    if name == "synthetic-4d":
        return gmm_core.sample_mixture(400, 3, 4, elongation=3.0, random_state=2).X, 3
    if name == "old-faithful":
        return gmm_core.load_old_faithful().X, 2
    if name == "offset-1e3":
        return gmm_core.sample_mixture(300, 3, 2, separation=3.0, random_state=0).X + 1e3, 3
    if name == "offset-1e4":
        return gmm_core.sample_mixture(300, 3, 2, separation=3.0, random_state=0).X + 1e4, 3
    raise KeyError(name)


DATASETS = (
    "synthetic-2d",
    "one-feature-column",
    "one-feature-flat",
    "synthetic-4d",
    "old-faithful",
    "offset-1e3",
    "offset-1e4",
)


def as_table(X) -> np.ndarray:
    """X as scikit-learn needs it: always two-dimensional."""
    X = np.asarray(X, dtype=float)
    return X.reshape(len(X), -1)


@cache
def starting_params(name: str, covariance_type: str, start: str) -> gmm_core.GMMParams:
    X, n_components = dataset(name)
    return initialize(X, n_components, start, covariance_type=covariance_type, random_state=3)


@pytest.mark.parametrize("n_iterations", range(1, 11))
@pytest.mark.parametrize("start", ["kmeans", "random_from_data"])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("name", DATASETS)
def test_each_iteration_matches_sklearn(name, covariance_type, start, n_iterations, assert_matches_sklearn):
    X, n_components = dataset(name)
    start_params = starting_params(name, covariance_type, start)
    ours = run_em(X, start_params, max_iter=n_iterations, tol=0)[-1]
    theirs = GaussianMixture(
        n_components=n_components,
        covariance_type=covariance_type,
        weights_init=start_params.weights,
        means_init=start_params.means,
        precisions_init=start_params.precisions,
        max_iter=n_iterations,
        tol=0,
    ).fit(as_table(X))
    assert ours.phase == "M"
    assert ours.iteration == theirs.n_iter_ == n_iterations
    assert_matches_sklearn(ours.params, theirs, rtol=RTOL)
    # lower_bound_ is the log-likelihood of the last E-step, like our last state's.
    np.testing.assert_allclose(ours.log_likelihood, theirs.lower_bound_, rtol=RTOL)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("name", DATASETS)
def test_e_step_matches_sklearn(name, covariance_type, to_sklearn):
    X, _ = dataset(name)
    params = starting_params(name, covariance_type, "kmeans")
    theirs = to_sklearn(params)
    # Far from the origin scikit-learn's own "diag" log-density loses ~1e-8 (it expands the square).
    log_likelihood, responsibilities = e_step(X, params)
    np.testing.assert_allclose(log_likelihood, theirs.score(as_table(X)), rtol=RTOL)
    np.testing.assert_allclose(responsibilities, theirs.predict_proba(as_table(X)), rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(
        weighted_log_prob(X, params).T, theirs._estimate_weighted_log_prob(as_table(X)), rtol=RTOL
    )


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("name", DATASETS)
def test_m_step_matches_sklearn_for_soft_responsibilities(name, covariance_type):
    X, n_components = dataset(name)
    responsibilities = np.random.default_rng(5).dirichlet(np.ones(n_components), size=len(X))
    ours = m_step(X, responsibilities, covariance_type=covariance_type)
    weights, means, covariances = _estimate_gaussian_parameters(as_table(X), responsibilities, 1e-6, covariance_type)
    np.testing.assert_allclose(ours.weights, weights / weights.sum(), rtol=1e-12)
    np.testing.assert_allclose(ours.means, means, rtol=1e-12)
    scale = np.max(np.abs(covariances))
    np.testing.assert_allclose(ours.covariances, covariances, rtol=RTOL, atol=RTOL * scale)


def two_pass_covariances(X, responsibilities, covariance_type, reg_covar=1e-6):
    """Reference M-step covariances in extended precision by the textbook two-pass formulas."""
    X = np.asarray(X, dtype=np.longdouble)
    resp = np.asarray(responsibilities, dtype=np.longdouble)
    nk = resp.sum(axis=0) + 10 * np.finfo(np.float64).eps
    means = resp.T @ X / nk[:, np.newaxis]
    scatters = np.stack([(resp[:, k, None] * (X - means[k])).T @ (X - means[k]) for k in range(len(nk))])
    identity = np.eye(X.shape[1])
    if covariance_type == "full":
        result = scatters / nk[:, None, None] + reg_covar * identity
    elif covariance_type == "tied":
        result = scatters.sum(axis=0) / nk.sum() + reg_covar * identity
    elif covariance_type == "diag":
        result = np.diagonal(scatters, axis1=1, axis2=2) / nk[:, None] + reg_covar
    else:
        result = np.diagonal(scatters, axis1=1, axis2=2).mean(axis=1) / nk + reg_covar
    return result.astype(np.float64)


@pytest.mark.parametrize("offset", [0.0, 1e3, 1e5, 1e6])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_m_step_keeps_its_digits_far_from_the_origin(covariance_type, offset):
    # Cancellation between X^T X and N_k mu_k mu_k^T once made the pooled ("tied") covariance
    # lose about eps * offset^2 / variance of its value: 2e-6 at 1e5, 5e-4 at 1e6.
    X = gmm_core.sample_mixture(2000, 3, 2, random_state=0).X + offset
    responsibilities = np.random.default_rng(1).dirichlet(np.ones(3), size=len(X))
    ours = m_step(X, responsibilities, covariance_type=covariance_type)
    expected = two_pass_covariances(X, responsibilities, covariance_type)
    np.testing.assert_allclose(ours.covariances, expected, rtol=1e-10, atol=1e-10 * np.max(np.abs(expected)))


def test_tied_m_step_of_lone_points_far_from_the_origin_is_reg_covar():
    # One component per point: nothing is spread, so the pooled covariance is reg_covar exactly.
    # scikit-learn's X^T X - sum_k N_k mu_k mu_k^T adds 10 * eps * mu_k mu_k^T (from the 10 * eps in
    # N_k) plus its cancellation error: here 20 % and 40 % of reg_covar.
    X = np.array([[1e4, 1e4], [1e4 + 1e-3, 1e4]])
    params = m_step(X, np.eye(2), covariance_type="tied", reg_covar=1e-6)
    np.testing.assert_allclose(params.covariances, 1e-6 * np.eye(2), rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("seed", range(3))
def test_tied_k_means_plus_plus_start_with_fewer_distinct_points_than_components(seed):
    # k-means++ must then pick one sample twice; scikit-learn's tied start subtracts that sample's
    # x x^T once too often and fails ("ill-defined empirical covariance"). Ours counts the sample
    # as assigned and fits.
    X = np.array([[0.0, 1.0]] + [[3.0, -1.0]] * 9)
    responsibilities = gmm_core.initial_responsibilities(X, 3, "k-means++", random_state=seed)
    assert responsibilities.sum(axis=1).max() == 2.0
    with pytest.raises(ValueError, match="ill-defined empirical covariance"):
        GaussianMixture(3, covariance_type="tied", init_params="k-means++", random_state=seed).fit(X)
    history = run_em(X, "k-means++", n_components=3, covariance_type="tied", random_state=seed)
    assert np.all(np.linalg.eigvalsh(history[-1].params.covariances) > 0)
    assert np.isfinite(history[-1].log_likelihood)


# Data near the origin on purpose: far from it (offset 1e3) scikit-learn's own one-pass "diag"
# variance (E[x^2] - mu^2) loses digits on the point-like starts of "k-means++" and
# "random_from_data", and a tiny difference in the start can send the two fits to different
# iteration counts. Agreement far from the origin is checked step for step above instead.
@pytest.mark.parametrize("seed", [0, 11])
@pytest.mark.parametrize("method", INIT_METHODS)
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_whole_fit_from_each_init_method_matches_sklearn(covariance_type, method, seed, assert_matches_sklearn):
    X = gmm_core.sample_mixture(300, 3, 2, separation=3.0, random_state=4).X
    ours = run_em(X, method, n_components=3, covariance_type=covariance_type, random_state=seed)[-1]
    theirs = GaussianMixture(3, covariance_type=covariance_type, init_params=method, random_state=seed).fit(X)
    assert ours.iteration == theirs.n_iter_
    assert ours.converged == theirs.converged_
    assert_matches_sklearn(ours.params, theirs, rtol=RTOL)
    np.testing.assert_allclose(ours.log_likelihood, theirs.lower_bound_, rtol=RTOL)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_stopping_rule_matches_sklearn(covariance_type, assert_matches_sklearn):
    X = gmm_core.load_old_faithful().X
    start = initialize(X, 2, "random", covariance_type=covariance_type, random_state=2)
    for tol in (1e-1, 1e-3, 1e-6):
        history = run_em(X, start, tol=tol, max_iter=500)
        theirs = GaussianMixture(
            2,
            covariance_type=covariance_type,
            weights_init=start.weights,
            means_init=start.means,
            precisions_init=start.precisions,
            tol=tol,
            max_iter=500,
        ).fit(X)
        assert history[-1].iteration == theirs.n_iter_
        assert history[-1].converged and theirs.converged_
        assert_matches_sklearn(history[-1].params, theirs, rtol=RTOL)
