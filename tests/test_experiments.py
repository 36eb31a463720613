"""The pitfall experiments and the generative-story numbers in gmm_core."""

from __future__ import annotations

import numpy as np
import pytest

from gmm_core import adjusted_rand_index, log_likelihood, sample_mixture
from gmm_core.experiments import (
    align_components,
    collapse_example,
    fits_from_seeds,
    hard_vs_soft,
    random_data_means,
    run_em_guarded,
)
from gmm_core.story import dirichlet_draws, expected_counts


def test_point_collapse_breaks_without_reg_covar():
    X, start = collapse_example("point")
    run = run_em_guarded(X, start, reg_covar=0.0, max_iter=60)
    assert run.error is not None and "positive definite" in run.error
    assert len(run.log_likelihoods) < 10
    assert np.all(np.diff(run.log_likelihoods) > 0)


def test_line_collapse_climbs_further_the_smaller_reg_covar():
    X, start = collapse_example("line")
    finals = []
    for reg_covar in (1e-1, 1e-4, 1e-8, 0.0):
        run = run_em_guarded(X, start, reg_covar=reg_covar, max_iter=40)
        assert run.error is None
        finals.append(run.log_likelihoods[-1])
    assert np.all(np.diff(finals) > 0.05)
    smallest_variance = np.linalg.eigvalsh(run.final.params.covariances[1])[0]
    assert smallest_variance < 1e-20


def test_collapse_example_rejects_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        collapse_example("plane")


def test_fits_from_seeds_reach_different_optima():
    sample = sample_mixture(600, 6, separation=3.0, elongation=2.5, concentration=10, random_state=0)
    fits = fits_from_seeds(sample.X, 6, range(12))
    assert [f.seed for f in fits] == list(range(12))
    values = np.array([f.log_likelihood for f in fits])
    assert np.all(np.isfinite(values))
    assert values.max() - values.min() > 0.05
    best = fits[int(np.argmax(values))]
    assert log_likelihood(sample.X, best.params) == pytest.approx(best.log_likelihood)
    np.testing.assert_allclose(best.responsibilities.sum(axis=1), 1.0)


def test_fits_from_seeds_reports_a_failed_run_instead_of_raising():
    X, _ = collapse_example("point")
    fits = fits_from_seeds(X, 5, [0], init="k-means++", reg_covar=0.0, max_iter=50)
    # k-means++ starts every component as a point (covariance = reg_covar = 0): not positive definite.
    assert len(fits) == 1
    assert fits[0].params is None and np.isnan(fits[0].log_likelihood)
    assert "positive definite" in fits[0].error


def test_align_components_undoes_a_permutation():
    sample = sample_mixture(300, 3, random_state=1)
    params = sample.params
    shuffled = params.permuted([2, 0, 1])
    aligned, order = align_components(params, shuffled)
    assert aligned.allclose(params)
    np.testing.assert_array_equal(order, [1, 2, 0])
    assert log_likelihood(sample.X, shuffled) == pytest.approx(log_likelihood(sample.X, params))


def test_align_components_needs_equal_sizes():
    sample = sample_mixture(100, 3, random_state=1)
    with pytest.raises(ValueError, match="same number"):
        align_components(sample.params, sample_mixture(100, 2, random_state=1).params)


def test_em_beats_kmeans_on_elongated_overlapping_clusters():
    sample = sample_mixture(600, 3, separation=2.5, elongation=6.0, concentration=10, random_state=0)
    start = random_data_means(sample.X, 3, seed=0)
    result = hard_vs_soft(sample.X, start)
    np.testing.assert_array_equal(result.start_means, start)
    kmeans_score = adjusted_rand_index(sample.labels, result.kmeans_labels)
    em_score = adjusted_rand_index(sample.labels, result.em_responsibilities.argmax(axis=1))
    assert em_score > kmeans_score + 0.3


def test_random_data_means_are_distinct_rows():
    X = np.arange(20.0).reshape(10, 2)
    means = random_data_means(X, 4, seed=3)
    assert len({tuple(m) for m in means}) == 4
    assert all(any(np.array_equal(m, row) for row in X) for m in means)


def test_dirichlet_draws_concentrate_with_alpha():
    spread = dirichlet_draws(0.1, 3, 2000, random_state=0)
    even = dirichlet_draws(100.0, 3, 2000, random_state=0)
    np.testing.assert_allclose(spread.sum(axis=1), 1.0)
    assert spread.max(axis=1).mean() > 0.85
    assert even.max(axis=1).mean() < 0.4


def test_dirichlet_draws_reject_bad_concentration():
    with pytest.raises(ValueError, match="concentration"):
        dirichlet_draws(0.0, 3, 10)


def test_expected_counts():
    mean, std = expected_counts(1000, [0.2, 0.3, 0.5])
    np.testing.assert_allclose(mean, [200, 300, 500])
    np.testing.assert_allclose(std, np.sqrt([160, 210, 250]))
    with pytest.raises(ValueError):
        expected_counts(10, [0.5, 0.6])
