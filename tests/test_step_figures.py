"""Figures of the step-through page (its figures, scene and curve modules): deterministic, showing each half-step."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from emlab.shared.figures import histogram_edges, log_likelihood_range
from emlab.shared.layers import blended_colors
from emlab.shared.settings import ViewSettings
from emlab.shared.style import NEUTRAL_POINT, rgba
from emlab.step_through import walk as stepper
from emlab.step_through.controller import rows_from_selection
from emlab.step_through.curve import log_likelihood_figure
from emlab.step_through.figures import pick_figure, step_figure
from emlab.step_through.scene import make_scene
from gmm_core import initialize, prepare, sample_mixture
from tests.plotly_json import decode


@pytest.fixture(scope="module")
def sample():
    return sample_mixture(300, 3, 2, separation=5.0, random_state=3)


@pytest.fixture(scope="module")
def walk(sample):
    data = prepare(sample.X)
    start = stepper.start_walk(data, initialize(data, 3, "random_from_data", random_state=0))
    return stepper.advance_m(stepper.advance_e(start))


def _json(figure):
    return json.loads(figure.to_json())


def ghost_shapes(figure: dict) -> list[dict]:
    """The ellipses before an M-step: dashed shapes beneath the points."""
    return [shape for shape in figure["layout"].get("shapes", []) if shape["line"]["dash"] == "dash"]


def test_same_inputs_give_the_same_figure(sample, walk):
    scene = make_scene(sample.X, ("x1", "x2"), ViewSettings(), sample.params)
    first = step_figure(scene, walk.current, walk.previous).to_json()
    again = step_figure(make_scene(sample.X, ("x1", "x2"), ViewSettings(), sample.params), walk.current, walk.previous)
    assert first == again.to_json()


def test_after_an_m_step_arrows_start_at_the_old_means(sample, walk):
    scene = make_scene(sample.X, ("x1", "x2"), ViewSettings(show_truth=False), None)
    figure = _json(step_figure(scene, walk.current, walk.previous))
    arrows = [a for a in figure["layout"].get("annotations", []) if a["arrowcolor"] != "#ffffff"]
    old, new = walk.previous.params.means, walk.current.params.means
    moved = np.linalg.norm(new - old, axis=1) > 1e-3
    assert len(arrows) == int(moved.sum()) > 0
    assert len(figure["layout"]["annotations"]) == 2 * len(arrows)  # each on a white halo
    tails = np.array([[a["ax"], a["ay"]] for a in arrows])
    heads = np.array([[a["x"], a["y"]] for a in arrows])
    np.testing.assert_allclose(tails, old[moved])
    np.testing.assert_allclose(heads, new[moved])
    assert len(ghost_shapes(figure)) == 6  # K ghost ellipses at 2 levels


def test_an_e_step_draws_no_ghosts_and_marks_the_selected_point(sample, walk):
    scene = make_scene(sample.X, ("x1", "x2"), ViewSettings(), None)
    e_walk = stepper.back(walk)
    figure = _json(step_figure(scene, e_walk.current, e_walk.previous, selected=42))
    assert figure["layout"].get("annotations", []) == []
    assert not ghost_shapes(figure) and len(figure["layout"]["shapes"]) == 6  # the ellipses now, no ghosts
    selected = next(trace for trace in figure["data"] if trace.get("name") == "selected point x_42")
    assert selected["x"][0] == pytest.approx(sample.X[42, 0], rel=1e-6)


def test_every_drawn_point_is_clickable_by_its_row(sample, walk):
    scene = make_scene(sample.X, ("x1", "x2"), ViewSettings(), None)
    figure = step_figure(scene, walk.current, walk.previous)
    clickable = [trace for trace in figure.data if trace.customdata is not None]
    assert len(clickable) == 1 and clickable[0].name == "points"
    np.testing.assert_array_equal(np.asarray(clickable[0].customdata), np.arange(300))
    assert clickable[0].selected.marker.opacity == clickable[0].unselected.marker.opacity == 1  # a click dims nothing


def test_the_points_are_one_trace_in_their_blended_colours(sample, walk):
    # N markers, not (K + 2) x N: one trace whose per-point colour is the blend of the components'.
    scene = make_scene(sample.X, ("x1", "x2"), ViewSettings(), None)
    e_walk = stepper.back(walk)
    figure = _json(step_figure(scene, e_walk.current, e_walk.previous))
    points = [trace for trace in figure["data"] if trace.get("mode") == "markers" and trace.get("customdata")]
    assert len(points) == 1
    assert points[0]["marker"]["color"] == blended_colors(e_walk.current.responsibilities, 300)
    grey = _json(step_figure(scene, walk.steps[0]))  # before the first E-step: one grey for all
    assert [t["marker"]["color"] for t in grey["data"] if t.get("name") == "points"] == [rgba(NEUTRAL_POINT, 0.35)]
    assert blended_colors(None, 1) == ["rgba(154,154,154,0.350)"]  # the same grey, as the blend writes it


def test_every_half_step_draws_the_same_traces_in_the_same_order(sample, walk):
    # The browser then updates the chart in place (plotly.react) instead of building it anew.
    scene = make_scene(sample.X, ("x1", "x2"), ViewSettings(), sample.params)
    e_walk = stepper.back(walk)
    half_steps = [(walk.steps[0], None), (e_walk.current, e_walk.previous), (walk.current, walk.previous)]
    layouts = set()
    for state, previous in half_steps:
        figure = _json(step_figure(scene, state, previous, changed=np.zeros(300, bool), selected=3))
        layouts.add(tuple((trace["type"], trace.get("mode")) for trace in figure["data"]))
    assert len(layouts) == 1


@pytest.mark.parametrize(
    ("event", "rows"),
    [
        ({"selection": {"points": [{"customdata": 17, "x": 1.0}]}}, [17]),
        ({"selection": {"points": [{"customdata": [4]}]}}, [4]),
        ({"selection": {"points": [{"x": 1.0}, {"customdata": 9.0}]}}, [9]),
        ({"selection": {"points": [{"customdata": True}]}}, []),
        ({"selection": {"points": []}}, []),
        (None, []),
        ({}, []),
    ],
)
def test_rows_from_selection(event, rows):
    assert rows_from_selection(event) == rows


def test_pick_figure_numbers_the_chosen_points(sample):
    scene = make_scene(sample.X, ("x1", "x2"), ViewSettings(), None)
    figure = _json(pick_figure(scene, (5, 7), sample.X[[5, 7]].astype(np.float32)))
    picks = next(trace for trace in figure["data"] if trace.get("name") == "chosen starting means")
    assert picks["text"] == ["C1", "C2"]


def test_one_feature_scene_is_a_histogram_with_a_rug(walk):
    values = np.concatenate([np.linspace(-3, -1, 50), np.linspace(2, 5, 70)])
    data = prepare(values)
    one_d = stepper.advance_m(
        stepper.advance_e(stepper.start_walk(data, initialize(data, 2, "kmeans", random_state=0)))
    )
    scene = make_scene(values[:, np.newaxis], ("x",), ViewSettings(), None)
    figure = _json(step_figure(scene, one_d.current, one_d.previous))
    assert figure["data"][0]["type"] == "bar"
    assert scene.one_feature and scene.y_range[0] < 0  # the rug lives below zero
    # The bars follow the app's one histogram rule (emlab.shared.figures.histogram_edges).
    edges = histogram_edges(values)
    assert len(decode(figure["data"][0]["y"])) == len(edges) - 1 == len(scene.bin_heights)
    np.testing.assert_allclose(figure["data"][0]["width"], edges[1] - edges[0])


def test_log_likelihood_curve_keeps_a_huge_first_jump_on_screen():
    iterations = np.arange(1, 6)
    values = np.array([-4.1e6, -4.3, -4.25, -4.2, -4.19])
    figure = _json(log_likelihood_figure(iterations, values, 3))
    low, high = figure["layout"]["yaxis"]["range"]
    assert [low, high] == log_likelihood_range(values)
    assert low > -10 and high > -4.19
    triangle = figure["data"][1]
    assert triangle["text"] == ["-4.1e+06"] and triangle["marker"]["symbol"] == "triangle-down"
    assert triangle["y"] == [low] and decode(figure["data"][0]["y"])[0] == low  # on the bottom edge
    assert decode(figure["data"][0]["customdata"])[0] == -4.1e6  # the hover still reads the true value


def test_an_ordinary_log_likelihood_curve_is_drawn_whole():
    iterations = np.arange(1, 6)
    values = np.array([-5.0, -4.5, -4.3, -4.2, -4.19])
    figure = _json(log_likelihood_figure(iterations, values, 3))
    assert figure["layout"]["yaxis"]["range"] == log_likelihood_range(values)
    assert len(figure["data"]) == 2  # the curve and the marker of the iteration on screen
    np.testing.assert_allclose(decode(figure["data"][0]["y"]), values)


def test_the_unchecked_points_trace_is_what_plotly_would_check(sample, walk):
    # The points trace and the figure skip plotly.py's validation (30 ms of each click's rerun):
    # checking them gives the same JSON, so nothing was skipped that would change a thing.
    scene = make_scene(sample.X, ("x1", "x2"), ViewSettings(), sample.params)
    e_walk = stepper.back(walk)
    figure = step_figure(scene, e_walk.current, e_walk.previous, changed=np.zeros(300, bool), selected=3)
    checked = go.Figure(figure.to_dict())
    assert json.loads(checked.to_json()) == json.loads(figure.to_json())
