"""The term-by-term numbers of the E and M formulas agree with e_step and m_step (gmm_core.explain)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from gmm_core import (
    COVARIANCE_TYPES,
    GMMParams,
    e_step,
    initialize,
    m_step,
    m_step_terms,
    point_like_components,
    prepare,
    responsibility_terms,
    sample_mixture,
)


@pytest.fixture(scope="module")
def data():
    return sample_mixture(300, 3, 2, random_state=4).X


def _start(X, covariance_type):
    return initialize(X, 3, "random_from_data", covariance_type=covariance_type, random_state=2)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_responsibility_terms_equal_e_step(data, covariance_type):
    params = _start(data, covariance_type)
    _, responsibilities = e_step(data, params)
    for index in (0, 17, 299):
        terms = responsibility_terms(data, params, index)
        np.testing.assert_array_equal(terms.responsibilities, responsibilities[index])
        np.testing.assert_allclose(np.exp(terms.log_responsibilities), responsibilities[index], rtol=1e-9, atol=1e-300)
        np.testing.assert_allclose(terms.weights, params.weights)
        np.testing.assert_array_equal(terms.x, data[index])


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_densities_are_the_gaussian_pdf(data, covariance_type):
    params = initialize(data, 3, "kmeans", covariance_type=covariance_type, random_state=0)
    terms = responsibility_terms(data, params, 5)
    covariances = params.full_covariances()
    expected = [stats.multivariate_normal(params.means[k], covariances[k]).pdf(data[5]) for k in range(3)]
    assert np.all(np.array(expected) > 1e-30)
    np.testing.assert_allclose(terms.densities, expected, rtol=1e-10)
    np.testing.assert_allclose(terms.weighted, params.weights * np.array(expected), rtol=1e-10)
    np.testing.assert_allclose(terms.normalizer, np.sum(params.weights * np.array(expected)), rtol=1e-10)


def test_far_point_keeps_finite_logs_when_densities_underflow():
    X = np.array([[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [500.0, 500.0]])
    params = GMMParams([0.5, 0.5], [[0.0, 0.0], [0.1, 0.1]], np.stack([np.eye(2) * 0.01] * 2))
    terms = responsibility_terms(X, params, 3)
    assert np.all(terms.densities == 0.0)
    assert np.all(np.isfinite(terms.log_densities))
    assert np.isfinite(terms.log_normalizer)
    np.testing.assert_allclose(terms.responsibilities.sum(), 1.0)
    np.testing.assert_allclose(np.exp(terms.log_responsibilities), terms.responsibilities, rtol=1e-12)


def test_one_feature_data():
    X = np.concatenate([np.linspace(-3, -1, 20), np.linspace(2, 4, 20)])
    params = initialize(X, 2, "kmeans", random_state=0)
    terms = responsibility_terms(X, params, 0)
    assert terms.x.shape == (1,)
    np.testing.assert_allclose(terms.responsibilities, e_step(X, params)[1][0])


@pytest.mark.parametrize("index", [-1, 300, 2.0, True])
def test_bad_index_is_a_clear_error(data, index):
    with pytest.raises(ValueError, match="sample index"):
        responsibility_terms(data, _start(data, "full"), index)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_m_step_terms_rebuild_the_m_step(data, covariance_type):
    reg_covar = 1e-4
    before = _start(data, covariance_type)
    _, responsibilities = e_step(data, before)
    terms = m_step_terms(data, responsibilities, before, reg_covar=reg_covar)
    after = m_step(data, responsibilities, covariance_type=covariance_type, reg_covar=reg_covar)
    assert terms.after.allclose(after, rtol=1e-12)
    np.testing.assert_allclose(terms.counts / terms.n_samples, after.weights, rtol=1e-12)
    np.testing.assert_allclose(terms.weighted_sums / terms.counts[:, np.newaxis], after.means, rtol=1e-10)
    np.testing.assert_allclose(terms.counts_before, before.weights * len(data))
    identity = np.eye(data.shape[1])
    if covariance_type == "full":
        rebuilt = terms.scatter / terms.counts[:, np.newaxis, np.newaxis] + reg_covar * identity
    elif covariance_type == "tied":
        rebuilt = terms.scatter.sum(axis=0) / terms.n_samples + reg_covar * identity
    elif covariance_type == "diag":
        rebuilt = np.diagonal(terms.scatter, axis1=1, axis2=2) / terms.counts[:, np.newaxis] + reg_covar
    else:
        rebuilt = np.trace(terms.scatter, axis1=1, axis2=2) / terms.counts / data.shape[1] + reg_covar
    np.testing.assert_allclose(rebuilt, after.covariances, rtol=1e-9)


def test_m_step_terms_reuse_a_known_result(data):
    before = _start(data, "diag")
    _, responsibilities = e_step(prepare(data), before)
    after = m_step(data, responsibilities, covariance_type="diag")
    terms = m_step_terms(data, responsibilities, before, after=after)
    assert terms.after is after
    np.testing.assert_allclose(terms.mean_shift, np.linalg.norm(after.means - before.means, axis=1))


def test_one_sample_starts_are_point_like(data):
    points = initialize(data, 3, "random_from_data", random_state=2)
    assert point_like_components(data, points).all()
    assert not point_like_components(data, initialize(data, 3, "kmeans", random_state=2)).any()


def test_most_uncertain_point_is_the_most_evenly_shared():
    from gmm_core import most_uncertain_point

    responsibilities = np.array([[1.0, 0.0], [0.5, 0.5], [0.9, 0.1], [0.0, 1.0]])
    assert most_uncertain_point(responsibilities) == 1
    with pytest.raises(ValueError, match="non-empty"):
        most_uncertain_point(np.zeros((0, 2)))


def test_mean_shifts_are_distances_between_means():
    from gmm_core import GMMParams, mean_shifts

    before = GMMParams([0.5, 0.5], [[0.0, 0.0], [1.0, 1.0]], [1.0, 1.0], "spherical")
    after = GMMParams([0.5, 0.5], [[3.0, 4.0], [1.0, 1.0]], [1.0, 1.0], "spherical")
    np.testing.assert_allclose(mean_shifts(before, after), [5.0, 0.0])
