"""The step-through walk (emlab.step_through.walk): exact half-steps, free going back, no-op double steps."""

from __future__ import annotations

import numpy as np
import pytest

from emlab.step_through import walk as stepper
from gmm_core import COVARIANCE_TYPES, initialize, prepare, run_em, sample_mixture


@pytest.fixture(scope="module")
def data():
    return prepare(sample_mixture(400, 3, 2, random_state=7).X)


def _walk(data, covariance_type="full", **kwargs):
    params = initialize(data, 3, "random_from_data", covariance_type=covariance_type, random_state=3)
    return stepper.start_walk(params, **kwargs), params


def _same_state(a, b):
    assert (a.iteration, a.phase, a.converged) == (b.iteration, b.phase, b.converged)
    np.testing.assert_array_equal(a.params.means, b.params.means)
    np.testing.assert_array_equal(a.params.covariances, b.params.covariances)
    np.testing.assert_array_equal(a.params.weights, b.params.weights)
    if a.responsibilities is None:
        assert b.responsibilities is None
    else:
        np.testing.assert_array_equal(a.responsibilities, b.responsibilities)
    assert a.log_likelihood == b.log_likelihood
    assert a.change == b.change


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_walk_reproduces_em_steps_exactly(data, covariance_type):
    walk, params = _walk(data, covariance_type, reg_covar=1e-6, tol=1e-3, max_iter=100)
    history = run_em(data, params, reg_covar=1e-6, tol=1e-3, max_iter=100)
    walk = stepper.run_to_convergence(walk, data)
    assert len(walk.states) == len(history)
    assert walk.cursor == len(history) - 1
    for ours, theirs in zip(walk.states, history, strict=True):
        _same_state(ours, theirs)
    assert walk.finished and walk.next_phase is None


def test_phases_alternate_and_only_the_next_step_moves(data):
    walk, _ = _walk(data)
    assert walk.next_phase == "E"
    assert stepper.advance_m(walk, data) is walk  # M before any E-step: nothing happens
    after_e = stepper.advance_e(walk, data)
    assert after_e.current.phase == "E" and after_e.next_phase == "M"
    assert stepper.advance_e(after_e, data) is after_e  # a double E-step changes nothing
    after_m = stepper.advance_m(after_e, data)
    assert after_m.current.phase == "M" and after_m.next_phase == "E"
    assert stepper.advance_m(after_m, data) is after_m


def test_back_and_forward_are_exact_and_compute_nothing(data):
    walk, _ = _walk(data)
    for _ in range(3):
        walk = stepper.advance_iteration(walk, data)
    assert walk.cursor == 6
    frontier = walk.states
    back_twice = stepper.back(stepper.back(walk))
    assert back_twice.current is frontier[4]
    again = stepper.advance_m(stepper.advance_e(back_twice, data), data)
    assert again.states is frontier  # forward after back reuses the stored states
    assert again.current is walk.current
    assert stepper.reset(walk).current is frontier[0]
    assert stepper.back(stepper.reset(walk)).cursor == 0


def test_full_iteration_finishes_a_started_iteration(data):
    walk, _ = _walk(data)
    after_e = stepper.advance_e(walk, data)
    finished = stepper.advance_iteration(after_e, data)
    assert finished.current.phase == "M" and finished.current.iteration == 1
    two = stepper.advance_iteration(finished, data)
    assert (two.current.phase, two.current.iteration) == ("M", 2)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_log_likelihood_never_decreases(data, covariance_type):
    walk, _ = _walk(data, covariance_type, tol=0.0, max_iter=25)
    walk = stepper.run_to_convergence(walk, data)
    iterations, values = walk.log_likelihood_curve()
    assert list(iterations) == list(range(1, 26))
    assert np.all(np.diff(values) >= -1e-10)


def test_max_iter_stops_the_walk(data):
    walk, _ = _walk(data, tol=0.0, max_iter=2)
    walk = stepper.run_to_convergence(walk, data)
    assert walk.current.iteration == 2 and walk.current.phase == "M" and walk.finished
    assert stepper.advance_e(walk, data) is walk
    assert stepper.back(walk).next_phase == "M"


def test_changed_labels_only_after_a_second_e_step(data):
    walk, _ = _walk(data)
    first_e = stepper.advance_e(walk, data)
    assert first_e.changed_labels() is None
    second_e = stepper.advance_e(stepper.advance_m(first_e, data), data)
    changed = second_e.changed_labels()
    expected = second_e.current.labels != first_e.current.labels
    np.testing.assert_array_equal(changed, expected)
    assert changed.dtype == bool and changed.shape == (400,)
    assert stepper.advance_m(second_e, data).changed_labels() is None


def test_a_collapsing_m_step_raises_and_keeps_the_walk(data):
    X = np.vstack([np.zeros((5, 2)), np.random.default_rng(0).normal(size=(20, 2)) + 10])
    points = prepare(X)
    params = initialize(points, 2, "kmeans", covariance_type="full", reg_covar=1e-6, random_state=0)
    walk = stepper.advance_e(stepper.start_walk(params, reg_covar=0.0), points)
    with pytest.raises(ValueError, match="positive definite"):
        stepper.advance_m(walk, points)
    assert walk.current.phase == "E"


def test_manual_start_collects_at_most_k_rows_and_toggles():
    manual = stepper.ManualStart(("data",))
    for row in (3, 8, 3, 9, 12, 40):
        manual = manual.toggled(row, 3)
    assert manual.rows == (8, 9, 12) and manual.ready(3) and not manual.ready(4)
    started = stepper.ManualStart(("data",), manual.rows, started=True)
    assert started.toggled(9, 3) == stepper.ManualStart(("data",), (8, 12))
