"""Starting parameters: scikit-learn's four initialisation methods and the clicked-means start."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.mixture import GaussianMixture

import gmm_core
from gmm_core import COVARIANCE_TYPES, INIT_METHODS, initial_responsibilities, initialize, initialize_from_means

pytestmark = pytest.mark.usefixtures("one_blas_thread")

X = gmm_core.sample_mixture(300, 3, 2, separation=5.0, random_state=4).X


@pytest.mark.parametrize("method", INIT_METHODS)
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_initial_params_match_sklearn(method, covariance_type):
    ours = initialize(X, 3, method, covariance_type=covariance_type, random_state=7)
    theirs = GaussianMixture(3, covariance_type=covariance_type, init_params=method, random_state=7)
    theirs._initialize_parameters(X, np.random.RandomState(7))
    # scikit-learn leaves the weights of the one-sample starts unnormalised (they sum to K / N).
    np.testing.assert_allclose(ours.weights, theirs.weights_ / theirs.weights_.sum(), rtol=1e-12)
    np.testing.assert_allclose(ours.means, theirs.means_, rtol=1e-12)
    # The one-sample starts' covariances are reg_covar plus rounding; scikit-learn's one-pass
    # "diag" variance keeps only ~1e-8 of it, so compare to 1e-6 of the largest entry.
    scale = np.max(np.abs(theirs.covariances_))
    np.testing.assert_allclose(ours.covariances, theirs.covariances_, rtol=1e-6, atol=1e-6 * scale)


@pytest.mark.parametrize("method", INIT_METHODS)
def test_same_seed_same_start_and_prepared_data_changes_nothing(method):
    first = initialize(X, 3, method, random_state=3)
    again = initialize(gmm_core.prepare(X), 3, method, random_state=3)
    assert first.allclose(again, rtol=0.0)
    other = initialize(X, 3, method, random_state=4)
    assert not first.allclose(other)


def test_a_random_state_object_is_a_stream_that_moves_on():
    # As scikit-learn's n_init: each start draws from where the previous one stopped.
    stream = np.random.RandomState(0)
    first = initialize(X, 3, "random_from_data", random_state=stream)
    second = initialize(X, 3, "random_from_data", random_state=stream)
    assert not first.allclose(second)
    replay = np.random.RandomState(0)
    assert initialize(X, 3, "random_from_data", random_state=replay).allclose(first, rtol=0.0)
    assert initialize(X, 3, "random_from_data", random_state=replay).allclose(second, rtol=0.0)


def test_kmeans_responsibilities_are_the_kmeans_labels():
    responsibilities = initial_responsibilities(X, 3, "kmeans", random_state=1)
    labels = KMeans(n_clusters=3, n_init=1, random_state=np.random.RandomState(1)).fit(X).labels_
    expected = np.zeros((len(X), 3))
    expected[np.arange(len(X)), labels] = 1.0
    np.testing.assert_array_equal(responsibilities, expected)


def test_random_responsibilities_are_soft_and_sum_to_one():
    responsibilities = initial_responsibilities(X, 4, "random", random_state=1)
    assert responsibilities.shape == (len(X), 4)
    assert np.all((responsibilities > 0) & (responsibilities < 1))
    np.testing.assert_allclose(responsibilities.sum(axis=1), 1.0, atol=1e-12)


@pytest.mark.parametrize("method", ["random_from_data", "k-means++"])
def test_one_sample_starts_pick_one_distinct_sample_per_component(method):
    responsibilities = initial_responsibilities(X, 4, method, random_state=2)
    assert set(np.unique(responsibilities)) == {0.0, 1.0}
    np.testing.assert_array_equal(responsibilities.sum(axis=0), np.ones(4))
    chosen = np.flatnonzero(responsibilities.sum(axis=1))
    assert len(chosen) == 4
    if method == "k-means++":
        _, indices = kmeans_plusplus(X, 4, random_state=np.random.RandomState(2))
        np.testing.assert_array_equal(np.sort(indices), chosen)


@pytest.mark.parametrize("method", ["random_from_data", "k-means++"])
@pytest.mark.parametrize("covariance_type", ["full", "diag", "spherical"])
def test_one_sample_starts_are_points_with_reg_covar_variance(method, covariance_type):
    params = initialize(X, 3, method, covariance_type=covariance_type, reg_covar=1e-4, random_state=0)
    np.testing.assert_allclose(params.full_covariances(), np.broadcast_to(1e-4 * np.eye(2), (3, 2, 2)), atol=1e-12)
    # Each mean is a data point (up to the 10 * eps that scikit-learn adds to N_k).
    nearest = np.min(np.abs(X[:, np.newaxis] - params.means[np.newaxis]).max(axis=2), axis=0)
    assert np.all(nearest <= 1e-13 * np.abs(X).max())
    np.testing.assert_allclose(params.weights, 1 / 3)


def test_random_start_puts_every_mean_near_the_data_mean():
    params = initialize(X, 5, "random", random_state=0)
    spread = X.std(axis=0)
    assert np.all(np.abs(params.means - X.mean(axis=0)) < 0.5 * spread)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_initialize_from_means_keeps_the_clicked_means_and_the_data_spread(covariance_type):
    clicked = np.array([[-4.0, 1.0], [0.0, 0.0], [5.0, 2.0]])
    params = initialize_from_means(X, clicked, covariance_type=covariance_type, reg_covar=1e-3)
    np.testing.assert_array_equal(params.means, clicked)
    np.testing.assert_allclose(params.weights, 1 / 3)
    data_covariance = np.cov(X.T, bias=True) + 1e-3 * np.eye(2)
    expected = {
        "full": np.broadcast_to(data_covariance, (3, 2, 2)),
        "tied": data_covariance,
        "diag": np.broadcast_to(np.diag(data_covariance), (3, 2)),
        "spherical": np.full(3, np.trace(data_covariance) / 2),
    }[covariance_type]
    np.testing.assert_allclose(params.covariances, expected, rtol=1e-12)


def test_initialize_from_means_on_one_feature_takes_a_flat_list():
    X_one = gmm_core.sample_mixture(100, 2, 1, random_state=0).X
    params = initialize_from_means(X_one, [-1.0, 2.0])
    np.testing.assert_array_equal(params.means, [[-1.0], [2.0]])
    assert params.full_covariances().shape == (2, 1, 1)
