"""The evidence lower bound (gmm_core.bound): why EM works, checked as properties.

For any responsibilities q and parameters theta, ``log_likelihood = lower_bound + bound_gap`` with
the gap a KL divergence (never negative, zero at the E-step's posterior); the M-step maximises the
bound over theta (exactly for reg_covar = 0, within a measured shortfall otherwise); along the
path from theta_t to theta_{t+1} the bound touches the log-likelihood at s = 0 with the same slope
and peaks at s = 1. Every covariance type, one feature and several.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from gmm_core import (
    COVARIANCE_TYPES,
    GMMParams,
    bound_along,
    bound_gap,
    e_step,
    lower_bound,
    m_step,
    params_along,
    prepare,
    reg_covar_effect,
    run_em,
)
from gmm_core.bound import check_responsibilities

pytestmark = pytest.mark.usefixtures("one_blas_thread")
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Relative agreement of two ways of computing the same number, and of the bound with the log-likelihood.
ROUNDING = 1e-12


def clustered_data(rng, n_samples: int, n_features: int, n_clusters: int = 3) -> np.ndarray:
    centres = rng.normal(scale=4.0, size=(n_clusters, n_features))
    labels = rng.integers(n_clusters, size=n_samples)
    return centres[labels] + rng.normal(size=(n_samples, n_features))


def random_responsibilities(rng, n_samples: int, n_components: int, zeros: bool = True) -> np.ndarray:
    """Rows from a Dirichlet, some entries set to exactly zero (``0 log 0 = 0`` must hold)."""
    q = rng.dirichlet(np.full(n_components, 0.7), size=n_samples)
    if zeros and n_components > 1:
        q[rng.random(q.shape) < 0.2] = 0.0
        q[q.sum(axis=1) == 0, 0] = 1.0
        q /= q.sum(axis=1, keepdims=True)
    return q


def random_params(rng, X, n_components: int, covariance_type: str, reg_covar: float = 1e-2) -> GMMParams:
    """Valid parameters of any type: an M-step from random soft labels (covariances floored by reg_covar)."""
    q = random_responsibilities(rng, X.shape[0], n_components, zeros=False)
    return m_step(X, q, covariance_type=covariance_type, reg_covar=reg_covar)


@st.composite
def problems(draw, max_features: int = 4):
    """(X, covariance type, K, rng): 1-D to 4-D data in clusters, 1-4 components."""
    seed = draw(st.integers(0, 2**32 - 1))
    n_features = draw(st.integers(1, max_features))
    n_components = draw(st.integers(1, 4))
    n_samples = draw(st.integers(max(8, 3 * n_components * n_features), 60))
    covariance_type = draw(st.sampled_from(COVARIANCE_TYPES))
    rng = np.random.default_rng(seed)
    return clustered_data(rng, n_samples, n_features), covariance_type, n_components, rng


def close(a: float, b: float, rtol: float = ROUNDING) -> bool:
    return abs(a - b) <= rtol * max(1.0, abs(a), abs(b))


# --------------------------------------------------------------------------- the decomposition


@pytest.mark.slow
@PROPERTY
@given(problems())
def test_bound_is_below_the_log_likelihood_for_any_q_and_the_gap_closes_it(problem):
    X, covariance_type, n_components, rng = problem
    params = random_params(rng, X, n_components, covariance_type)
    q = random_responsibilities(rng, X.shape[0], n_components)
    log_likelihood, _ = e_step(X, params)
    bound, gap = lower_bound(X, params, q), bound_gap(X, params, q)
    assert np.isfinite(bound) and gap >= 0.0
    assert bound <= log_likelihood + ROUNDING * max(1.0, abs(log_likelihood))
    assert close(bound + gap, log_likelihood, 1e-10)


@pytest.mark.slow
@PROPERTY
@given(problems())
def test_bound_equals_the_log_likelihood_at_the_posterior(problem):
    X, covariance_type, n_components, rng = problem
    params = random_params(rng, X, n_components, covariance_type)
    log_likelihood, posterior = e_step(X, params)
    assert close(lower_bound(X, params, posterior), log_likelihood)
    assert bound_gap(X, params, posterior) <= ROUNDING * max(1.0, abs(log_likelihood))


def test_zero_responsibilities_count_as_zero_log_zero():
    X = np.array([[0.0], [1.0], [5.0]])
    params = GMMParams([0.5, 0.5], [[0.5], [5.0]], [1.0, 1.0], "spherical")
    one_hot = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    log_joint = np.log(0.5) - 0.5 * np.log(2 * np.pi) - 0.5 * np.array([0.25, 0.25, 0.0])
    assert lower_bound(X, params, one_hot) == pytest.approx(log_joint.mean(), rel=1e-14)
    assert np.isfinite(bound_gap(X, params, one_hot))


def test_a_component_with_zero_weight_and_zero_responsibility_costs_nothing():
    X = np.array([[0.0], [1.0]])
    params = GMMParams([1.0, 0.0], [[0.5], [9.0]], [1.0, 1.0], "spherical")
    q = np.array([[1.0, 0.0], [1.0, 0.0]])
    log_likelihood, posterior = e_step(X, params)
    assert lower_bound(X, params, q) == pytest.approx(log_likelihood, rel=1e-14)
    assert lower_bound(X, params, posterior) == pytest.approx(log_likelihood, rel=1e-14)


# --------------------------------------------------------------------------- the M-step maximises the bound


def em_history(X, covariance_type: str, n_components: int, seed: int, reg_covar: float = 0.0, iterations: int = 6):
    """EM from k-means; a draw where a component collapses (possible with reg_covar = 0) is rejected."""
    try:
        return run_em(
            X, "kmeans", n_components=n_components, covariance_type=covariance_type, reg_covar=reg_covar,
            max_iter=iterations, tol=0.0, random_state=seed,
        )  # fmt: skip
    except ValueError as error:
        if "collapsed" not in str(error):
            raise
        reject()


def iterations_of(history):
    """(theta_t, q_t, theta_{t+1}) for every iteration of an EM history."""
    states = history[1:]
    return [(e.params, e.responsibilities, m.params) for e, m in zip(states[::2], states[1::2], strict=True)]


@pytest.mark.slow
@PROPERTY
@given(problems())
def test_every_m_step_raises_the_bound_and_the_log_likelihood(problem):
    X, covariance_type, n_components, rng = problem
    X = np.vstack([X, X + 0.1])  # enough distinct points per component that reg_covar = 0 stays valid
    history = em_history(X, covariance_type, n_components, int(rng.integers(1000)))
    for before, q, after in iterations_of(history):
        gained = lower_bound(X, after, q) - lower_bound(X, before, q)
        assert gained >= -ROUNDING * max(1.0, abs(lower_bound(X, before, q)))
        assert e_step(X, after)[0] >= lower_bound(X, after, q) - ROUNDING * max(1.0, abs(gained))


def perturbed(params: GMMParams, rng, size: float) -> GMMParams:
    """A random valid neighbour: logits, means and covariances (congruence by exp of a symmetric matrix) moved."""
    n_components, n_features = params.means.shape
    logits = np.log(params.weights) + size * rng.normal(size=n_components)
    weights = np.exp(logits - logits.max())
    means = params.means + size * rng.normal(size=params.means.shape)
    kind = params.covariance_type
    if kind in ("diag", "spherical"):
        covariances = params.covariances * np.exp(size * rng.normal(size=params.covariances.shape))
    else:
        matrices = params.covariances.reshape(-1, n_features, n_features)
        noise = size * rng.normal(size=matrices.shape)
        eigenvalues, vectors = np.linalg.eigh(0.5 * (noise + np.swapaxes(noise, 1, 2)))
        turn = (vectors * np.exp(0.5 * eigenvalues)[:, None, :]) @ np.swapaxes(vectors, 1, 2)
        covariances = (turn @ matrices @ turn).reshape(params.covariances.shape)
        covariances = 0.5 * (covariances + np.swapaxes(covariances, -1, -2))
    return GMMParams(weights / weights.sum(), means, covariances, kind)


@pytest.mark.slow
@PROPERTY
@given(problems(), st.floats(1e-4, 1.0))
def test_with_reg_covar_zero_no_perturbation_of_the_m_step_raises_the_bound(problem, size):
    X, covariance_type, n_components, rng = problem
    q = random_responsibilities(rng, X.shape[0], n_components, zeros=False)
    best = m_step(X, q, covariance_type=covariance_type, reg_covar=0.0)
    top = lower_bound(X, best, q)
    for _ in range(5):
        assert lower_bound(X, perturbed(best, rng, size), q) <= top + ROUNDING * max(1.0, abs(top))


@pytest.mark.slow
@PROPERTY
@given(problems())
def test_on_the_path_from_theta_t_to_theta_next_the_bound_peaks_at_s_one(problem):
    X, covariance_type, n_components, rng = problem
    X = np.vstack([X, X + 0.1])
    s = np.concatenate([np.linspace(-1.0, 2.0, 61), [0.999, 1.001]])
    for before, q, after in iterations_of(em_history(X, covariance_type, n_components, int(rng.integers(1000)))):
        path = bound_along(X, before, after, q, s)
        top = path.lower_bound[s == 1.0][0]
        assert path.lower_bound.max() <= top + ROUNDING * max(1.0, abs(top))
        assert np.all(path.lower_bound <= path.log_likelihood + ROUNDING * np.maximum(1.0, np.abs(path.log_likelihood)))


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("n_features", [1, 2, 5])
def test_the_bound_touches_the_log_likelihood_at_s_zero_with_the_same_slope(covariance_type, n_features):
    rng = np.random.default_rng(n_features)
    X = clustered_data(rng, 300, n_features)
    before = random_params(rng, X, 3, covariance_type)
    q = e_step(X, before)[1]
    after = m_step(X, q, covariance_type=covariance_type, reg_covar=1e-6)
    step = 1e-5
    path = bound_along(X, before, after, q, np.array([-step, 0.0, step]))
    assert path.log_likelihood[1] == pytest.approx(path.lower_bound[1], rel=ROUNDING)
    slope_log_likelihood = (path.log_likelihood[2] - path.log_likelihood[0]) / (2 * step)
    slope_bound = (path.lower_bound[2] - path.lower_bound[0]) / (2 * step)
    assert abs(slope_bound) > 1e-6, "the step moves, so the slope is not trivially zero"
    assert slope_log_likelihood == pytest.approx(slope_bound, rel=1e-5)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("n_features", [1, 3])
def test_bound_along_agrees_with_the_parameters_on_the_path(covariance_type, n_features):
    rng = np.random.default_rng(7)
    X = prepare(clustered_data(rng, 80, n_features))
    start, end = random_params(rng, X.X, 3, covariance_type), random_params(rng, X.X, 3, covariance_type)
    q = random_responsibilities(rng, X.n_samples, 3)
    s = np.array([-1.5, -0.3, 0.0, 0.4, 1.0, 1.7, 3.0])
    path = bound_along(X, start, end, q, s)
    assert params_along(start, end, 0.0).allclose(start, rtol=1e-12, atol=1e-14)
    assert params_along(start, end, 1.0).allclose(end, rtol=1e-10, atol=1e-14)
    for index, position in enumerate(s):
        params = params_along(start, end, position)
        assert path.log_likelihood[index] == pytest.approx(e_step(X, params)[0], rel=1e-10)
        assert path.lower_bound[index] == pytest.approx(lower_bound(X, params, q), rel=1e-10)


@pytest.mark.slow
@PROPERTY
@given(problems(), st.floats(-6.0, 6.0))
def test_the_path_stays_a_valid_mixture_for_any_s(problem, s):
    X, covariance_type, n_components, rng = problem
    start = random_params(rng, X, n_components, covariance_type, reg_covar=1e-4)
    end = random_params(rng, X, n_components, covariance_type, reg_covar=1e-4)
    params = params_along(start, end, s)  # GMMParams validates: simplex weights, positive definite covariances
    assert np.all(params.weights > 0)
    q = random_responsibilities(rng, len(X), n_components)
    assert np.all(np.isfinite(bound_along(X, start, end, q, s).lower_bound))


def test_covariances_move_along_the_affine_invariant_geodesic():
    a = np.array([[2.0, 0.5], [0.5, 1.0]])
    b = np.array([[1.0, -0.3], [-0.3, 3.0]])
    start = GMMParams([1.0], [[0.0, 0.0]], a[None], "full")
    end = GMMParams([1.0], [[1.0, 1.0]], b[None], "full")

    def power(matrix, exponent):
        values, vectors = np.linalg.eigh(matrix)
        return (vectors * values**exponent) @ vectors.T

    root, inverse_root = power(a, 0.5), power(a, -0.5)
    midpoint = root @ power(inverse_root @ b @ inverse_root, 0.5) @ root
    np.testing.assert_allclose(params_along(start, end, 0.5).covariances[0], midpoint, rtol=1e-12)
    # The geodesic midpoint of A and B is their matrix geometric mean, symmetric in A and B.
    np.testing.assert_allclose(params_along(end, start, 0.5).covariances[0], midpoint, rtol=1e-12)


# --------------------------------------------------------------------------- what reg_covar costs


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_reg_covar_costs_the_predicted_shortfall_and_nothing_at_zero(covariance_type):
    rng = np.random.default_rng(3)
    X = clustered_data(rng, 400, 2)
    q = e_step(X, random_params(rng, X, 3, covariance_type))[1]
    assert abs(reg_covar_effect(X, q, covariance_type=covariance_type, reg_covar=0.0).shortfall) < 1e-14
    for reg_covar in (1e-3, 1e-2):
        effect = reg_covar_effect(X, q, covariance_type=covariance_type, reg_covar=reg_covar)
        assert effect.shortfall > 0
        assert effect.shortfall == pytest.approx(effect.predicted_shortfall, rel=0.05)
        assert effect.bound_at_maximiser - effect.bound_at_m_step == pytest.approx(effect.shortfall, rel=1e-12)


def test_with_reg_covar_the_log_likelihood_falls_by_at_most_the_shortfall():
    """A component squeezed onto a few nearly equal points: reg_covar bites, the guarantee bends by the shortfall."""
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(60, 2)), 3.0 + 1e-3 * rng.normal(size=(4, 2))])
    history = run_em(X, "kmeans", n_components=2, reg_covar=1e-2, max_iter=5, tol=0.0, random_state=0)
    for (before, q, after), next_e in zip(iterations_of(history), history[3::2], strict=False):
        effect = reg_covar_effect(X, q, covariance_type="full", reg_covar=1e-2)
        assert effect.shortfall > 1e-3, "the floor is felt here"
        assert lower_bound(X, after, q) >= lower_bound(X, before, q) - effect.shortfall - 1e-12
        assert next_e.log_likelihood >= e_step(X, before)[0] - effect.shortfall - 1e-12


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("responsibilities", "message"),
    [
        (np.ones((3, 3)) / 3, "shape"),
        (np.array([[1.0, 0.0], [np.nan, 1.0], [0.5, 0.5]]), "NaN"),
        (np.array([[1.5, -0.5], [1.0, 0.0], [0.5, 0.5]]), "non-negative"),
        (np.array([[0.6, 0.6], [1.0, 0.0], [0.5, 0.5]]), "sum to 1"),
        ("not numbers", "array of numbers"),
    ],
)
def test_bad_responsibilities_are_refused_with_a_reason(responsibilities, message):
    with pytest.raises(ValueError, match=message):
        check_responsibilities(responsibilities, 3, 2)


def test_tiny_row_sum_misses_are_renormalised():
    q = check_responsibilities([[0.5, 0.5 + 1e-9], [1.0, 0.0]], 2, 2)
    np.testing.assert_allclose(q.sum(axis=1), [1.0, 1.0], rtol=0, atol=4e-16)
    assert q[0, 1] > q[0, 0]


def test_bound_along_refuses_mismatched_ends_zero_weights_and_bad_s():
    X = np.array([[0.0], [1.0], [2.0]])
    q = np.full((3, 2), 0.5)
    start = GMMParams([0.5, 0.5], [[0.0], [2.0]], [1.0, 1.0], "spherical")
    with pytest.raises(ValueError, match="same kind"):
        bound_along(X, start, GMMParams([0.5, 0.5], [[0.0], [2.0]], [[1.0], [1.0]], "diag"), q, 0.5)
    with pytest.raises(ValueError, match="positive"):
        bound_along(X, start, GMMParams([1.0, 0.0], [[0.0], [2.0]], [1.0, 1.0], "spherical"), q, 0.5)
    with pytest.raises(ValueError, match="finite"):
        bound_along(X, start, start, q, [0.0, np.nan])
    with pytest.raises(ValueError, match="GMMParams"):
        params_along(start, "end", 0.5)
