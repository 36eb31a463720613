"""The original script's wrong-on-purpose steps (random weights, rank-1 covariances, 1e-3 updates) act as it did."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from gmm_core import e_step, m_step, run_em
from gmm_core.mistakes import (
    rank_one_covariance,
    seed_script_fit,
    seed_script_fixture,
    seed_script_m_step,
    seed_script_start,
    seed_script_update,
)


@pytest.fixture(scope="module")
def fixture():
    X, labels = seed_script_fixture()
    return X, labels, seed_script_start(X, 3, seed=1)


def test_fixture_is_the_documented_example(fixture):
    X, labels, _ = fixture
    assert X.shape == (1000, 2)
    np.testing.assert_array_equal(np.bincount(labels), [176, 310, 514])


def test_start_matches_the_script(fixture):
    _, _, start = fixture
    # The script drew the weights at random, ignoring the k-means proportions (0.31 0.514 0.176).
    np.testing.assert_allclose(start.weights, [0.2697, 0.3097, 0.4206], atol=1e-4)
    np.testing.assert_allclose(start.means[0], [10.0207, 1.8884], atol=1e-4)


def test_seed_script_log_likelihood_goes_down_on_the_documented_example(fixture):
    X, _, start = fixture
    _, log_likelihoods = seed_script_fit(X, start, n_epochs=100)
    assert log_likelihoods.shape == (101,)
    assert log_likelihoods[0] == pytest.approx(-4.3172, abs=1e-4)
    assert log_likelihoods[10] == pytest.approx(-4.3192, abs=1e-4)
    assert log_likelihoods[50] == pytest.approx(-4.4029, abs=1e-4)
    assert log_likelihoods[100] == pytest.approx(-4.6186, abs=1e-4)
    assert log_likelihoods[100] < log_likelihoods[0] - 0.3


def test_real_em_from_the_same_start_goes_up(fixture):
    X, _, start = fixture
    log_likelihoods = [s.log_likelihood for s in run_em(X, start, max_iter=100, tol=0.0) if s.phase == "E"]
    assert np.all(np.diff(log_likelihoods) >= -1e-12)
    assert log_likelihoods[-1] == pytest.approx(-4.167, abs=1e-3)


def test_one_update_adds_a_thousandth_of_the_m_step(fixture):
    X, _, start = fixture
    after = seed_script_update(X, start)
    _, responsibilities = e_step(X, start)
    correct = m_step(X, responsibilities, reg_covar=0.0)
    np.testing.assert_allclose(after.means, start.means + 1e-3 * correct.means, rtol=1e-9)
    np.testing.assert_allclose(after.means[0], [10.0308, 1.8903], atol=1e-4)
    # The weights barely move although the M-step says 0.31 / 0.514 / 0.176.
    np.testing.assert_allclose(after.weights, [0.2698, 0.3099, 0.4203], atol=1e-4)


def test_rank_one_covariance_is_the_scalar_everywhere(fixture):
    X, _, start = fixture
    _, responsibilities = e_step(X, start)
    wrong = rank_one_covariance(X, responsibilities[:, 0], start.means[0])
    np.testing.assert_allclose(wrong, np.full((2, 2), 2.7893), atol=1e-4)
    eigenvalues = np.linalg.eigvalsh(wrong)
    np.testing.assert_allclose(eigenvalues, [0.0, 5.5785], atol=1e-4)
    correct = m_step(X, responsibilities, reg_covar=0.0).covariances[0]
    np.testing.assert_allclose(correct, [[0.8962, -0.5197], [-0.5197, 1.893]], atol=1e-3)


def test_seed_m_step_weights_and_means_are_right(fixture):
    X, _, start = fixture
    _, responsibilities = e_step(X, start)
    weights, means, covariances = seed_script_m_step(X, responsibilities, start.means)
    correct = m_step(X, responsibilities, reg_covar=0.0)
    np.testing.assert_allclose(weights, correct.weights, rtol=1e-9)
    np.testing.assert_allclose(means, correct.means, rtol=1e-9)
    assert all(np.linalg.matrix_rank(c) == 1 for c in covariances)


def test_update_refuses_other_covariance_types(fixture):
    X, _, start = fixture
    from gmm_core import GMMParams

    diag = GMMParams(start.weights, start.means, np.ones((3, 2)), "diag")
    with pytest.raises(ValueError, match="full"):
        seed_script_update(X, diag)


def test_em_never_imports_the_mistakes():
    source = (Path(__file__).resolve().parents[1] / "gmm_core" / "em.py").read_text()
    imported = {
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module is not None
    }
    assert "gmm_core.mistakes" not in imported and "mistakes" not in source
