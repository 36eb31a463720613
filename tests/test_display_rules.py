"""The display rules every figure follows, each written once in the shared layer (figures, panels, style)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from emlab.shared.figures import (
    HISTOGRAM_BAR_LIMITS,
    first_value_off_scale,
    histogram_edges,
    log_likelihood_range,
    shown_rows,
)
from emlab.shared.panels import density_grid, histogram, histogram_bar
from emlab.shared.settings import DISPLAY_POINT_LIMIT
from emlab.shared.style import figure_style
from tests.plotly_json import decode


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


def test_every_chart_draws_the_same_rows_of_a_large_data_set():
    small, large = shown_rows(200), shown_rows(3 * DISPLAY_POINT_LIMIT)
    np.testing.assert_array_equal(small, np.arange(200))
    assert len(large) == DISPLAY_POINT_LIMIT and np.all(np.diff(large) > 0)
    np.testing.assert_array_equal(large, shown_rows(3 * DISPLAY_POINT_LIMIT))


def test_density_grid_reaches_past_the_data_on_both_sides():
    grid = density_grid(np.array([2.0, 4.0, 12.0]), 11)
    assert len(grid) == 11 and grid[0] == pytest.approx(2.0 - 0.8) and grid[-1] == pytest.approx(12.0 + 0.8)
    flat = density_grid(np.array([5.0, 5.0]), 3)
    assert flat[0] < 5.0 < flat[-1]


def test_histogram_bars_follow_the_shared_bin_rule():
    values = np.random.default_rng(3).normal(size=400)
    heights, edges = histogram(values, density=True)
    np.testing.assert_array_equal(edges, histogram_edges(values))
    assert np.sum(heights * np.diff(edges)) == pytest.approx(1.0)
    bar = histogram_bar(heights, edges)
    assert len(bar.x) == len(heights) and bar.width == pytest.approx(edges[1] - edges[0])
    counts, same_edges = histogram(values[:50], density=False, edges=edges)
    assert same_edges is not None and counts.sum() == np.count_nonzero(values[:50] >= edges[0])


def test_every_figure_shares_template_and_font():
    style, large = figure_style(False), figure_style(True)
    assert style["template"] == large["template"] == "plotly_white"
    assert large["font"]["size"] > style["font"]["size"] and style["font"]["family"] == large["font"]["family"]


def test_every_one_feature_histogram_in_the_app_uses_the_shared_bins():
    from emlab.choose_k.figures import one_feature_figure
    from emlab.playground.animation import animated_figure
    from emlab.shared.pipeline import fit_history, load_data
    from emlab.shared.settings import DataSettings, ModelSettings, ViewSettings
    from emlab.story.figures import samples_histogram
    from emlab.your_data.figures import preview_figure

    data = load_data(DataSettings(d=1, n=5000, k_true=4))  # sqrt(N) would give 60 bars, numpy's "auto" 14
    history = fit_history(data, ModelSettings(k=2, max_iter=3))
    expected = histogram_edges(data.X[:, 0])
    # The Playground animates, and plotly.js drops bars from an animated figure: its histogram is a
    # filled step outline over the same edges (emlab.shared.panels.histogram_area).
    steps = json.loads(animated_figure(history, data, ViewSettings()).to_json())["data"][0]
    assert steps["fill"] == "tozeroy"
    np.testing.assert_allclose(decode(steps["x"]), expected, rtol=1e-6)
    figures = {
        "story": samples_histogram(data),
        "choose_k": one_feature_figure(data, history[-1].params),
        "your_data": preview_figure(data.X, data.feature_names),
    }
    for name, figure in figures.items():
        bars = [trace for trace in json.loads(figure.to_json())["data"] if trace["type"] == "bar"]
        assert bars, name
        for bar in bars:  # x as a list or as plotly's typed array (a still figure's)
            assert len(decode(bar["x"])) == len(expected) - 1, name
            assert bar["width"] == pytest.approx(expected[1] - expected[0]), name
