"""sample_mixture: the generative story (Dirichlet -> multinomial -> Gaussian) and its knobs."""

from __future__ import annotations

import numpy as np
import pytest

from gmm_core import GMMParams, sample_mixture

pytestmark = pytest.mark.usefixtures("one_blas_thread")


def test_same_random_state_gives_the_same_sample():
    first = sample_mixture(500, 4, 3, elongation=2.0, random_state=12)
    second = sample_mixture(500, 4, 3, elongation=2.0, random_state=12)
    for name in ("X", "labels", "weights", "counts", "means", "covariances"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name), err_msg=name)
    other = sample_mixture(500, 4, 3, elongation=2.0, random_state=13)
    assert not np.array_equal(first.X, other.X)


def test_a_numpy_generator_is_accepted_as_random_state():
    from_seed = sample_mixture(100, 2, random_state=np.random.default_rng(5))
    again = sample_mixture(100, 2, random_state=np.random.default_rng(5))
    np.testing.assert_array_equal(from_seed.X, again.X)


@pytest.mark.parametrize("layout", ["spread", "seed_script"])
@pytest.mark.parametrize(("n_samples", "n_components", "n_features"), [(1, 1, 1), (50, 3, 2), (1000, 6, 5), (7, 7, 1)])
def test_shapes_counts_labels_and_weights_agree(n_samples, n_components, n_features, layout):
    sample = sample_mixture(n_samples, n_components, n_features, layout=layout, random_state=3)
    assert sample.X.shape == (n_samples, n_features)
    assert sample.labels.shape == (n_samples,)
    assert sample.means.shape == (n_components, n_features)
    assert sample.covariances.shape == (n_components, n_features, n_features)
    assert sample.counts.sum() == n_samples
    np.testing.assert_array_equal(np.bincount(sample.labels, minlength=n_components), sample.counts)
    assert sample.weights.shape == (n_components,)
    assert np.all(sample.weights >= 0)
    assert sample.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(np.isfinite(sample.X))


def test_samples_are_shuffled_not_grouped_by_component():
    sample = sample_mixture(300, 3, random_state=0)
    assert np.any(np.diff(sample.labels) < 0)


def test_each_component_is_drawn_from_its_own_gaussian():
    sample = sample_mixture(60_000, 3, 2, concentration=100.0, elongation=3.0, random_state=8)
    for k in range(3):
        points = sample.X[sample.labels == k]
        standard_error = np.sqrt(np.diag(sample.covariances[k]) / len(points))
        assert np.all(np.abs(points.mean(axis=0) - sample.means[k]) < 5 * standard_error)
        np.testing.assert_allclose(np.cov(points.T), sample.covariances[k], atol=0.06)


def test_params_is_the_true_mixture():
    sample = sample_mixture(200, 3, 2, random_state=1)
    params = sample.params
    assert isinstance(params, GMMParams)
    assert params.covariance_type == "full"
    np.testing.assert_array_equal(params.means, sample.means)
    np.testing.assert_allclose(params.weights, sample.weights, rtol=1e-12)
    np.testing.assert_array_equal(params.covariances, sample.covariances)


@pytest.mark.parametrize("n_features", [1, 2, 4])
@pytest.mark.parametrize("n_components", [1, 3, 6])
def test_seed_script_layout(n_components, n_features):
    # The original script: mu_i = U(0, 1)^D * 20 i and Sigma_i = 2 i I for i = 1..K.
    sample = sample_mixture(100, n_components, n_features, layout="seed_script", random_state=4)
    for k in range(n_components):
        i = k + 1
        assert np.all(sample.means[k] >= 0)
        assert np.all(sample.means[k] < 20 * i)
        np.testing.assert_array_equal(sample.covariances[k], 2 * i * np.eye(n_features))


@pytest.mark.parametrize("separation", [1.0, 4.0, 10.0])
@pytest.mark.parametrize(("n_components", "n_features"), [(2, 1), (3, 2), (6, 2), (5, 4)])
def test_separation_is_the_smallest_distance_between_means(n_components, n_features, separation):
    for seed in range(5):
        sample = sample_mixture(10, n_components, n_features, separation=separation, random_state=seed)
        means = sample.means
        distances = np.linalg.norm(means[:, np.newaxis] - means[np.newaxis], axis=-1)
        closest = distances[np.triu_indices(n_components, 1)].min()
        assert closest == pytest.approx(separation, rel=1e-12)


@pytest.mark.parametrize("rotate", [True, False])
@pytest.mark.parametrize("elongation", [1.0, 2.0, 5.0])
@pytest.mark.parametrize("n_features", [2, 3])
def test_elongation_is_the_axis_ratio(n_features, elongation, rotate):
    sample = sample_mixture(10, 4, n_features, elongation=elongation, rotate=rotate, random_state=6)
    for covariance in sample.covariances:
        eigenvalues = np.linalg.eigvalsh(covariance)
        assert np.sqrt(eigenvalues[-1] / eigenvalues[0]) == pytest.approx(elongation, rel=1e-9)
        # Unit geometric-mean standard deviation: the volume does not change with the shape.
        assert np.prod(eigenvalues) == pytest.approx(1.0, rel=1e-9)
        if not rotate:
            np.testing.assert_array_equal(covariance, np.diag(np.diag(covariance)))


def test_rotation_turns_elongated_components():
    sample = sample_mixture(10, 4, 2, elongation=4.0, rotate=True, random_state=2)
    assert all(abs(covariance[0, 1]) > 1e-6 for covariance in sample.covariances)


def test_one_feature_components_have_unit_variance():
    sample = sample_mixture(100, 3, 1, elongation=3.0, random_state=0)
    np.testing.assert_array_equal(sample.covariances, np.ones((3, 1, 1)))


def test_small_concentration_gives_much_more_unequal_weights_than_large():
    def mean_largest_weight(concentration):
        largest = [
            sample_mixture(5, 5, concentration=concentration, random_state=seed).weights.max() for seed in range(300)
        ]
        return float(np.mean(largest))

    # Dirichlet(0.1, ..., 0.1) puts most mass on one class; Dirichlet(100, ...) is nearly uniform (1/5).
    unequal, equal = mean_largest_weight(0.1), mean_largest_weight(100.0)
    assert unequal > 0.7
    assert equal < 0.25
    assert unequal > 3 * equal


def test_a_million_points():
    sample = sample_mixture(10**6, 5, 2, random_state=0)
    assert sample.X.shape == (10**6, 2)
    assert sample.counts.sum() == 10**6
