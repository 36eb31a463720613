"""The animation figures as pure functions: frames, what they carry, and what plotly.js will show.

plotly.js shows a frame by merging it onto its ``baseframe`` chain (``Plots.computeFrame``);
``computed_frame`` below does the same in Python, so the tests check the picture a student sees
at every slider position, not just the JSON.
"""

from __future__ import annotations

import json
import pickle

import numpy as np
import plotly.graph_objects as go
import pytest

from emlab.playground import frames
from emlab.playground.animation import animated_figure, animated_histogram
from emlab.playground.frames import AnimatedFigure, animation_indices, step_label
from emlab.playground.palette import PALETTE_SIZE, point_palette, quantized
from emlab.shared.figures import make_view
from emlab.shared.layers import blended_rgba
from emlab.shared.panels import histogram
from emlab.shared.pipeline import fit_history, load_data
from emlab.shared.settings import DataSettings, ModelSettings, ViewSettings
from emlab.shared.state_figures import state_figure
from emlab.shared.text import t
from tests.plotly_json import decode

DEFAULT_VIEW = ViewSettings()


@pytest.fixture(scope="module")
def default_fit():
    data = load_data(DataSettings())
    return data, fit_history(data, ModelSettings())


@pytest.fixture(scope="module")
def default_spec(default_fit):
    data, history = default_fit
    return json.loads(animated_figure(history, data, DEFAULT_VIEW).to_json())


def computed_frame(spec: dict, name: str) -> dict[int, dict]:
    """Trace index -> merged trace update of frame ``name``, following ``baseframe`` as plotly.js does."""
    frames = {frame["name"]: frame for frame in spec["frames"]}
    chain = [frames[name]]
    while "baseframe" in chain[-1]:
        chain.append(frames[chain[-1]["baseframe"]])
    merged: dict[int, dict] = {}
    for frame in reversed(chain):
        for index, trace in zip(frame["traces"], frame["data"], strict=True):
            merged.setdefault(index, {}).update(trace)
    return merged


def trace_index(spec: dict, name: str) -> int:
    return next(i for i, trace in enumerate(spec["data"]) if trace.get("name") == name)


def palette(spec: dict) -> np.ndarray:
    """(P, 4) RGBA of the point trace's colour scale (alpha in 0..255), checking it has a stop on every index."""
    marker = spec["data"][trace_index(spec, "points")]["marker"]
    stops = marker["colorscale"]
    assert (marker["cmin"], marker["cmax"], marker["showscale"]) == (0, len(stops) - 1, False)
    np.testing.assert_allclose([stop for stop, _ in stops], np.arange(len(stops)) / (len(stops) - 1))
    rgba = [[float(v) for v in colour.removeprefix("rgba(").removesuffix(")").split(",")] for _, colour in stops]
    return np.array(rgba) * [1, 1, 1, 255]


def test_one_frame_per_half_step_named_by_position(default_fit, default_spec):
    _, history = default_fit
    assert [frame["name"] for frame in default_spec["frames"]] == [str(i) for i in range(len(history))]
    assert len(history) == 2 * history[-1].iteration + 1
    steps = default_spec["layout"]["sliders"][0]["steps"]
    assert [step["args"][0] for step in steps] == [[str(i)] for i in range(len(history))]
    assert all(step["method"] == "animate" for step in steps)
    assert all(step["args"][1]["frame"]["redraw"] is False for step in steps)


def test_e_frames_carry_colours_and_m_frames_carry_geometry(default_fit, default_spec):
    _, history = default_fit
    shade_traces = {trace_index(default_spec, "points")}
    marker = trace_index(default_spec, "current iteration")
    means = trace_index(default_spec, "means")
    ellipses = {i for i, trace in enumerate(default_spec["data"]) if trace.get("name", "").endswith("% ellipse")}
    ellipses -= {trace_index(default_spec, "50% ellipse"), trace_index(default_spec, "95% ellipse")}
    assert len(ellipses) == 6
    for state, frame in zip(history[1:], default_spec["frames"][1:], strict=True):
        traces = set(frame["traces"])
        if "baseframe" not in frame:  # a keyframe carries everything
            continue
        if state.phase == "E":
            assert traces == shade_traces | {marker}
        else:
            assert means in traces and ellipses <= traces
            assert not traces & shade_traces
        assert frame["baseframe"] == str(int(frame["name"]) - 1)
    assert sum("baseframe" not in frame for frame in default_spec["frames"]) == 2  # the start and frame 40


def test_every_frame_shows_its_own_state(default_fit, default_spec):
    """Jumping to any slider position shows that half-step's means and colours, however it got there."""
    data, history = default_fit
    view = make_view(data.X, data.feature_names, DEFAULT_VIEW)
    means_index = trace_index(default_spec, "means")
    points = trace_index(default_spec, "points")
    colours = palette(default_spec)
    marker = trace_index(default_spec, "current iteration")
    for position in (0, 1, 2, 7, 8, len(history) - 1):
        state = history[position]
        frame = computed_frame(default_spec, str(position))
        expected_means, _ = view.components(state.params)
        shown = np.column_stack([decode(frame[means_index]["x"]), decode(frame[means_index]["y"])])
        np.testing.assert_allclose(shown, expected_means, rtol=1e-5, atol=1e-5)
        shown_colours = colours[decode(frame[points]["marker"]["color"])]
        exact = quantized(blended_rgba(state.responsibilities, data.n_samples))
        assert np.abs(shown_colours - exact).max() <= 8, "within the palette's measured error of the blend"
        assert np.abs(shown_colours - exact).mean() <= 0.5
        if state.responsibilities is None:
            np.testing.assert_allclose(shown_colours, exact, atol=0.5)  # the grey start is exact
            assert np.isnan(decode(frame[marker]["y"])).all()
        else:
            assert decode(frame[marker]["x"])[0] == state.iteration
            assert decode(frame[marker]["y"])[0] == pytest.approx(state.log_likelihood, rel=1e-6)


def test_keyframes_cut_the_baseframe_chain(monkeypatch):
    monkeypatch.setattr(frames, "KEYFRAME_EVERY", 5)
    data = load_data(DataSettings(n=200))
    history = fit_history(data, ModelSettings(tol=0, max_iter=12))
    spec = json.loads(animated_figure(history, data, DEFAULT_VIEW).to_json())
    complete = [frame["name"] for frame in spec["frames"] if "baseframe" not in frame]
    assert complete == ["0", "5", "10", "15", "20"]
    full = set(spec["frames"][0]["traces"])
    assert all(set(spec["frames"][int(name)]["traces"]) == full for name in complete)


def test_ellipses_at_two_levels_truth_and_fixed_axes(default_spec):
    names = [trace.get("name", "") for trace in default_spec["data"]]
    assert sum("50% ellipse" in name for name in names) == 3 + 1  # one per component, plus the legend entry
    assert sum("95% ellipse" in name for name in names) == 3 + 1
    assert "true components (95%)" in names
    layout = default_spec["layout"]
    for axis in ("xaxis", "yaxis", "xaxis2", "yaxis2"):
        assert layout[axis]["autorange"] is False
        assert len(layout[axis]["range"]) == 2


def test_truth_toggle_removes_the_dashed_ellipses(default_fit):
    data, history = default_fit
    spec = json.loads(animated_figure(history, data, ViewSettings(show_truth=False)).to_json())
    assert "true components (95%)" not in [trace.get("name") for trace in spec["data"]]


def test_frames_use_typed_arrays_not_colour_strings(default_spec):
    frame = default_spec["frames"][1]
    colours = frame["data"][0]["marker"]["color"]
    assert colours["dtype"] == "u1"
    geometry = default_spec["frames"][2]["data"][0]
    assert geometry["x"]["dtype"] == "f4"
    assert "#" not in json.dumps(default_spec["frames"])


def test_payload_for_2000_points_4_components_50_iterations_is_under_1_5_mb():
    data = load_data(DataSettings(n=2000, k_true=4))
    history = fit_history(data, ModelSettings(k=4, tol=0, max_iter=50))
    figure = animated_figure(history, data, DEFAULT_VIEW)
    assert len(figure.frames) == 101
    assert len(figure.to_json()) <= 1_500_000


def test_same_inputs_give_byte_identical_json(default_fit):
    data, history = default_fit
    first, second = (animated_figure(history, data, DEFAULT_VIEW).to_json() for _ in range(2))
    assert first == second


def test_long_runs_are_thinned_keeping_pairs_and_the_end(monkeypatch):
    monkeypatch.setattr(frames, "FRAME_BYTES_BUDGET", 10_000)
    monkeypatch.setattr(frames, "MIN_ANIMATED_ITERATIONS", 10)
    data = load_data(DataSettings(n=300))
    history = fit_history(data, ModelSettings(tol=0, max_iter=60))
    indices = animation_indices(history, 300, 3)
    kept = [history[i] for i in indices]
    iterations = sorted({state.iteration for state in kept} - {0})
    assert kept[0].phase == "init" and indices[-1] == len(history) - 1
    assert len(iterations) == 10 and iterations[:5] == [1, 2, 3, 4, 5]
    assert all([s.phase for s in kept if s.iteration == i] == ["E", "M"] for i in iterations)
    spec = json.loads(animated_figure(history, data, DEFAULT_VIEW).to_json())
    assert [frame["name"] for frame in spec["frames"]] == [str(i) for i in indices]


def test_subset_rows_shade_only_the_drawn_points(default_fit):
    data, history = default_fit
    rows = np.arange(0, data.n_samples, 5)
    spec = json.loads(animated_figure(history, data, DEFAULT_VIEW, rows=rows).to_json())
    assert len(decode(spec["frames"][1]["data"][0]["marker"]["color"])) == len(rows)


@pytest.mark.parametrize("projection", ["features", "pca"])
def test_four_features_show_a_2d_view(projection):
    data = load_data(DataSettings(source="iris"))
    history = fit_history(data, ModelSettings(max_iter=5))
    view = ViewSettings(projection=projection, x_feature=2, y_feature=3)
    spec = json.loads(animated_figure(history, data, view).to_json())
    title = spec["layout"]["xaxis"]["title"]["text"]
    assert title.startswith("PC1") if projection == "pca" else title == data.feature_names[2]
    assert len(spec["frames"]) == len(history)


def test_one_feature_gives_an_animated_histogram():
    data = load_data(DataSettings(d=1))
    history = fit_history(data, ModelSettings())
    figure = animated_figure(history, data, DEFAULT_VIEW)
    spec = json.loads(figure.to_json())
    heights, edges = histogram(data.X[:, 0], density=True)
    area = spec["data"][0]
    # plotly.js drops bar traces from a figure animated with redraw: False (the bars vanished as Play
    # started), so the histogram is a filled step outline: the same gapless bars, kept while playing.
    assert not any(trace["type"] == "bar" for trace in spec["data"])
    assert area["fill"] == "tozeroy" and area["line"]["shape"] == "hv" and area["line"]["width"] == 0
    np.testing.assert_allclose(decode(area["x"]), edges, rtol=1e-6)
    np.testing.assert_allclose(decode(area["y"]), np.append(heights, heights[-1]), rtol=1e-6)
    assert not any(0 in frame["traces"] for frame in spec["frames"]), "no frame touches the histogram"
    names = [trace.get("name") for trace in spec["data"]]
    assert "mixture density" in names and "true components (weighted)" in names
    assert len(spec["frames"]) == len(history)
    mixture = names.index("mixture density")
    last = computed_frame(spec, str(len(history) - 1))
    heights = decode(last[mixture]["y"])
    assert heights.max() > 0 and np.isfinite(heights).all()
    assert animated_histogram(history, data, DEFAULT_VIEW).to_json() == figure.to_json()


def test_step_labels_name_the_half_step(default_fit):
    _, history = default_fit
    assert "Start" in step_label(history[0])
    assert "Iteration 1" in step_label(history[1]) and "E-step" in step_label(history[1])
    assert "M-step" in step_label(history[2])
    assert "converged" in step_label(history[-1])


def test_one_state_as_a_light_still_figure(default_fit):
    """One point trace in blended colours (N markers, not K x N), the means, legend entries, ellipses as shapes."""
    data, history = default_fit
    spec = json.loads(state_figure(history[5], data, DEFAULT_VIEW).to_json())
    n_components = history[5].params.n_components
    point_traces = [trace for trace in spec["data"] if len(decode(trace["x"])) == data.n_samples]
    assert len(point_traces) == 1
    assert len(set(point_traces[0]["marker"]["color"])) > n_components, "soft colours blend the components"
    assert any(trace["name"] == "means" for trace in spec["data"])
    assert len(spec["layout"]["shapes"]) == 2 * n_components, "a 50% and a 95% ellipse per component"
    assert len(spec["data"]) <= 1 + 1 + 1 + n_components + 2


def test_no_emoji_in_any_text(default_spec):
    text = json.dumps(default_spec["layout"]) + json.dumps([t.get("name", "") for t in default_spec["data"]])
    assert not [c for c in text if ord(c) >= 0x2190 and c not in "·"]


@pytest.mark.parametrize("d", [1, 2])
def test_frames_pass_plotlys_own_validation(d):
    """Frames are attached unvalidated for speed; building a plain go.Figure from them validates everything."""
    data = load_data(DataSettings(d=d))
    history = fit_history(data, ModelSettings(max_iter=4))
    figure = animated_figure(history, data, DEFAULT_VIEW)
    validated = go.Figure(figure.to_dict())
    assert len(validated.frames) == len(history)
    validated_frames = json.loads(validated.to_json())["frames"]
    for frame in validated_frames:  # validation only adds each trace's type
        for trace in frame["data"]:
            assert trace.pop("type") == "scatter"
    assert validated_frames == json.loads(figure.to_json())["frames"]


def test_a_pickled_figure_gives_the_same_json(default_fit):
    data, history = default_fit
    figure = animated_figure(history, data, DEFAULT_VIEW)
    copy = pickle.loads(pickle.dumps(figure))
    assert isinstance(copy, AnimatedFigure)
    assert copy.to_json() == figure.to_json()


def test_a_start_far_below_the_climb_is_left_off_the_panel_and_noted(default_fit, default_spec):
    data, _ = default_fit
    history = fit_history(data, ModelSettings(after_first_m_step=False))  # K single points: about -4e6
    spec = json.loads(animated_figure(history, data, DEFAULT_VIEW).to_json())
    first = history[1].log_likelihood
    low, high = spec["layout"]["yaxis2"]["range"]
    assert first < low < history[3].log_likelihood <= history[-1].log_likelihood < high
    notes = [note["text"] for note in spec["layout"]["annotations"]]
    assert notes == [t("anim.ll_clipped", value=f"{first:.3g}")]
    close_start = fit_history(data, ModelSettings(init="kmeans"))
    spec = json.loads(animated_figure(close_start, data, DEFAULT_VIEW).to_json())
    low, _ = spec["layout"]["yaxis2"]["range"]
    assert low < close_start[1].log_likelihood and not spec["layout"].get("annotations")


@pytest.mark.parametrize("d", [1, 2])
def test_all_points_are_one_trace_coloured_by_palette_index(d):
    """N markers, not (K + 1) x N: one trace holds every point (2-D scatter or 1-D rug), no hover, no legend."""
    data = load_data(DataSettings(d=d))
    history = fit_history(data, ModelSettings(max_iter=4))
    spec = json.loads(animated_figure(history, data, DEFAULT_VIEW).to_json())
    with_n_points = [trace for trace in spec["data"] if "x" in trace and len(decode(trace["x"])) == data.n_samples]
    assert [trace["name"] for trace in with_n_points] == ["points"]
    points = with_n_points[0]
    assert points["hoverinfo"] == "skip" and points["showlegend"] is False and points["mode"] == "markers"
    assert decode(points["marker"]["color"]).dtype == np.uint8
    assert len(palette(spec)) <= PALETTE_SIZE


def test_the_palette_is_exact_for_few_colours_and_close_for_many():
    grey = blended_rgba(None, 3)
    few = [grey, blended_rgba(np.eye(3), 3)]
    entries, indices = point_palette(few)
    for colours, index in zip(few, indices, strict=True):
        np.testing.assert_array_equal(entries[index], quantized(colours))
    one_colour, (index,) = point_palette([grey])
    assert len(one_colour) == 2 and not index.any(), "two stops, so the colour scale has a span"

    rng = np.random.default_rng(1)
    many = [blended_rgba(rng.dirichlet(np.full(5, 0.3), 2000), 2000) for _ in range(10)]
    entries, indices = point_palette(many)
    assert len(entries) == PALETTE_SIZE
    error = np.abs(np.concatenate([entries[i].astype(int) - quantized(c) for c, i in zip(many, indices, strict=True)]))
    # Spread-out random responsibilities, harder than EM's (most points owned): measured 15 and 2.3.
    assert error.max() <= 20 and error.mean() <= 3, (error.max(), error.mean())


@pytest.mark.parametrize("d", [2, 1])
def test_legend_entries_sit_outside_the_panel(d):
    # Play transitions every scatter trace of the panel; a legend entry's point at None was faded in
    # and out at the panel's top-left corner on every frame. Outside the fixed ranges it is clipped.
    data = load_data(DataSettings(d=d))
    spec = json.loads(animated_figure(fit_history(data, ModelSettings()), data, DEFAULT_VIEW).to_json())
    (x_low, _), (y_low, _) = spec["layout"]["xaxis"]["range"], spec["layout"]["yaxis"]["range"]
    entries = [trace for trace in spec["data"] if trace.get("showlegend") is not False and "xaxis" not in trace]
    single = [trace for trace in entries if len(trace["x"]) == 1]
    assert len(single) >= 3, "the component legend entries"
    assert all(trace["x"][0] < x_low and trace["y"][0] < y_low for trace in single)
