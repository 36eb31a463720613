"""Label matching, the Rand index, BIC/AIC and the geometry used for drawing."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats

import gmm_core
from gmm_core import (
    COVARIANCE_TYPES,
    GMMParams,
    adjusted_rand_index,
    component_densities_1d,
    ellipse_outline,
    ellipse_outlines,
    ellipse_radius,
    feature_projection,
    match_components,
    match_labels,
    pca_projection,
    project_components,
    project_points,
)

pytestmark = pytest.mark.usefixtures("one_blas_thread")


def mixture_of_type(covariance_type: str, n_components: int = 3, n_features: int = 4, seed: int = 0) -> GMMParams:
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(n_components, n_features, n_features))
    full = factors @ np.swapaxes(factors, 1, 2) + 0.3 * np.eye(n_features)
    covariances = {
        "full": full,
        "tied": full[0],
        "diag": rng.uniform(0.2, 3.0, size=(n_components, n_features)),
        "spherical": rng.uniform(0.2, 3.0, size=n_components),
    }[covariance_type]
    means = rng.normal(scale=4.0, size=(n_components, n_features))
    return GMMParams(rng.dirichlet(np.ones(n_components)), means, covariances, covariance_type)


# --------------------------------------------------------------------------- metrics


@pytest.mark.parametrize("seed", range(5))
def test_match_labels_recovers_a_permutation(seed):
    rng = np.random.default_rng(seed)
    true_labels = rng.integers(0, 5, size=400)
    permutation = rng.permutation(5)
    predicted = permutation[true_labels]
    np.testing.assert_array_equal(match_labels(true_labels, predicted), permutation)


def test_match_labels_follows_the_majority_despite_mistakes():
    true_labels = np.repeat([0, 1, 2], 100)
    predicted = np.repeat([2, 0, 1], 100)
    predicted[::7] = 0  # some wrong labels
    np.testing.assert_array_equal(match_labels(true_labels, predicted), [2, 0, 1])


def test_match_labels_with_more_classes_than_components():
    true_labels = np.repeat([0, 1, 2], 50)
    predicted = np.repeat([1, 0, 0], 50)
    order = match_labels(true_labels, predicted, n_components=2)
    assert sorted(order.tolist()) == [-1, 0, 1]
    assert order[0] == 1


def test_match_components_pairs_nearest_means():
    true_means = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    order = np.array([2, 0, 1])
    fitted = np.empty_like(true_means)
    fitted[order] = true_means + 0.3  # fitted[order[j]] is near true_means[j]
    np.testing.assert_array_equal(match_components(true_means, fitted), order)


def test_match_components_with_fewer_fitted_components():
    order = match_components([[0.0], [5.0], [100.0]], [[99.0], [0.5]])
    np.testing.assert_array_equal(order, [1, -1, 0])


def test_adjusted_rand_index():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 4, size=300)
    relabelled = np.array([3, 1, 0, 2])[labels]
    assert adjusted_rand_index(labels, relabelled) == pytest.approx(1.0)
    assert abs(adjusted_rand_index(labels, rng.integers(0, 4, size=300))) < 0.05


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_bic_and_aic_by_their_formulas(covariance_type, to_sklearn):
    params = mixture_of_type(covariance_type, n_features=2)
    X = gmm_core.sample_mixture(250, 3, 2, random_state=1).X
    total_log_likelihood = gmm_core.log_likelihood(X, params) * len(X)
    n_parameters = params.n_parameters()
    assert gmm_core.bic(X, params) == pytest.approx(-2 * total_log_likelihood + n_parameters * np.log(len(X)))
    assert gmm_core.aic(X, params) == pytest.approx(-2 * total_log_likelihood + 2 * n_parameters)
    theirs = to_sklearn(params)
    assert gmm_core.bic(X, params) == pytest.approx(theirs.bic(X), rel=1e-10)
    assert gmm_core.aic(X, params) == pytest.approx(theirs.aic(X), rel=1e-10)


# --------------------------------------------------------------------------- ellipses


@pytest.mark.parametrize("level", [0.3, 0.5, 0.95, 0.99])
def test_ellipse_outline_lies_on_the_chi_square_contour(level):
    mean = np.array([2.0, -1.0])
    covariance = np.array([[3.0, 1.2], [1.2, 1.0]])
    outline = ellipse_outline(mean, covariance, level=level, n_points=50)
    assert outline.shape == (51, 2)
    np.testing.assert_allclose(outline[-1], outline[0], rtol=0, atol=1e-12)  # closed
    offsets = outline - mean
    squared_distance = np.einsum("nd,de,ne->n", offsets, np.linalg.inv(covariance), offsets)
    np.testing.assert_allclose(squared_distance, stats.chi2.ppf(level, df=2), rtol=1e-10)
    assert ellipse_radius(level) ** 2 == pytest.approx(stats.chi2.ppf(level, df=2))


def test_ellipse_holds_its_probability():
    # Monte Carlo: the share of Gaussian samples inside the 90 % ellipse is about 0.9.
    covariance = np.array([[2.0, -0.8], [-0.8, 0.7]])
    samples = np.random.default_rng(0).multivariate_normal([0.0, 0.0], covariance, size=40_000)
    squared_distance = np.einsum("nd,de,ne->n", samples, np.linalg.inv(covariance), samples)
    assert np.mean(squared_distance <= ellipse_radius(0.9) ** 2) == pytest.approx(0.9, abs=0.01)


def test_ellipse_outlines_stacks_components():
    params = mixture_of_type("full", n_features=2)
    outlines = ellipse_outlines(params.means, params.covariances, level=0.5, n_points=20)
    assert outlines.shape == (3, 21, 2)
    np.testing.assert_allclose(outlines[1], ellipse_outline(params.means[1], params.covariances[1], 0.5, 20))


# --------------------------------------------------------------------------- projections


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_feature_projection_gives_the_marginal(covariance_type):
    params = mixture_of_type(covariance_type, n_features=4)
    projection = feature_projection(4, (3, 1))
    means, covariances = project_components(params, projection)
    np.testing.assert_array_equal(means, params.means[:, [3, 1]])
    full = params.full_covariances()
    np.testing.assert_allclose(covariances, full[:, [3, 1]][:, :, [3, 1]], rtol=1e-14)


def test_project_points_subtracts_the_center():
    X = np.arange(12.0).reshape(4, 3)
    center = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(project_points(X, feature_projection(3, (0, 2)), center), (X - center)[:, [0, 2]])


def test_pca_projection_is_deterministic_and_orthonormal():
    X = gmm_core.sample_mixture(500, 3, 5, elongation=3.0, random_state=2).X
    center, components, ratio = pca_projection(X)
    again = pca_projection(X.copy())
    for first, second in zip((center, components, ratio), again, strict=True):
        np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(center, X.mean(axis=0))
    np.testing.assert_allclose(components.T @ components, np.eye(2), atol=1e-12)
    # Sign convention: the largest entry of each axis is positive, so flipped data give the same axes.
    assert np.all(components[np.abs(components).argmax(axis=0), [0, 1]] > 0)
    _, flipped_components, _ = pca_projection(-X)
    np.testing.assert_allclose(flipped_components, components, atol=1e-12)
    assert ratio[0] >= ratio[1] > 0
    assert ratio.sum() <= 1.0 + 1e-12
    # The axes are the top eigenvectors of the covariance.
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(X.T))
    np.testing.assert_allclose(np.abs(components.T @ eigenvectors[:, ::-1][:, :2]), np.eye(2), atol=1e-8)


def test_pca_projection_of_components_matches_projected_samples():
    params = mixture_of_type("full", n_features=3)
    X = gmm_core.sample_mixture(300, 3, 3, random_state=0).X
    center, components, _ = pca_projection(X)
    means, covariances = project_components(params, components, center)
    np.testing.assert_allclose(means, (params.means - center) @ components)
    np.testing.assert_allclose(covariances, components.T @ params.covariances @ components)


# --------------------------------------------------------------------------- 1-D densities


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_component_densities_integrate_to_the_weights(covariance_type):
    params = mixture_of_type(covariance_type, n_components=3, n_features=1)
    grid = np.linspace(-40.0, 40.0, 40_001)
    densities = component_densities_1d(params, grid)
    assert densities.shape == (3, grid.size)
    np.testing.assert_allclose(integrate.trapezoid(densities, grid, axis=1), params.weights, rtol=1e-8)
    # And each is the weighted normal density.
    sigma = np.sqrt(params.full_covariances()[:, 0, 0])
    expected = params.weights[:, None] * stats.norm.pdf(grid, params.means[:, :1], sigma[:, None])
    np.testing.assert_allclose(densities, expected, rtol=1e-12)
