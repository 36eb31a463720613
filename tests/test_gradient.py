"""EM against gradient ascent (gmm_core.gradient): the analytic gradient, both ascents, the landscape grid."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gmm_core.gradient as gradient_module
from gmm_core import (
    COVARIANCE_TYPES,
    GMMParams,
    e_step,
    em_means_path,
    gradient_ascent,
    log_likelihood_gradient,
    m_step,
    mean_log_likelihood_grid,
)

pytestmark = pytest.mark.usefixtures("one_blas_thread")


def two_bumps(n_per_side: int = 100, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.normal(-2.0, 1.0, n_per_side), rng.normal(2.0, 1.0, n_per_side)])


def means_only_start(mu1: float, mu2: float) -> GMMParams:
    return GMMParams([0.5, 0.5], [[mu1], [mu2]], [1.0, 1.0], "spherical")


def soft_params(X: np.ndarray, n_components: int, covariance_type: str, seed: int) -> GMMParams:
    rng = np.random.default_rng(seed)
    q = rng.dirichlet(np.ones(n_components), size=len(X))
    return m_step(X, q, covariance_type=covariance_type, reg_covar=1e-2)


def with_logits(params: GMMParams, logits: np.ndarray) -> GMMParams:
    weights = np.exp(logits - logits.max())
    return GMMParams(weights / weights.sum(), params.means, params.covariances, params.covariance_type)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31 - 1),
    n_features=st.integers(1, 4),
    n_components=st.integers(1, 4),
    covariance_type=st.sampled_from(COVARIANCE_TYPES),
)
def test_the_analytic_gradient_matches_finite_differences(seed, n_features, n_components, covariance_type):
    rng = np.random.default_rng(seed)
    X = rng.normal(scale=2.0, size=(40, n_features))
    params = soft_params(X, n_components, covariance_type, seed)
    gradient = log_likelihood_gradient(X, params, free=("means", "weights"))
    step = 1e-6
    numeric_means = np.zeros_like(params.means)
    for index in np.ndindex(params.means.shape):
        moved = []
        for sign in (1, -1):
            means = np.array(params.means)
            means[index] += sign * step
            moved.append(e_step(X, GMMParams(params.weights, means, params.covariances, covariance_type))[0])
        numeric_means[index] = (moved[0] - moved[1]) / (2 * step)
    np.testing.assert_allclose(gradient["means"], numeric_means, rtol=1e-5, atol=1e-7)
    logits = np.log(params.weights)
    numeric_weights = np.zeros(n_components)
    for k in range(n_components):
        shift = np.zeros(n_components)
        shift[k] = step
        numeric_weights[k] = (
            e_step(X, with_logits(params, logits + shift))[0] - e_step(X, with_logits(params, logits - shift))[0]
        ) / (2 * step)
    np.testing.assert_allclose(gradient["weights"], numeric_weights, rtol=1e-5, atol=1e-7)
    assert abs(gradient["weights"].sum()) < 1e-12


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_em_means_step_is_the_gradient_rescaled_per_component(covariance_type):
    X = np.random.default_rng(1).normal(size=(60, 3))
    params = soft_params(X, 3, covariance_type, 1)
    _, responsibilities = e_step(X, params)
    share = responsibilities.sum(axis=0) / len(X)  # N_k / N
    gradient = log_likelihood_gradient(X, params)["means"]
    em_step = em_means_path(X, params, tol=0.0, max_steps=1).means[1]
    expected = params.means + np.einsum("kde,ke->kd", params.full_covariances(), gradient) / share[:, None]
    np.testing.assert_allclose(em_step, expected, rtol=1e-10, atol=1e-12)


def test_em_never_lowers_the_log_likelihood_and_stops_at_a_stationary_point():
    X = two_bumps()
    path = em_means_path(X, means_only_start(-4.0, -3.0), tol=1e-6, max_steps=200)
    assert path.converged and not path.diverged
    assert np.all(np.diff(path.log_likelihood) >= -1e-12)
    assert path.gradient_norm[-1] < 1e-6 <= path.gradient_norm[-2]
    assert np.sort(path.means[-1].ravel()) == pytest.approx([-2.0, 2.0], abs=0.2)


def test_every_learning_rate_teaches_its_lesson():
    X, start = two_bumps(), means_only_start(-4.0, -3.0)
    em = em_means_path(X, start, tol=1e-3, max_steps=500)
    crawl = gradient_ascent(X, start, 1e-3, tol=1e-3, max_steps=500)
    good = gradient_ascent(X, start, 1.0, tol=1e-3, max_steps=500)
    overshoot = gradient_ascent(X, start, 3.0, tol=1e-3, max_steps=500)
    blow_up = gradient_ascent(X, start, 8.0, tol=1e-3, max_steps=500)
    assert em.converged and em.n_steps < good.n_steps
    assert not crawl.converged and crawl.n_steps == 500, "the original script's 1e-3 crawls"
    assert good.converged and good.log_likelihood[-1] == pytest.approx(em.log_likelihood[-1], abs=1e-5)
    steps = np.diff(overshoot.means[:, 1, 0])
    assert overshoot.converged and np.any(np.sign(steps[1:]) != np.sign(steps[:-1])), "steps that overshoot"
    assert blow_up.diverged or blow_up.log_likelihood[-1] < blow_up.log_likelihood[0]


def test_a_small_step_is_not_stopped_early_by_a_small_change():
    """The gradient rule stops both ascents at the same peak; a change rule would stop a slow one far below it."""
    X, start = two_bumps(), means_only_start(-4.0, -3.0)
    slow = gradient_ascent(X, start, 0.1, tol=1e-3, max_steps=2000)
    em = em_means_path(X, start, tol=1e-3)
    assert slow.converged
    assert slow.log_likelihood[-1] == pytest.approx(em.log_likelihood[-1], abs=1e-5)
    assert np.min(np.abs(np.diff(slow.log_likelihood))) < 1e-3, "a change rule would have stopped earlier"


def test_free_weights_stay_on_the_simplex():
    X = two_bumps()
    path = gradient_ascent(X, means_only_start(-1.0, 1.0), 0.5, free=("means", "weights"), tol=1e-4)
    for params in path.params:
        assert params.weights.sum() == pytest.approx(1.0) and np.all(params.weights > 0)
    assert np.all(np.diff(path.log_likelihood) >= -1e-12)


@pytest.mark.parametrize("learning_rate", [0.0, -1.0, np.nan, np.inf, True, "fast"])
def test_bad_learning_rates_are_refused(learning_rate):
    with pytest.raises(ValueError, match="learning_rate"):
        gradient_ascent(two_bumps(), means_only_start(0.0, 1.0), learning_rate)


def test_bad_free_parameters_and_starts_are_refused():
    with pytest.raises(ValueError, match="free"):
        log_likelihood_gradient(two_bumps(), means_only_start(0.0, 1.0), free=("covariances",))
    with pytest.raises(ValueError, match="GMMParams"):
        em_means_path(two_bumps(), "start")


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_the_grid_is_the_log_likelihood_at_every_pair_of_means(covariance_type):
    X = two_bumps(30)
    variances = {"full": [[[1.0]], [[2.0]]], "tied": [[1.5]], "diag": [[1.0], [2.0]], "spherical": [1.0, 2.0]}
    params = GMMParams([0.3, 0.7], [[0.0], [0.0]], variances[covariance_type], covariance_type)
    mu1, mu2 = np.linspace(-3, 3, 5), np.linspace(-2, 4, 4)
    grid = mean_log_likelihood_grid(X, params, mu1, mu2)
    assert grid.shape == (4, 5)
    for j, b in enumerate(mu2):
        for i, a in enumerate(mu1):
            moved = GMMParams(params.weights, [[a], [b]], params.covariances, covariance_type)
            assert grid[j, i] == pytest.approx(e_step(X, moved)[0], rel=1e-12)


def test_the_grid_is_symmetric_when_the_components_are_alike_and_chunks_change_nothing(monkeypatch):
    X = two_bumps(40)
    values = np.linspace(-5, 5, 21)
    grid = mean_log_likelihood_grid(X, means_only_start(0.0, 0.0), values, values)
    np.testing.assert_allclose(grid, grid.T, rtol=1e-13)  # label switching: two peaks of the same height
    assert grid[np.argmin(np.abs(values + 2)), np.argmin(np.abs(values - 2))] == pytest.approx(grid.max(), abs=0.05)
    monkeypatch.setattr(gradient_module, "_GRID_CHUNK", 1)
    np.testing.assert_allclose(mean_log_likelihood_grid(X, means_only_start(0.0, 0.0), values, values), grid)


def test_the_grid_refuses_what_it_cannot_draw():
    two_d = GMMParams([0.5, 0.5], [[0.0, 0.0], [1.0, 1.0]], [1.0, 1.0], "spherical")
    with pytest.raises(ValueError, match="two components"):
        mean_log_likelihood_grid(np.zeros((5, 2)), two_d, [0.0], [0.0])
    with pytest.raises(ValueError, match="mu1_values"):
        mean_log_likelihood_grid(two_bumps(), means_only_start(0.0, 1.0), [], [0.0])
    with pytest.raises(ValueError, match="mu2_values"):
        mean_log_likelihood_grid(two_bumps(), means_only_start(0.0, 1.0), [0.0], [np.nan])
