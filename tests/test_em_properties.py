"""Properties every EM run must have, on ordinary and degenerate data alike (hypothesis)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sklearn.mixture import GaussianMixture

import gmm_core
from gmm_core import COVARIANCE_TYPES, INIT_METHODS, GMMParams, e_step, run_em

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.usefixtures("one_blas_thread"),
]

DATA_SHAPES = ("mixture", "duplicated-points", "constant-column", "k-close-to-n", "tight-far-apart-clusters")
# A log-likelihood may fall by rounding only: this much of its size (or of 1, near zero).
LOG_LIKELIHOOD_SLACK = 1e-9


@dataclass(frozen=True)
class Problem:
    """One EM run to check: data, how many components, which covariance type and start."""

    X: np.ndarray
    n_components: int
    covariance_type: str
    init_method: str
    seed: int
    shape: str


def make_data(shape: str, n_samples: int, n_features: int, n_components: int, rng: np.random.Generator):
    """Data of ``n_samples`` rows: an ordinary mixture, or one of the degenerate cases."""
    if shape == "mixture":
        return gmm_core.sample_mixture(n_samples, n_components, n_features, random_state=rng).X
    if shape == "duplicated-points":
        # Few distinct points, each repeated: components collapse onto single points.
        n_distinct = int(rng.integers(1, n_components + 1))
        distinct = rng.normal(scale=2.0, size=(n_distinct, n_features))
        return distinct[rng.integers(0, n_distinct, size=n_samples)]
    if shape == "constant-column":
        X = gmm_core.sample_mixture(n_samples, n_components, n_features, random_state=rng).X
        X[:, rng.integers(0, n_features)] = 7.0
        return X
    if shape == "k-close-to-n":
        return rng.normal(size=(n_samples, n_features))
    # Clusters 1e-3 wide (a variance as small as the default reg_covar), 1e3 apart, far from the origin.
    centers = rng.uniform(-1.0, 1.0, size=(n_components, n_features)) * 1e3 + 1e4
    noise = 1e-3 * rng.standard_normal((n_samples, n_features))
    return centers[rng.integers(0, n_components, size=n_samples)] + noise


@st.composite
def problems(draw, max_features: int = 6, max_components: int = 6, shapes=DATA_SHAPES) -> Problem:
    """Data of any shape in ``shapes``, 1 to ``max_features`` features, and a fit to run on it."""
    shape = draw(st.sampled_from(shapes))
    n_features = draw(st.integers(1, max_features))
    n_components = draw(st.integers(1, max_components))
    if shape == "k-close-to-n":
        n_samples = n_components + draw(st.integers(0, 2))
    else:
        n_samples = draw(st.integers(max(n_components, 2), 150))
    seed = draw(st.integers(0, 2**32 - 1))
    X = make_data(shape, n_samples, n_features, n_components, np.random.default_rng(seed))
    return Problem(
        X=X,
        n_components=n_components,
        covariance_type=draw(st.sampled_from(COVARIANCE_TYPES)),
        init_method=draw(st.sampled_from(INIT_METHODS)),
        seed=seed,
        shape=shape,
    )


def fit(problem: Problem, max_iter: int = 20, reg_covar: float = 1e-6):
    """The whole EM history of ``problem`` (tol=0: every one of ``max_iter`` iterations)."""
    return run_em(
        problem.X,
        problem.init_method,
        n_components=problem.n_components,
        covariance_type=problem.covariance_type,
        max_iter=max_iter,
        tol=0.0,
        reg_covar=reg_covar,
        random_state=problem.seed % 2**31,
    )


def assert_valid_params(params: GMMParams) -> None:
    """Finite numbers, weights that are probabilities, positive definite covariances."""
    assert np.all(np.isfinite(params.weights))
    assert np.all(np.isfinite(params.means))
    assert np.all(np.isfinite(params.covariances))
    assert np.all(params.weights >= 0)
    assert params.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(np.linalg.eigvalsh(params.full_covariances()) > 0), "a covariance is not positive definite"
    assert np.all(np.isfinite(params.precisions_cholesky))


PROPERTY_SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(problem=problems())
def test_every_state_is_finite_and_valid(problem):
    history = fit(problem)
    assert history[0].phase == "init"
    assert [state.phase for state in history[1:]] == ["E", "M"] * ((len(history) - 1) // 2)
    for state in history:
        assert_valid_params(state.params)
        if state.phase == "init":
            continue
        assert np.isfinite(state.log_likelihood)
        responsibilities = state.responsibilities
        assert responsibilities.shape == (len(problem.X), problem.n_components)
        assert np.all(np.isfinite(responsibilities))
        assert np.all(responsibilities >= 0)
        np.testing.assert_allclose(responsibilities.sum(axis=1), 1.0, rtol=0, atol=1e-12)


def precision_traces(params: GMMParams) -> np.ndarray:
    """tr(Sigma_k^-1) for every component."""
    return np.trace(params.full_precisions(), axis1=1, axis2=2)


def condition_number(params: GMMParams) -> float:
    """Largest condition number among the covariances."""
    return float(np.max(np.linalg.cond(params.full_covariances())))


@PROPERTY_SETTINGS
@given(problem=problems())
def test_log_likelihood_never_decreases(problem):
    # EM climbs because each M-step maximises a lower bound of the likelihood. Adding reg_covar
    # to the covariances maximises that bound minus (reg_covar / 2) sum_k N_k tr(Sigma_k^-1)
    # instead (N_k from the E-step), so what is guaranteed is
    #     mean log L(new) - mean log L(old) >= reg_covar / (2 N) * sum_k N_k (tr P_k(new) - tr P_k(old)),
    # P = Sigma^-1. Where reg_covar is negligible next to every variance the right side is ~0 and
    # this is plain "never decreases"; where a component is as narrow as reg_covar (tight clusters,
    # points of their own) the likelihood can really fall: see the test below, same in scikit-learn.
    # Rounding: a log-density with a covariance of condition number c is good to ~eps * c.
    reg_covar = 1e-6
    what = f"{problem.shape}, {problem.covariance_type}, {problem.init_method}"
    assert_em_climbs(fit(problem, reg_covar=reg_covar), len(problem.X), reg_covar, what)


def assert_em_climbs(history: list, n_samples: int, reg_covar: float, what: str) -> None:
    """Every E-step's log-likelihood is at least the last one plus EM's guarantee, up to rounding.

    The guarantee and the rounding allowance are explained in ``test_log_likelihood_never_decreases``;
    ``what`` names the run in the failure message.
    """
    e_states = [state for state in history if state.phase == "E"]
    for before, after in zip(e_states, e_states[1:], strict=False):
        component_sizes = before.responsibilities.sum(axis=0)
        penalty_change = np.sum(component_sizes * (precision_traces(after.params) - precision_traces(before.params)))
        guaranteed_gain = reg_covar / (2 * n_samples) * penalty_change
        conditioning = max(condition_number(before.params), condition_number(after.params))
        slack = max(LOG_LIKELIHOOD_SLACK, np.finfo(float).eps * conditioning) * max(1.0, abs(before.log_likelihood))
        gain = after.log_likelihood - before.log_likelihood
        assert gain >= guaranteed_gain - slack, (
            f"log-likelihood went from {before.log_likelihood!r} to {after.log_likelihood!r} at iteration "
            f"{after.iteration}; EM guarantees a change >= {guaranteed_gain!r} ({what})"
        )


@PROPERTY_SETTINGS
@given(
    n_features=st.integers(1, 6),
    n_components=st.integers(1, 6),
    samples_per_parameter=st.integers(5, 20),
    scale=st.sampled_from([1e-2, 1.0, 1e2]),
    covariance_type=st.sampled_from(COVARIANCE_TYPES),
    init_method=st.sampled_from(INIT_METHODS),
    seed=st.integers(0, 2**31 - 1),
)
@example(5, 2, 5, 1e-2, "full", "k-means++", 6339927)  # the flat component of the comment below
def test_log_likelihood_never_decreases_when_reg_covar_is_negligible(
    n_features, n_components, samples_per_parameter, scale, covariance_type, init_method, seed
):
    # Well-sampled data at any scale, reg_covar negligible next to its variance: the guarantee above
    # is plain monotonicity, unless a start leaves a component with no more points than dimensions.
    # Its covariance is then flat, held up by reg_covar alone, and the guarantee's reg_covar term and
    # the rounding of a condition number of ~1e10 both count (seed 6339927: 5 points in 5-D,
    # log-likelihood 16.7546818 moving by 2e-8 either way from one iteration to the next).
    n_samples, reg_covar = samples_per_parameter * n_components * (n_features + 1), 1e-10 * scale**2
    sample = gmm_core.sample_mixture(
        n_samples, n_components, n_features, concentration=50.0, separation=3.0, random_state=seed
    )
    history = run_em(
        sample.X * scale,
        init_method,
        n_components=n_components,
        covariance_type=covariance_type,
        max_iter=20,
        tol=0.0,
        reg_covar=reg_covar,
        random_state=seed,
    )
    what = f"{n_samples} x {n_features}, K = {n_components}, scale {scale}, {covariance_type}, {init_method}"
    assert_em_climbs(history, n_samples, reg_covar, what)


def test_a_reg_covar_as_large_as_the_variance_can_lower_the_log_likelihood_as_in_sklearn():
    # Two points 2.2e-3 apart, one component on each: with reg_covar = 1e-6 ~ (1e-3)^2 the
    # regularised M-step pulls the components together and the likelihood falls, identically in
    # scikit-learn. This is why the monotonicity property above allows for reg_covar's term.
    X = np.array([[0.0], [2.2e-3]])
    start = GMMParams([0.5, 0.5], [[0.0], [2.2e-3]], [[[1e-6]], [[1e-6]]])
    ours = [state.log_likelihood for state in run_em(X, start, max_iter=6, tol=0) if state.phase == "E"]
    theirs = GaussianMixture(
        2, weights_init=start.weights, means_init=start.means, precisions_init=start.precisions, max_iter=6, tol=0
    ).fit(X)
    np.testing.assert_allclose(ours, theirs.lower_bounds_, rtol=1e-9)
    assert np.all(np.diff(ours) < 0)


@settings(max_examples=60, deadline=None)
@given(problem=problems(max_features=3, max_components=4))
def test_e_step_and_m_step_agree_with_the_history(problem):
    # Replaying the steps by hand reproduces the recorded states exactly.
    history = fit(problem, max_iter=3)
    for e_state, m_state in zip(history[1::2], history[2::2], strict=True):
        log_likelihood, responsibilities = e_step(problem.X, e_state.params)
        assert log_likelihood == e_state.log_likelihood
        np.testing.assert_array_equal(responsibilities, e_state.responsibilities)
        replayed = gmm_core.m_step(problem.X, responsibilities, covariance_type=problem.covariance_type)
        assert replayed.allclose(m_state.params, rtol=0.0)


FAR_POINTS = [[1e4, -1e4], [-1e6, 1e6], [1e150, 0.0]]


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_a_point_far_from_every_component_gets_finite_responsibilities(covariance_type):
    # The original script divided densities that underflowed to 0 by their sum 0: NaN.
    unit = GMMParams([0.5, 0.5], [[0.0, 0.0], [3.0, 0.0]], np.stack([np.eye(2), np.eye(2)]))
    params = GMMParams(unit.weights, unit.means, _as_type(unit, covariance_type), covariance_type)
    X = np.array([[0.5, 0.0], *FAR_POINTS])
    log_likelihood, responsibilities = e_step(X, params)
    assert np.isfinite(log_likelihood)
    assert np.all(np.isfinite(responsibilities))
    np.testing.assert_allclose(responsibilities.sum(axis=1), 1.0, atol=1e-12)
    # [1e4, -1e4] is nearer (in every sense) to the component at [3, 0].
    assert responsibilities[1, 1] == pytest.approx(1.0)
    # Alone, its log-likelihood is log(1/2) + log N(x | [3, 0], I): about -1e8, and finite.
    single_log_likelihood, _ = e_step(X[1:2], params)
    expected = -0.5 * ((1e4 - 3.0) ** 2 + 1e8) - np.log(2 * np.pi) + np.log(0.5)
    assert single_log_likelihood == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_em_with_an_outlier_stays_finite(covariance_type):
    X = np.vstack([gmm_core.sample_mixture(200, 2, 2, random_state=3).X, [[1e4, -1e4]]])
    history = run_em(X, "kmeans", n_components=2, covariance_type=covariance_type, random_state=0)
    for state in history[1:]:
        assert np.isfinite(state.log_likelihood)
        assert np.all(np.isfinite(state.responsibilities))
        assert_valid_params(state.params)


def _as_type(params: GMMParams, covariance_type: str):
    """The covariances of ``params`` (all multiples of I here) in the layout of another type."""
    full = params.full_covariances()
    return {
        "full": full,
        "tied": full[0],
        "diag": np.diagonal(full, axis1=1, axis2=2),
        "spherical": np.diagonal(full, axis1=1, axis2=2).mean(axis=1),
    }[covariance_type]


# --------------------------------------------------------------------------- one half-step and the stopping rule


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize(("tol", "max_iter"), [(1e-3, 100), (0.0, 7), (1e-3, 0), (1e-3, 1)])
def test_em_steps_is_next_state_applied_until_em_stops(covariance_type, tol, max_iter):
    data = gmm_core.prepare(gmm_core.sample_mixture(200, 3, 2, random_state=11).X)
    start = gmm_core.initialize(data, 3, "random_from_data", covariance_type=covariance_type, random_state=2)
    history = run_em(data, start, tol=tol, max_iter=max_iter)
    state, stepped = history[0], [history[0]]
    while (state := gmm_core.next_state(data, state, tol=tol, max_iter=max_iter)) is not None:
        stepped.append(state)
    assert len(stepped) == len(history)
    for ours, theirs in zip(stepped, history, strict=True):
        assert (ours.iteration, ours.phase, ours.converged) == (theirs.iteration, theirs.phase, theirs.converged)
        assert (ours.log_likelihood, ours.change) == (theirs.log_likelihood, theirs.change)
        np.testing.assert_array_equal(ours.params.covariances, theirs.params.covariances)
        np.testing.assert_array_equal(ours.params.means, theirs.params.means)
        if theirs.responsibilities is not None:
            np.testing.assert_array_equal(ours.responsibilities, theirs.responsibilities)
    assert gmm_core.em_has_stopped(history[-1], max_iter)
    assert not any(gmm_core.em_has_stopped(state, max_iter) for state in history[:-1])


def _state(phase: str, iteration: int, converged: bool = False) -> gmm_core.EMState:
    params = GMMParams([1.0], [[0.0]], [[[1.0]]])
    return gmm_core.EMState(iteration, phase, params, converged=converged)


@pytest.mark.parametrize(
    ("state", "max_iter", "stopped"),
    [
        (_state("init", 0), 5, False),
        (_state("init", 0), 0, True),  # max_iter=0: only the start
        (_state("E", 3, converged=True), 5, False),  # a converged iteration still gets its M-step
        (_state("M", 3, converged=True), 5, True),
        (_state("E", 5), 5, False),
        (_state("M", 5), 5, True),
        (_state("M", 4), 5, False),
    ],
)
def test_the_stopping_rule(state, max_iter, stopped):
    assert gmm_core.em_has_stopped(state, max_iter) is stopped
    if stopped:
        assert gmm_core.next_state(np.zeros((3, 1)), state, max_iter=max_iter) is None


def test_next_state_converges_when_the_change_is_below_tol():
    data = gmm_core.prepare(gmm_core.sample_mixture(200, 2, 2, random_state=4).X)
    start = gmm_core.EMState(0, "init", gmm_core.initialize(data, 2, "kmeans", random_state=0))
    first_e = gmm_core.next_state(data, start, tol=1e-3)
    assert first_e.change is None and not first_e.converged  # nothing to compare with yet
    m_state = gmm_core.next_state(data, first_e, tol=1e-3)
    assert m_state.responsibilities is first_e.responsibilities and m_state.phase == "M"
    second_e = gmm_core.next_state(data, m_state, tol=1e9)
    assert second_e.change == second_e.log_likelihood - first_e.log_likelihood and second_e.converged
    assert not gmm_core.next_state(data, m_state, tol=0.0).converged


@pytest.mark.parametrize("arguments", [{"tol": -1.0}, {"tol": np.nan}, {"max_iter": -1}, {"max_iter": 2.5}])
def test_next_state_refuses_bad_settings(arguments):
    with pytest.raises(ValueError, match="tol|max_iter"):
        gmm_core.next_state(np.zeros((3, 1)), _state("init", 0), **arguments)


def test_next_state_needs_the_responsibilities_of_an_e_state():
    with pytest.raises(ValueError, match="responsibilities"):
        gmm_core.next_state(np.zeros((3, 1)), _state("E", 1))
