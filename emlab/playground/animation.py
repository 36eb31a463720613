"""The EM animation: one plotly figure with a frame per half-step, played in the browser.

Every picture here is a pure function of an EM history (the list of frozen ``EMState`` from
``gmm_core.em_steps``), the data, and the view settings. No Streamlit.

How the frames stay small and still correct
-------------------------------------------
A half-step changes one of two things: an E-step changes the responsibilities (the point
colours and the log-likelihood marker), an M-step changes the parameters (ellipses, means and
their trails). Each frame therefore carries only the part that changed since the frame before
it and names that frame as its ``baseframe``; plotly.js merges the chain when it shows a frame.
Playing, scrubbing the slider or jumping to any step thus always shows one consistent state,
while the payload holds each number once. Every ``KEYFRAME_EVERY`` frames a complete frame cuts
the chain, so the merge stays short however long EM runs.

Frames are plain JSON-ready dicts whose arrays are already plotly typed arrays (base64), and
:class:`AnimatedFigure` attaches them without plotly.py's per-property validation: validating,
copying or unpickling a few hundred frames otherwise takes seconds (``st.cache_data`` unpickles
on every rerun). The tests validate the whole figure once with plotly's own validators.

Trace layout (fixed, so frames can address traces by index): static traces first (grey data,
truth), then the point-shade traces, ellipses, trails, means, then the log-likelihood curve and
its moving marker in the narrow right panel, then legend-only entries.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from emlab.shared.figures import (
    ELLIPSE_LEVELS,
    OUTLINE_POINTS,
    View2D,
    axis_ranges,
    base_layout,
    ellipse_traces,
    legend_entries,
    log_likelihood_range,
    make_view,
    mean_trace,
    point_traces,
    responsibility_shades,
    truth_traces,
)
from emlab.shared.pipeline import LoadedData
from emlab.shared.settings import ViewSettings
from emlab.shared.style import (
    FONT_FAMILY,
    NEUTRAL_POINT,
    TRUTH_COLOR,
    component_color,
    component_name,
    component_symbol,
    rgba,
    sizes,
)
from emlab.shared.text import t
from gmm_core import EMState, GMMParams, component_densities_1d, ellipse_outlines

TRAIL_LENGTH = 6
CONTROLS_Y = -0.13  # play buttons and slider, in paper units below the axes
SHADE_TOP = 250
# A white halo around the C1, C2, ... labels so they stay readable over points of their own colour.
LABEL_OUTLINE = "1px 1px 2px white, -1px -1px 2px white, 1px -1px 2px white, -1px 1px 2px white"
KEYFRAME_EVERY = 40
# Browser-side payload the frames may use; longer runs show fewer (evenly spaced) iterations.
FRAME_BYTES_BUDGET = 3_000_000
MIN_ANIMATED_ITERATIONS = 30
PLAY_SPEEDS = {"play": (450, 300), "slow": (1200, 800)}  # (ms per half-step, ms of movement)
HISTOGRAM_GRID_POINTS = 160
HISTOGRAM_BINS = (15, 60)  # fewest and most bars, sqrt(N) in between
RUG_FRACTION = 0.16


# --------------------------------------------------------------------------- which states become frames


def animation_indices(history: list[EMState], n_points: int, n_components: int) -> np.ndarray:
    """Indices of the half-steps that become frames: all of them when the payload allows.

    When EM ran long enough that every half-step would not fit ``FRAME_BYTES_BUDGET``, the
    first iterations (where the action is) are kept and the rest are thinned evenly; the E and
    M halves of a kept iteration stay together and the last state is always kept.
    """
    last_iteration = history[-1].iteration
    bytes_per_iteration = 1.4 * n_components * n_points + 900 * n_components + 1500
    allowed = max(MIN_ANIMATED_ITERATIONS, int(FRAME_BYTES_BUDGET // bytes_per_iteration))
    if last_iteration <= allowed:
        return np.arange(len(history))
    head = allowed // 2
    tail = np.linspace(head + 1, last_iteration, allowed - head).round().astype(int)
    kept = set(range(1, head + 1)) | set(tail.tolist())
    return np.array([i for i, state in enumerate(history) if state.phase == "init" or state.iteration in kept])


def step_label(state: EMState) -> str:
    """What a half-step did, in words (the slider shows it as the animation plays)."""
    if state.phase == "init":
        return t("anim.label.init")
    key = "anim.label.E" if state.phase == "E" else "anim.label.M"
    return t(key, iteration=state.iteration) + (t("anim.label.converged") if state.converged else "")


# --------------------------------------------------------------------------- one state as traces


def component_geometry(params: GMMParams, view: View2D) -> tuple[np.ndarray, np.ndarray]:
    """Means (K, 2) and covariances (K, 2, 2) of the components as seen in ``view``."""
    return view.components(params)


def state_traces(
    state: EMState, points: np.ndarray, view: View2D, *, large: bool = False, rows: np.ndarray | None = None
) -> list[go.Scatter]:
    """One EM state drawn as traces: soft-coloured points, ellipses at two levels, means.

    Parameters
    ----------
    state : EMState
    points : ndarray of shape (M, 2)
        The displayed points, already seen through ``view``.
    view : View2D
    large : bool
        Presentation mode sizes.
    rows : ndarray of int, optional
        Which samples ``points`` are (for a display subset); all when omitted.
    """
    n_components = state.params.n_components
    responsibilities = state.responsibilities
    if responsibilities is not None and rows is not None:
        responsibilities = responsibilities[rows]
    shades = responsibility_shades(responsibilities, n_components, len(points))
    means, covariances = component_geometry(state.params, view)
    return [
        *point_traces(points, shades, large=large),
        *ellipse_traces(means, covariances, large=large),
        mean_trace(means, large=large),
    ]


def state_figure(
    state: EMState, data: LoadedData, view_settings: ViewSettings, *, rows: np.ndarray | None = None
) -> go.Figure:
    """A still picture of one EM state (2-D or more features): points, ellipses, means, truth."""
    view = make_view(data.X, data.feature_names, view_settings)
    X = data.X if rows is None else data.X[rows]
    points = view.points(X)
    large = view_settings.large
    means, _ = component_geometry(state.params, view)
    traces = []
    if view_settings.show_truth:
        traces += truth_traces(data.true_params, view, large=large)
    traces += state_traces(state, points, view, large=large, rows=rows)
    traces += legend_entries(state.params.n_components, large=large)
    x_range, y_range = axis_ranges(points, means)
    figure = go.Figure(data=traces)
    figure.update_layout(base_layout(x_range, y_range, view.x_title, view.y_title, large=large))
    return figure


# --------------------------------------------------------------------------- the animated figures


@dataclass(frozen=True)
class _Parts:
    """Trace indices of the two parts a frame may update, and whether the frames are complete."""

    responsibility: list[int]
    parameter: list[int]

    @classmethod
    def for_layout(cls, n_static: int, n_components: int, n_component_traces: int) -> _Parts:
        """Indices for traces laid out as [static, shades (K), component traces, LL curve, LL marker, ...]."""
        shades_end = n_static + n_components
        return cls(
            responsibility=[*range(n_static, shades_end), shades_end + n_component_traces + 1],
            parameter=list(range(shades_end, shades_end + n_component_traces)),
        )


class AnimatedFigure(go.Figure):
    """A ``go.Figure`` whose frames are ready-made JSON, attached as they are (see module docstring).

    Traces and layout go through plotly.py's validation as usual; the frames (plain dicts of
    typed arrays) do not, and a pickled copy is rebuilt without validating anything again.
    """

    def __init__(self, data=None, layout=None, frames=(), **kwargs):
        super().__init__(data=data, layout=layout, **kwargs)
        self._frame_objs = tuple(go.Frame(frame, _validate=False) for frame in frames)

    def __reduce__(self):
        return _rebuild_animated_figure, (self.to_dict(),)


def _rebuild_animated_figure(props: dict) -> AnimatedFigure:
    return AnimatedFigure(props["data"], props["layout"], props.get("frames", ()), _validate=False)


def typed_array(values, dtype: str = "f4") -> dict:
    """``values`` as a plotly.js typed array (what plotly.py writes for numpy arrays), ready for JSON."""
    array = np.ascontiguousarray(values, dtype=np.dtype(dtype))
    return {"dtype": dtype, "bdata": base64.b64encode(array.tobytes()).decode("ascii")}


def _xy(x, y) -> dict:
    return {"x": typed_array(x), "y": typed_array(y)}


def _frames_and_slider(
    history: list[EMState],
    indices: np.ndarray,
    parts: _Parts,
    responsibility_update,
    parameter_update,
    *,
    large: bool,
) -> tuple[list[dict], dict, list[dict]]:
    """Frames (each carrying only what changed, chained by ``baseframe``), the slider and buttons."""
    frames: list[dict] = []
    previous: EMState | None = None
    for position, index in enumerate(indices):
        state = history[index]
        complete = previous is None or position % KEYFRAME_EVERY == 0
        data, traces = [], []
        if complete or state.responsibilities is not previous.responsibilities:
            data += responsibility_update(index)
            traces += parts.responsibility
        if complete or state.params is not previous.params:
            data += parameter_update(index)
            traces += parts.parameter
        frame = {"data": data, "traces": traces, "name": str(index)}
        if not complete:
            frame["baseframe"] = frames[-1]["name"]
        frames.append(frame)
        previous = state
    size = sizes(large)
    steps = [
        {
            "method": "animate",
            "label": step_label(history[index]),
            "args": [
                [str(index)],
                {"mode": "immediate", "frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}},
            ],
        }
        for index in indices
    ]
    slider = {
        "active": 0,
        "steps": steps,
        "x": 0.32 if large else 0.24,  # right of the buttons, which grow with the font
        "len": 0.68 if large else 0.76,
        "y": CONTROLS_Y,
        "yanchor": "top",
        "pad": {"t": 0, "b": 0},
        "ticklen": 0,
        "minorticklen": 0,
        "tickcolor": "rgba(0,0,0,0)",
        "font": {"color": "rgba(0,0,0,0)", "size": 4},
        "currentvalue": {
            "visible": True,
            "prefix": "",
            "xanchor": "left",
            "offset": 12,
            "font": {"size": size["title"], "color": "#222222"},
        },
    }
    buttons = [_play_button(t("anim.play"), *PLAY_SPEEDS["play"])]
    buttons.append(_play_button(t("anim.slow"), *PLAY_SPEEDS["slow"]))
    buttons.append(
        {
            "label": t("anim.pause"),
            "method": "animate",
            "args": [
                [None],
                {"mode": "immediate", "frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}},
            ],
        }
    )
    menu = {
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0.0,
        "xanchor": "left",
        "y": CONTROLS_Y,
        "yanchor": "top",
        "pad": {"t": 30, "r": 8},
        "font": {"size": size["font"]},
        "buttons": buttons,
    }
    return frames, slider, [menu]


def _play_button(label: str, frame_ms: int, move_ms: int) -> dict:
    return {
        "label": label,
        "method": "animate",
        "args": [
            None,
            {
                "mode": "immediate",
                "fromcurrent": True,
                "frame": {"duration": frame_ms, "redraw": False},
                "transition": {"duration": move_ms, "easing": "cubic-in-out"},
            },
        ],
    }


def _log_likelihood_panel(history: list[EMState], large: bool) -> tuple[list[go.Scatter], dict, dict, list[dict]]:
    """The static log-likelihood curve (one point per iteration), its marker, the panel's axes and notes."""
    iterations = np.array([s.iteration for s in history if s.phase == "E"], dtype=np.float32)
    values = np.array([s.log_likelihood for s in history if s.phase == "E"], dtype=np.float64)
    size = sizes(large)
    curve = go.Scatter(
        x=iterations,
        y=values.astype(np.float32),
        mode="lines+markers",
        name=t("anim.ll_name"),
        showlegend=False,
        line={"color": "#444444", "width": size["line"] * 0.8},
        marker={"size": size["point"] * 0.7, "color": "#444444"},
        hovertemplate=t("anim.ll_hover") + "<extra></extra>",
        xaxis="x2",
        yaxis="y2",
    )
    marker = go.Scatter(
        x=np.array([np.nan], dtype=np.float32),
        y=np.array([np.nan], dtype=np.float32),
        mode="markers",
        name=t("anim.ll_marker"),
        showlegend=False,
        hoverinfo="skip",
        cliponaxis=False,
        marker={"size": size["mean"], "color": "#D55E00", "symbol": "circle-open", "line": {"width": 3}},
        xaxis="x2",
        yaxis="y2",
    )
    x_axis = {
        "domain": [0.76, 1.0],
        "anchor": "y2",
        "range": [0.5, max(float(iterations.max(initial=1.0)), 2.0) + 0.5],
        "autorange": False,
        "title": {"text": t("anim.ll_x")},
        "zeroline": False,
    }
    y_range = log_likelihood_range(values)
    y_axis = {
        "anchor": "x2",
        "range": y_range,
        "autorange": False,
        "title": {"text": t("anim.ll_y"), "standoff": 4},
        "zeroline": False,
    }
    notes = []
    if values.size and values[0] < y_range[0]:
        notes.append(
            {
                "text": t("anim.ll_clipped", value=f"{values[0]:.3g}"),
                "xref": "x2 domain",  # bottom right: the climbing curve is high there
                "yref": "y2 domain",
                "x": 0.98,
                "y": 0.02,
                "xanchor": "right",
                "yanchor": "bottom",
                "showarrow": False,
                "align": "right",
                "font": {"size": size["font"] * 0.75, "color": "#555555"},
            }
        )
    return [curve, marker], x_axis, y_axis, notes


def _log_likelihood_marker_update(state: EMState) -> dict:
    if state.log_likelihood is None:
        return _xy([np.nan], [np.nan])
    return _xy([state.iteration], [state.log_likelihood])


def _shade_updates(shades: np.ndarray) -> list[dict]:
    # 250 instead of 255 for full ownership: bytes 252-255 encode to "/" in base64, which the JSON
    # writer escapes as six characters, and most points are fully owned (visually no difference).
    return [{"marker": {"color": typed_array(np.minimum(shade, SHADE_TOP), "u1")}} for shade in shades]


def _trail(means_by_params: list[np.ndarray], position: int) -> np.ndarray:
    """(K, TRAIL_LENGTH, 2): the last positions of each mean up to ``position``, oldest first."""
    start = max(0, position - TRAIL_LENGTH + 1)
    recent = means_by_params[start : position + 1]
    recent = [recent[0]] * (TRAIL_LENGTH - len(recent)) + recent
    return np.stack(recent, axis=1).astype(np.float32)


def _trail_traces(trail: np.ndarray, large: bool) -> list[go.Scatter]:
    size = sizes(large)
    fade = np.linspace(0.15, 0.7, TRAIL_LENGTH, dtype=np.float32)
    return [
        go.Scatter(
            x=path[:, 0],
            y=path[:, 1],
            mode="lines+markers",
            name=f"{component_name(k)} trail",
            showlegend=False,
            hoverinfo="skip",
            line={"color": rgba(component_color(k), 0.45), "width": size["line"] * 0.8},
            marker={"size": size["point"], "color": component_color(k), "opacity": fade, "symbol": "circle"},
        )
        for k, path in enumerate(trail)
    ]


def _trail_legend_entry(large: bool) -> go.Scatter:
    return go.Scatter(
        x=[None],
        y=[None],
        mode="lines+markers",
        name=t("anim.trail"),
        line={"color": "rgba(80,80,80,0.45)", "width": sizes(large)["line"] * 0.8},
        marker={"color": "#505050", "size": sizes(large)["point"], "opacity": 0.6},
    )


def _params_sequence(history: list[EMState]) -> tuple[list[GMMParams], np.ndarray]:
    """The distinct parameter sets in order, and for each state the position of its parameters."""
    distinct: list[GMMParams] = []
    positions = np.empty(len(history), dtype=int)
    for i, state in enumerate(history):
        if not distinct or state.params is not distinct[-1]:
            distinct.append(state.params)
        positions[i] = len(distinct) - 1
    return distinct, positions


def _ellipse_updates(means: np.ndarray, covariances: np.ndarray) -> list[dict]:
    updates = []
    for level in ELLIPSE_LEVELS:
        for outline in ellipse_outlines(means, covariances, level, OUTLINE_POINTS):
            updates.append(_xy(outline[:, 0], outline[:, 1]))
    return updates


def _figure_layout(large: bool, height: int) -> dict:
    return {
        "updatemenus": None,
        "height": height,
        "margin": {"l": 64, "r": 24, "t": 48, "b": 150 if large else 120},
        "legend": {
            "orientation": "h",
            "traceorder": "normal",
            "x": 0.0,
            "y": 1.02,
            "yanchor": "bottom",
            # Smaller than the axes in presentation mode too, so the key stays on one line above the plot.
            "font": {"size": 17 if large else sizes(large)["font"] * 0.9},
        },
        "font": {"family": FONT_FAMILY, "size": sizes(large)["font"]},
    }


def animated_figure(
    history: list[EMState],
    data: LoadedData,
    view_settings: ViewSettings,
    *,
    rows: np.ndarray | None = None,
) -> go.Figure:
    """The EM animation for data with two or more features: one frame per half-step.

    Parameters
    ----------
    history : list of EMState
        The whole fit, starting with the ``init`` state.
    data : LoadedData
    view_settings : ViewSettings
        Which 2-D view (features or PCA), truth overlay, presentation mode.
    rows : ndarray of int, optional
        The samples to draw (see ``display_subset``); all when omitted.

    Returns
    -------
    go.Figure
        Scatter panel (left) and log-likelihood panel (right), with play/pause buttons and a
        slider whose label says which half-step is showing.
    """
    if data.n_features < 2:
        return animated_histogram(history, data, view_settings, rows=rows)
    large = view_settings.large
    view = make_view(data.X, data.feature_names, view_settings)
    rows = np.arange(data.n_samples) if rows is None else rows
    points = view.points(data.X[rows])
    n_components = history[0].params.n_components
    distinct_params, params_position = _params_sequence(history)
    geometry = [component_geometry(params, view) for params in distinct_params]
    means_by_params = [means.astype(np.float32) for means, _ in geometry]

    static = [*point_traces(points, np.zeros((0, len(points)), dtype=np.uint8), large=large)]
    if view_settings.show_truth:
        static += truth_traces(data.true_params, view, large=large)
    first_means, first_covariances = geometry[0]
    shade_traces = point_traces(points, responsibility_shades(None, n_components, len(points)), large=large)[1:]
    component_traces = [
        *ellipse_traces(first_means, first_covariances, large=large),
        *_trail_traces(_trail(means_by_params, 0), large),
        mean_trace(first_means, large=large).update(showlegend=False, textfont_shadow=LABEL_OUTLINE),
    ]
    ll_traces, x2, y2, notes = _log_likelihood_panel(history, large)
    legend = [*legend_entries(n_components, large=large), _trail_legend_entry(large)]
    traces = [*static, *shade_traces, *component_traces, *ll_traces, *legend]
    parts = _Parts.for_layout(len(static), n_components, len(component_traces))

    def responsibility_update(index: int) -> list[dict]:
        state = history[index]
        resp = None if state.responsibilities is None else state.responsibilities[rows]
        shades = responsibility_shades(resp, n_components, len(points))
        return [*_shade_updates(shades), _log_likelihood_marker_update(state)]

    def parameter_update(index: int) -> list[dict]:
        position = params_position[index]
        means, covariances = geometry[position]
        trail = _trail(means_by_params, position)
        return [
            *_ellipse_updates(means, covariances),
            *[_xy(path[:, 0], path[:, 1]) for path in trail],
            _xy(means[:, 0], means[:, 1]),
        ]

    indices = animation_indices(history, len(points), n_components)
    frames, slider, menus = _frames_and_slider(
        history, indices, parts, responsibility_update, parameter_update, large=large
    )
    all_means = np.concatenate(means_by_params)
    final_means, final_covariances = geometry[-1]
    final_outlines = ellipse_outlines(final_means, final_covariances, 0.95, 24)
    x_range, y_range = _clipped_ranges(points, all_means, final_outlines)
    layout = base_layout(x_range, y_range, view.x_title, view.y_title, large=large, height=_height(large))
    layout["xaxis"]["domain"] = [0.0, 0.64]
    layout.update(_figure_layout(large, _height(large)))
    layout.update({"xaxis2": x2, "yaxis2": y2, "sliders": [slider], "updatemenus": menus, "annotations": notes})
    return AnimatedFigure(data=traces, layout=layout, frames=frames)


def _height(large: bool) -> int:
    return 760 if large else 660


def _clipped_ranges(points: np.ndarray, *extra: np.ndarray) -> tuple[list[float], list[float]]:
    """Axis ranges holding the points and ``extra``, but at most twice the points' span."""
    x_data, y_data = axis_ranges(points)
    x_range, y_range = axis_ranges(points, *extra)

    def clip(wide, tight):
        span = tight[1] - tight[0]
        return [max(wide[0], tight[0] - span / 2), min(wide[1], tight[1] + span / 2)]

    return clip(x_range, x_data), clip(y_range, y_data)


# --------------------------------------------------------------------------- one feature: a histogram


def animated_histogram(
    history: list[EMState],
    data: LoadedData,
    view_settings: ViewSettings,
    *,
    rows: np.ndarray | None = None,
) -> go.Figure:
    """The EM animation for one-feature data: histogram, mixture density, weighted components.

    The data are drawn twice: as a histogram (density scale) and as a rug of points under it,
    coloured by their responsibilities like the 2-D scatter, so E-steps are visible too. Each
    component's curve is pi_k N(x | mu_k, sigma_k^2); their sum is the mixture density. The
    log-likelihood panel and the frames work as in :func:`animated_figure`.
    """
    large = view_settings.large
    size = sizes(large)
    x = data.X[:, 0]
    rows = np.arange(data.n_samples) if rows is None else rows
    shown = x[rows]
    n_components = history[0].params.n_components
    distinct_params, params_position = _params_sequence(history)
    low, high = float(x.min()), float(x.max())
    span = high - low if high > low else 1.0
    grid = np.linspace(low - 0.08 * span, high + 0.08 * span, HISTOGRAM_GRID_POINTS)
    densities = [component_densities_1d(params, grid).astype(np.float32) for params in distinct_params]
    n_bins = int(np.clip(np.sqrt(len(x)), HISTOGRAM_BINS[0], HISTOGRAM_BINS[1]))
    counts, edges = np.histogram(x, bins=n_bins, density=True)
    top = max(float(counts.max()), max(float(d.sum(axis=0).max()) for d in densities[1:] or densities))
    if data.true_params is not None and data.true_params.n_features == 1:
        top = max(top, float(component_densities_1d(data.true_params, grid).sum(axis=0).max()))
    top *= 1.12
    rug_y = -RUG_FRACTION * top * (0.15 + 0.7 * np.random.default_rng(0).random(len(shown)))
    points = np.column_stack([shown, rug_y]).astype(np.float32)

    bars = go.Bar(
        x=((edges[:-1] + edges[1:]) / 2).astype(np.float32),
        y=counts.astype(np.float32),
        width=float(edges[1] - edges[0]),
        name=t("anim.histogram"),
        marker={"color": rgba(NEUTRAL_POINT, 0.35), "line": {"width": 0}},
        hoverinfo="skip",
    )
    static = [bars, *point_traces(points, np.zeros((0, len(points)), dtype=np.uint8), large=large)]
    if view_settings.show_truth and data.true_params is not None and data.true_params.n_features == 1:
        static.append(_joined_curves(grid, component_densities_1d(data.true_params, grid), t("anim.truth_1d"), large))
    shade_traces = point_traces(points, responsibility_shades(None, n_components, len(points)), large=large)[1:]
    component_traces = [
        *[
            go.Scatter(
                x=grid.astype(np.float32),
                y=densities[0][k],
                mode="lines",
                name=f"{component_name(k)} (weighted)",
                showlegend=False,
                hoverinfo="skip",
                line={"color": component_color(k), "width": size["line"]},
            )
            for k in range(n_components)
        ],
        go.Scatter(
            x=grid.astype(np.float32),
            y=densities[0].sum(axis=0),
            mode="lines",
            name=t("anim.mixture"),
            hoverinfo="skip",
            line={"color": "#222222", "width": size["line"] * 1.2},
        ),
        _mean_markers_1d(distinct_params[0], large),
    ]
    ll_traces, x2, y2, notes = _log_likelihood_panel(history, large)
    legend = [
        go.Scatter(
            x=[None],
            y=[None],
            mode="lines+markers",
            name=component_name(k),
            line={"color": component_color(k)},
            marker={"color": component_color(k), "symbol": component_symbol(k)},
        )
        for k in range(n_components)
    ]
    traces = [*static, *shade_traces, *component_traces, *ll_traces, *legend]
    parts = _Parts.for_layout(len(static), n_components, len(component_traces))

    def responsibility_update(index: int) -> list[dict]:
        state = history[index]
        resp = None if state.responsibilities is None else state.responsibilities[rows]
        return [
            *_shade_updates(responsibility_shades(resp, n_components, len(points))),
            _log_likelihood_marker_update(state),
        ]

    def parameter_update(index: int) -> list[dict]:
        position = params_position[index]
        params = distinct_params[position]
        curves = densities[position]
        return [
            *[{"y": typed_array(curve)} for curve in curves],
            {"y": typed_array(curves.sum(axis=0))},
            _xy(params.means[:, 0], _mean_peaks(params)),
        ]

    indices = animation_indices(history, len(points), n_components)
    frames, slider, menus = _frames_and_slider(
        history, indices, parts, responsibility_update, parameter_update, large=large
    )
    layout = base_layout(
        [float(grid[0]), float(grid[-1])],
        [float(-RUG_FRACTION * top), top],
        data.feature_names[0],
        t("anim.density"),
        large=large,
        height=_height(large),
    )
    layout["xaxis"]["domain"] = [0.0, 0.64]
    layout.update(_figure_layout(large, _height(large)))
    layout.update({"xaxis2": x2, "yaxis2": y2, "sliders": [slider], "updatemenus": menus, "annotations": notes})
    layout["bargap"] = 0
    return AnimatedFigure(data=traces, layout=layout, frames=frames)


def _mean_peaks(params: GMMParams) -> np.ndarray:
    """Height of each weighted component curve at its own mean (where its marker sits)."""
    standard_deviations = np.sqrt(params.full_covariances()[:, 0, 0])
    return (params.weights / (np.sqrt(2 * np.pi) * standard_deviations)).astype(np.float32)


def _mean_markers_1d(params: GMMParams, large: bool) -> go.Scatter:
    n_components = params.n_components
    return go.Scatter(
        x=params.means[:, 0].astype(np.float32),
        y=_mean_peaks(params),
        mode="markers+text",
        name="means",
        showlegend=False,
        text=[component_name(k) for k in range(n_components)],
        textposition="top center",
        textfont={
            "size": sizes(large)["font"],
            "color": [component_color(k) for k in range(n_components)],
            "shadow": LABEL_OUTLINE,
        },
        marker={
            "size": sizes(large)["mean"],
            "color": [component_color(k) for k in range(n_components)],
            "symbol": [component_symbol(k) for k in range(n_components)],
            "line": {"color": "white", "width": 2},
        },
        hovertemplate="%{text}<br>mean %{x:.3g}<extra></extra>",
    )


def _joined_curves(grid: np.ndarray, curves: np.ndarray, name: str, large: bool) -> go.Scatter:
    """Several curves on one grid as a single dashed trace (NaN between them)."""
    gap = np.full((len(curves), 1), np.nan)
    x = np.concatenate([np.tile(grid, (len(curves), 1)), gap], axis=1).ravel()
    y = np.concatenate([curves, gap], axis=1).ravel()
    return go.Scatter(
        x=x.astype(np.float32),
        y=y.astype(np.float32),
        mode="lines",
        name=name,
        hoverinfo="skip",
        line={"color": TRUTH_COLOR, "width": sizes(large)["line"] * 0.7, "dash": "dash"},
        opacity=0.7,
    )
