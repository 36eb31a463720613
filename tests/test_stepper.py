"""The step-through walk (emlab.step_through.walk): exact half-steps, going back, no-op double steps, small memory."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import gmm_core.em
from emlab.step_through import controller
from emlab.step_through import walk as stepper
from emlab.step_through.keys import KEYS
from gmm_core import COVARIANCE_TYPES, initialize, prepare, run_em, sample_mixture


@pytest.fixture(scope="module")
def data():
    return prepare(sample_mixture(400, 3, 2, random_state=7).X)


def _walk(data, covariance_type="full", **kwargs):
    params = initialize(data, 3, "random_from_data", covariance_type=covariance_type, random_state=3)
    return stepper.start_walk(data, params, **kwargs), params


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
    walk = stepper.run_to_convergence(walk)
    assert len(walk.steps) == len(history)
    assert walk.cursor == len(history) - 1
    for index, theirs in enumerate(history):
        _same_state(walk.state(index), theirs)
    assert walk.finished and walk.next_phase is None


def test_phases_alternate_and_only_the_next_step_moves(data):
    walk, _ = _walk(data)
    assert walk.next_phase == "E"
    assert stepper.advance_m(walk) is walk  # M before any E-step: nothing happens
    after_e = stepper.advance_e(walk)
    assert after_e.current.phase == "E" and after_e.next_phase == "M"
    assert stepper.advance_e(after_e) is after_e  # a double E-step changes nothing
    after_m = stepper.advance_m(after_e)
    assert after_m.current.phase == "M" and after_m.next_phase == "E"
    assert stepper.advance_m(after_m) is after_m


def test_back_and_forward_are_exact_and_compute_no_parameters(data, monkeypatch):
    walk, _ = _walk(data)
    for _ in range(3):
        walk = stepper.advance_iteration(walk)
    assert walk.cursor == 6
    frontier = walk.steps
    back_twice = stepper.back(stepper.back(walk))
    assert back_twice.current.params is frontier[4].params
    monkeypatch.setattr(gmm_core.em, "m_step", None)  # forward over computed half-steps runs no M-step
    again = stepper.advance_m(stepper.advance_e(back_twice))
    assert again.steps is frontier  # forward after back reuses the stored half-steps
    assert again.current.params is walk.current.params
    np.testing.assert_array_equal(again.current.responsibilities, walk.current.responsibilities)
    assert stepper.reset(walk).current is frontier[0]
    assert stepper.back(stepper.reset(walk)).cursor == 0


def test_full_iteration_finishes_a_started_iteration(data):
    walk, _ = _walk(data)
    after_e = stepper.advance_e(walk)
    finished = stepper.advance_iteration(after_e)
    assert finished.current.phase == "M" and finished.current.iteration == 1
    two = stepper.advance_iteration(finished)
    assert (two.current.phase, two.current.iteration) == ("M", 2)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_log_likelihood_never_decreases(data, covariance_type):
    walk, _ = _walk(data, covariance_type, tol=0.0, max_iter=25)
    walk = stepper.run_to_convergence(walk)
    iterations, values = walk.log_likelihood_curve()
    assert list(iterations) == list(range(1, 26))
    assert np.all(np.diff(values) >= -1e-10)


def test_max_iter_stops_the_walk(data):
    walk, _ = _walk(data, tol=0.0, max_iter=2)
    walk = stepper.run_to_convergence(walk)
    assert walk.current.iteration == 2 and walk.current.phase == "M" and walk.finished
    assert stepper.advance_e(walk) is walk
    assert stepper.back(walk).next_phase == "M"


def test_changed_labels_only_after_a_second_e_step(data):
    walk, _ = _walk(data)
    first_e = stepper.advance_e(walk)
    assert first_e.changed_labels() is None
    second_e = stepper.advance_e(stepper.advance_m(first_e))
    changed = second_e.changed_labels()
    expected = second_e.current.labels != first_e.current.labels
    np.testing.assert_array_equal(changed, expected)
    assert changed.dtype == bool and changed.shape == (400,)
    assert stepper.advance_m(second_e).changed_labels() is None


def test_a_collapsing_m_step_raises_and_keeps_the_walk(data):
    X = np.vstack([np.zeros((5, 2)), np.random.default_rng(0).normal(size=(20, 2)) + 10])
    points = prepare(X)
    params = initialize(points, 2, "kmeans", covariance_type="full", reg_covar=1e-6, random_state=0)
    walk = stepper.advance_e(stepper.start_walk(points, params, reg_covar=0.0))
    with pytest.raises(ValueError, match="positive definite"):
        stepper.advance_m(walk)
    assert walk.current.phase == "E"


def test_manual_start_collects_at_most_k_rows_and_toggles():
    manual = stepper.ManualStart(("data",))
    for row in (3, 8, 3, 9, 12, 40):
        manual = manual.toggled(row, 3)
    assert manual.rows == (8, 9, 12) and manual.ready(3) and not manual.ready(4)
    started = stepper.ManualStart(("data",), manual.rows, started=True)
    assert started.toggled(9, 3) == stepper.ManualStart(("data",), (8, 12))


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_forward_and_back_in_any_order_gives_em_steps_states(data, covariance_type):
    """Responsibilities are recomputed on demand: every state looked at equals em_steps' state, bit for bit."""
    walk, params = _walk(data, covariance_type, tol=0.0, max_iter=12)
    history = run_em(data, params, tol=0.0, max_iter=12)
    moves = "EMEMBBBEMMEMEBBBBBNNNRBNNEBEMEM" + "N" * 8 + "BBBBBB"
    act = {
        "E": stepper.advance_e,
        "M": stepper.advance_m,
        "N": stepper.advance_iteration,
        "B": stepper.back,
        "R": stepper.reset,
    }
    for move in moves:
        walk = act[move](walk)
        _same_state(walk.current, history[walk.cursor])
        if walk.previous is not None:
            _same_state(walk.previous, history[walk.cursor - 1])
        assert len(walk.recent) <= stepper.RECENT_RESPONSIBILITIES
    assert len(walk.steps) == len(history)


def test_a_walk_keeps_parameters_not_responsibilities(data):
    walk, _ = _walk(data, tol=0.0, max_iter=40)
    walk = stepper.run_to_convergence(walk)
    assert len(walk.steps) == 81
    assert all(step.responsibilities is None for step in walk.steps)
    one_e_step = data.n_samples * 3 * 8  # bytes of one (N, K) float64 array
    kept = len(pickle.dumps(walk.steps))
    assert kept < 10 * one_e_step, "parameters of 80 half-steps weigh less than ten E-steps' responsibilities"
    assert len(walk.recent) <= 2


def test_a_cold_walk_recomputes_the_responsibilities_it_shows(data):
    walk, params = _walk(data, tol=0.0, max_iter=5)
    walk = stepper.run_to_convergence(walk)
    history = run_em(data, params, tol=0.0, max_iter=5)
    cold = pickle.loads(pickle.dumps(walk))  # e.g. a session restored elsewhere: same states
    cold.recent._arrays.clear()
    for index in (3, 4, 1, 2, 9, 10):
        _same_state(cold.state(index), history[index])


# --------------------------------------------------------------------------- the controller (what a click does)


def _session(data, **kwargs):
    walk, _ = _walk(data, **kwargs)
    return controller.StepSession(("data", "model", ("method",)), None, walk)


def test_a_button_that_is_not_next_returns_a_notice_and_the_same_session(data):
    session = _session(data)
    for action, notice in (("m_step", "step.noop.need_e"), ("step_back", "step.noop.at_start")):
        outcome = controller.press(action, session)
        assert outcome.session is session and outcome.notice == controller.Notice("info", notice)
    after_e = controller.press("e_step", session)
    assert after_e.notice is None and after_e.session.walk.cursor == 1
    assert controller.press("e_step", after_e.session).notice.key == "step.noop.e_done"
    assert controller.primary_button(after_e.session.walk) == "m_step"
    updates = controller.on_step({KEYS.session: after_e.session}, "m_step")
    assert updates[KEYS.session].walk.cursor == 2 and updates[KEYS.notice] is None
    assert controller.on_step({}, "e_step") == {}  # no walk yet: nothing to do


def test_a_failing_step_is_an_error_notice(data, monkeypatch):
    session = controller.press("e_step", _session(data)).session

    def collapse(*args, **kwargs):
        raise ValueError("A covariance matrix is not positive definite.")

    monkeypatch.setattr(gmm_core.em, "m_step", collapse)
    outcome = controller.press("m_step", session)
    assert outcome.session is session and outcome.notice.kind == "error"
    assert "positive definite" in outcome.notice.text()


def test_a_chart_click_selects_a_point_or_toggles_a_starting_mean():
    event = {"selection": {"points": [{"customdata": 7}]}}
    manual = stepper.ManualStart(("data",))
    assert controller.chart_click(event, picking=False, manual=manual, k=3) == {KEYS.point: 7}
    assert controller.chart_click(event, picking=True, manual=manual, k=3) == {KEYS.manual: manual.toggled(7, 3)}
    assert controller.chart_click(None, picking=True, manual=manual, k=3) == {}
    assert controller.manual_for(manual, ("other data",)) == stepper.ManualStart(("other data",))
    assert controller.manual_go(manual, 3) == {}  # not enough points yet


def test_selections_are_kept_within_n_and_k():
    state = {KEYS.point: 450, KEYS.component: 5}
    assert controller.selections_in_range(state, 400, 3) == {KEYS.point: 399, KEYS.component: 0}
    assert controller.selections_in_range({KEYS.point: 12, KEYS.component: 2}, 400, 3) == {}
    assert controller.selections_in_range({}, 400, 3) == {}
