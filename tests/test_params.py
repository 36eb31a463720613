"""GMMParams: validation, immutability, relabelling, serialisation and parameter counts."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky

from gmm_core import COVARIANCE_TYPES, GMMParams, e_step
from gmm_core.params import count_parameters

pytestmark = pytest.mark.usefixtures("one_blas_thread")


def example_params(covariance_type: str, n_components: int = 3, n_features: int = 2, seed: int = 0) -> GMMParams:
    """A valid mixture of each covariance type with distinct, non-trivial covariances."""
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(n_components))
    means = rng.normal(scale=3.0, size=(n_components, n_features))
    factors = rng.normal(size=(n_components, n_features, n_features))
    full = factors @ np.swapaxes(factors, 1, 2) + 0.5 * np.eye(n_features)
    covariances = {
        "full": full,
        "tied": full[0],
        "diag": rng.uniform(0.5, 2.0, size=(n_components, n_features)),
        "spherical": rng.uniform(0.5, 2.0, size=n_components),
    }[covariance_type]
    return GMMParams(weights, means, covariances, covariance_type)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_arrays_are_float_copies_with_the_documented_shapes(covariance_type):
    params = example_params(covariance_type, n_components=3, n_features=2)
    assert params.n_components == 3
    assert params.n_features == 2
    assert params.weights.shape == (3,)
    assert params.means.shape == (3, 2)
    expected_shape = {"full": (3, 2, 2), "tied": (2, 2), "diag": (3, 2), "spherical": (3,)}[covariance_type]
    assert params.covariances.shape == expected_shape
    assert params.precisions.shape == expected_shape
    assert params.full_covariances().shape == (3, 2, 2)
    assert params.full_precisions().shape == (3, 2, 2)
    for array in (params.weights, params.means, params.covariances):
        assert array.dtype == np.float64


def test_input_arrays_are_copied_not_shared():
    weights = np.array([0.5, 0.5])
    means = np.array([[0.0, 0.0], [3.0, 3.0]])
    covariances = np.stack([np.eye(2), np.eye(2)])
    params = GMMParams(weights, means, covariances)
    means[0, 0] = 99.0
    covariances[0, 0, 0] = 99.0
    assert params.means[0, 0] == 0.0
    assert params.covariances[0, 0, 0] == 1.0


def test_one_dimensional_means_are_read_as_one_feature():
    params = GMMParams([0.3, 0.7], [-1.0, 2.0], [[[1.0]], [[2.0]]])
    assert params.means.shape == (2, 1)
    assert params.n_features == 1


def test_weights_within_rounding_of_one_are_renormalised_exactly():
    params = GMMParams([0.5 + 4e-7, 0.5], [[0.0], [1.0]], [1.0, 1.0], "spherical")
    assert params.weights.sum() == pytest.approx(1.0, abs=1e-15)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_attributes_cannot_be_reassigned(covariance_type):
    params = example_params(covariance_type)
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.weights = np.array([1.0, 0.0, 0.0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.covariance_type = "full"


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("attribute", ["weights", "means", "covariances", "precisions", "precisions_cholesky"])
def test_arrays_are_read_only(covariance_type, attribute):
    params = example_params(covariance_type)
    array = getattr(params, attribute)
    with pytest.raises(ValueError, match="read-only"):
        array[0] = 0.5
    with pytest.raises(ValueError, match="read-only"):
        array += 1.0


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_precisions_are_the_inverse_covariances_in_sklearn_layout(covariance_type):
    params = example_params(covariance_type, n_components=3, n_features=3)
    np.testing.assert_allclose(
        params.precisions_cholesky,
        _compute_precision_cholesky(np.array(params.covariances), covariance_type),
        rtol=1e-12,
    )
    identity = np.broadcast_to(np.eye(3), (3, 3, 3))
    np.testing.assert_allclose(params.full_covariances() @ params.full_precisions(), identity, atol=1e-12)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_full_covariances_expand_every_type(covariance_type):
    params = example_params(covariance_type, n_components=3, n_features=2)
    full = params.full_covariances()
    for k in range(3):
        if covariance_type == "full":
            expected = params.covariances[k]
        elif covariance_type == "tied":
            expected = params.covariances
        elif covariance_type == "diag":
            expected = np.diag(params.covariances[k])
        else:
            expected = params.covariances[k] * np.eye(2)
        np.testing.assert_array_equal(full[k], expected)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_permuted_reorders_components_and_nothing_else(covariance_type):
    params = example_params(covariance_type, n_components=4)
    order = np.array([2, 0, 3, 1])
    permuted = params.permuted(order)
    np.testing.assert_array_equal(permuted.weights, params.weights[order])
    np.testing.assert_array_equal(permuted.means, params.means[order])
    np.testing.assert_array_equal(permuted.full_covariances(), params.full_covariances()[order])
    assert permuted.covariance_type == covariance_type
    assert permuted.permuted(np.argsort(order)).allclose(params, rtol=0.0)

    X = np.random.default_rng(1).normal(scale=3.0, size=(50, 2))
    log_likelihood, responsibilities = e_step(X, params)
    permuted_log_likelihood, permuted_responsibilities = e_step(X, permuted)
    assert permuted_log_likelihood == pytest.approx(log_likelihood, rel=1e-12)
    np.testing.assert_allclose(permuted_responsibilities, responsibilities[:, order], rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_to_dict_from_dict_round_trip_through_json(covariance_type):
    params = example_params(covariance_type)
    as_json = json.dumps(params.to_dict())
    restored = GMMParams.from_dict(json.loads(as_json))
    assert restored.covariance_type == covariance_type
    np.testing.assert_array_equal(restored.weights, params.weights)
    np.testing.assert_array_equal(restored.means, params.means)
    np.testing.assert_array_equal(restored.covariances, params.covariances)
    assert restored.allclose(params, rtol=0.0)


def test_allclose_tells_different_mixtures_apart():
    params = example_params("full")
    assert params.allclose(params)
    assert not params.allclose(example_params("full", seed=1))
    assert not params.allclose(example_params("diag"))


@pytest.mark.parametrize("n_features", [1, 2, 5])
@pytest.mark.parametrize("n_components", [1, 3, 6])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_n_parameters_equals_sklearns(covariance_type, n_components, n_features):
    params = example_params(covariance_type, n_components=n_components, n_features=n_features)
    mixture = GaussianMixture(n_components=n_components, covariance_type=covariance_type)
    mixture.means_ = np.array(params.means)
    assert params.n_parameters() == mixture._n_parameters()
    assert count_parameters(covariance_type, n_components, n_features) == mixture._n_parameters()


def test_n_parameters_by_hand():
    # Two full 2-D components: 1 free weight + 4 mean coordinates + 2 * 3 covariance entries.
    assert count_parameters("full", 2, 2) == 11
    assert count_parameters("tied", 2, 2) == 8
    assert count_parameters("diag", 2, 2) == 9
    assert count_parameters("spherical", 2, 2) == 7
