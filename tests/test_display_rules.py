"""The display rules every figure follows, each written once in emlab.shared.figures."""

from __future__ import annotations

import numpy as np
import pytest

from emlab.shared.figures import (
    HISTOGRAM_BAR_LIMITS,
    first_value_off_scale,
    histogram_edges,
    log_likelihood_range,
)


@pytest.mark.parametrize("n", [3, 20, 500, 5000, 200_000])
def test_histogram_bar_count_stays_within_limits(n):
    values = np.random.default_rng(0).normal(size=n)
    bars = len(histogram_edges(values)) - 1
    assert HISTOGRAM_BAR_LIMITS[0] <= bars <= HISTOGRAM_BAR_LIMITS[1]


def test_histogram_follows_numpy_auto_between_the_limits():
    values = np.random.default_rng(1).normal(size=400)
    auto = len(np.histogram_bin_edges(values, bins="auto")) - 1
    assert HISTOGRAM_BAR_LIMITS[0] < auto < HISTOGRAM_BAR_LIMITS[1], "the example sits between the limits"
    assert len(histogram_edges(values)) - 1 == auto


def test_a_far_outlier_does_not_explode_the_bin_count():
    values = np.concatenate([np.random.default_rng(2).normal(size=1000) * 1e-6, [1e9]])
    edges = histogram_edges(values)
    assert len(edges) - 1 == HISTOGRAM_BAR_LIMITS[1]
    assert edges[0] <= values.min() and edges[-1] >= values.max()


def test_histogram_of_constant_missing_or_empty_values():
    assert len(histogram_edges([2.0] * 10)) - 1 == HISTOGRAM_BAR_LIMITS[0]
    assert np.all(np.isfinite(histogram_edges([1.0, np.nan, np.inf, 3.0])))
    assert len(histogram_edges([])) - 1 == HISTOGRAM_BAR_LIMITS[0]


def test_a_first_value_from_point_like_components_is_left_off_the_scale():
    climb = np.array([-4e6, -3.2, -3.0, -2.95, -2.94])
    assert first_value_off_scale(climb)
    assert first_value_off_scale([-5.0, -3.0, -2.9, -2.89]), "two nats below a climb of 0.11"
    low, high = log_likelihood_range(climb)
    assert low > -4 and high > -2.94


@pytest.mark.parametrize(
    "values",
    [[-3.8, -3.0, -2.9, -2.89], [-3.5, -3.0], [-10.0], [-2.0, -2.0, -2.0], [-40.0, -30.0, -5.0, -4.0]],
)
def test_an_ordinary_climb_is_drawn_whole(values):
    assert not first_value_off_scale(values)
    low, high = log_likelihood_range(values)
    assert low < min(values) and high > max(values)


def test_empty_curve_has_a_range():
    assert log_likelihood_range([]) == [-1.0, 1.0]
