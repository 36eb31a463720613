"""The Playground's EM animation: one plotly figure with a frame per half-step, played in the browser.

Every picture here is a pure function of an EM history (the list of frozen ``EMState`` from
``gmm_core.em_steps``), the data, and the view settings. No Streamlit.

Two scenes share one skeleton (:func:`_animate`): data with two or more features is a scatter
with ellipses and mean trails (:func:`animated_figure`), one-feature data a histogram with the
weighted component curves (:func:`animated_histogram`). A scene says what is drawn and how an
M-step moves it; the skeleton adds the soft-coloured points (one trace, coloured by palette
index, see ``emlab.playground.palette``), the log-likelihood panel, the frames
(``emlab.playground.frames``) and the controls.

Trace layout (fixed, so frames can address traces by index): static traces first (truth,
histogram), then the one trace of all points in their blended colours, the component traces an
M-step moves, then the log-likelihood curve and its moving marker in the narrow right panel, then
legend-only entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go

from emlab.playground.frames import (
    AnimatedFigure,
    FrameParts,
    FrameUpdate,
    animation_indices,
    chained_frames,
    colour_update,
    log_likelihood_marker_update,
    params_sequence,
    play_menu,
    slider,
    typed_array,
    xy_update,
)
from emlab.playground.palette import palette_marker, responsibility_palette
from emlab.shared.figures import (
    ELLIPSE_LEVELS,
    OUTER_LEVEL,
    OUTLINE_POINTS,
    axis_ranges,
    base_layout,
    ellipse_traces,
    legend_entries,
    make_view,
    mean_trace,
    truth_traces,
)
from emlab.shared.layers import marker_points_trace
from emlab.shared.panels import (
    density_grid,
    histogram,
    histogram_area,
    joined_curves,
    legend_entries_1d,
    log_likelihood_panel,
    mean_markers_1d,
    mean_peaks,
    weighted_density_traces,
)
from emlab.shared.pipeline import LoadedData
from emlab.shared.settings import ViewSettings
from emlab.shared.style import (
    LABEL_OUTLINE,
    NEUTRAL_POINT,
    component_color,
    component_name,
    figure_style,
    rgba,
    sizes,
)
from emlab.shared.text import t
from gmm_core import EMState, component_densities_1d, ellipse_outlines

TRAIL_LENGTH = 6
HISTOGRAM_GRID_POINTS = 160
RUG_FRACTION = 0.16
MAIN_PANEL_DOMAIN = [0.0, 0.64]  # the scatter or histogram; the log-likelihood panel sits to its right


@dataclass(frozen=True, eq=False)
class _Scene:
    """What the 2-D and the 1-D animation draw differently; :func:`_animate` does the rest.

    Attributes
    ----------
    static : list
        Traces no frame changes (histogram, truth).
    points : ndarray of shape (M, 2)
        Where the soft-coloured points sit.
    component_traces : list
        Traces an M-step changes, as they are at the start.
    parameter_update : callable
        History index -> updates of ``component_traces``, in their order.
    legend : list
        Legend-only traces, last.
    layout : dict
        The main panel's layout (axes, titles), as ``base_layout`` gives it.
    extra_layout : dict
        Layout set after everything else.
    """

    static: list
    points: np.ndarray
    component_traces: list
    parameter_update: FrameUpdate
    legend: list
    layout: dict
    extra_layout: dict = field(default_factory=dict)


def animated_figure(
    history: list[EMState],
    data: LoadedData,
    view_settings: ViewSettings,
    *,
    rows: np.ndarray | None = None,
    lang: str = "en",
) -> go.Figure:
    """The EM animation: one frame per half-step (a histogram for one-feature data).

    Parameters
    ----------
    history : list of EMState
        The whole fit, starting with the ``init`` state.
    data : LoadedData
    view_settings : ViewSettings
        Which 2-D view (features or PCA), truth overlay, presentation mode.
    rows : ndarray of int, optional
        The samples to draw (see ``shown_rows``); all when omitted.

    Returns
    -------
    go.Figure
        Scatter panel (left) and log-likelihood panel (right), with play/pause buttons and a
        slider whose label says which half-step is showing.
    """
    if data.n_features < 2:
        return animated_histogram(history, data, view_settings, rows=rows, lang=lang)
    rows = np.arange(data.n_samples) if rows is None else rows
    return _animate(
        history, _scatter_scene(history, data, view_settings, rows, lang=lang), rows, view_settings.large, lang=lang
    )


def animated_histogram(
    history: list[EMState],
    data: LoadedData,
    view_settings: ViewSettings,
    *,
    rows: np.ndarray | None = None,
    lang: str = "en",
) -> go.Figure:
    """The EM animation for one-feature data: histogram, mixture density, weighted components.

    The data are drawn twice: as a histogram (density scale) and as a rug of points under it,
    coloured by their responsibilities like the 2-D scatter, so E-steps are visible too. Each
    component's curve is pi_k N(x | mu_k, sigma_k^2); their sum is the mixture density.
    """
    rows = np.arange(data.n_samples) if rows is None else rows
    return _animate(
        history, _histogram_scene(history, data, view_settings, rows, lang=lang), rows, view_settings.large, lang=lang
    )


# --------------------------------------------------------------------------- the skeleton


def _animate(
    history: list[EMState], scene: _Scene, rows: np.ndarray, large: bool, *, lang: str = "en"
) -> AnimatedFigure:
    """Soft-coloured points, the scene, the log-likelihood panel, frames and controls as one figure.

    The points are one marker trace; each frame that changes the responsibilities sends every
    point's blended colour as a one-byte index into a palette built from all animated frames.
    """
    n_components = history[0].params.n_components
    n_points = len(scene.points)
    indices = animation_indices(history, n_points, n_components)
    shown = {id(history[i].responsibilities): history[i].responsibilities for i in indices}  # E- and M-step share
    palette, colours = responsibility_palette([None if r is None else r[rows] for r in shown.values()], n_points)
    colour_of = dict(zip(shown, colours, strict=True))
    first_colours = colour_of[id(history[indices[0]].responsibilities)]
    points = marker_points_trace(scene.points, palette_marker(palette, first_colours), large=large)
    ll_traces, x2, y2, notes = log_likelihood_panel(history, large=large, lang=lang)
    traces = [*scene.static, points, *scene.component_traces, *ll_traces, *_parked(scene.legend, scene.layout)]
    parts = FrameParts.for_layout(len(scene.static), len(scene.component_traces))

    def responsibility_update(index: int) -> list[dict]:
        state = history[index]
        return [colour_update(colour_of[id(state.responsibilities)]), log_likelihood_marker_update(state)]

    frames = chained_frames(history, indices, parts, responsibility_update, scene.parameter_update)
    layout = scene.layout
    layout["xaxis"]["domain"] = MAIN_PANEL_DOMAIN
    layout.update(_figure_layout(large))
    layout.update(
        {
            "xaxis2": x2,
            "yaxis2": y2,
            "sliders": [slider(history, indices, large=large, lang=lang)],
            "updatemenus": [play_menu(large=large, lang=lang)],
            "annotations": notes,
        }
    )
    layout.update(scene.extra_layout)
    return AnimatedFigure(data=traces, layout=layout, frames=frames)


def _parked(legend: list, layout: dict) -> list:
    """Legend-only traces with their point outside the main panel's fixed ranges, not at None.

    Play transitions every scatter trace, and each frame faded a point at None in and out at the
    panel's top-left corner (a blip per legend entry); outside the ranges it is clipped away.
    """
    (x_low, x_high), (y_low, y_high) = layout["xaxis"]["range"], layout["yaxis"]["range"]
    return [trace.update(x=[2 * x_low - x_high], y=[2 * y_low - y_high]) for trace in legend]


def _height(large: bool) -> int:
    return 760 if large else 660


def _figure_layout(large: bool) -> dict:
    return {
        "updatemenus": None,
        "height": _height(large),
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
        "font": figure_style(large)["font"],
    }


# --------------------------------------------------------------------------- two or more features: a scatter


def _scatter_scene(
    history: list[EMState], data: LoadedData, view_settings: ViewSettings, rows: np.ndarray, *, lang: str = "en"
) -> _Scene:
    """Grey points, truth, ellipses at two levels, mean trails and means, in the chosen 2-D view."""
    large = view_settings.large
    view = make_view(data.X, data.feature_names, view_settings)
    points = view.points(data.X[rows])
    distinct_params, params_position = params_sequence(history)
    geometry = [view.components(params) for params in distinct_params]
    means_by_params = [means.astype(np.float32) for means, _ in geometry]

    static = []
    if view_settings.show_truth:
        static += truth_traces(data.true_params, view, large=large, lang=lang)
    first_means, first_covariances = geometry[0]
    component_traces = [
        *ellipse_traces(first_means, first_covariances, large=large),
        *_trail_traces(_trail(means_by_params, 0), large),
        mean_trace(first_means, large=large, lang=lang).update(showlegend=False, textfont_shadow=LABEL_OUTLINE),
    ]

    def parameter_update(index: int) -> list[dict]:
        position = params_position[index]
        means, covariances = geometry[position]
        return [
            *_ellipse_updates(means, covariances),
            *[xy_update(path[:, 0], path[:, 1]) for path in _trail(means_by_params, position)],
            xy_update(means[:, 0], means[:, 1]),
        ]

    final_means, final_covariances = geometry[-1]
    final_outlines = ellipse_outlines(final_means, final_covariances, OUTER_LEVEL, 24)
    x_range, y_range = _clipped_ranges(points, np.concatenate(means_by_params), final_outlines)
    n_components = history[0].params.n_components
    return _Scene(
        static=static,
        points=points,
        component_traces=component_traces,
        parameter_update=parameter_update,
        legend=[*legend_entries(n_components, large=large, lang=lang), _trail_legend_entry(large, lang=lang)],
        layout=base_layout(x_range, y_range, view.x_title, view.y_title, large=large, height=_height(large)),
    )


def _clipped_ranges(points: np.ndarray, *extra: np.ndarray) -> tuple[list[float], list[float]]:
    """Axis ranges holding the points and ``extra``, but at most twice the points' span."""
    x_data, y_data = axis_ranges(points)
    x_range, y_range = axis_ranges(points, *extra)

    def clip(wide, tight):
        span = tight[1] - tight[0]
        return [max(wide[0], tight[0] - span / 2), min(wide[1], tight[1] + span / 2)]

    return clip(x_range, x_data), clip(y_range, y_data)


def _ellipse_updates(means: np.ndarray, covariances: np.ndarray) -> list[dict]:
    updates = []
    for level in ELLIPSE_LEVELS:
        for outline in ellipse_outlines(means, covariances, level, OUTLINE_POINTS):
            updates.append(xy_update(outline[:, 0], outline[:, 1]))
    return updates


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


def _trail_legend_entry(large: bool, *, lang: str = "en") -> go.Scatter:
    return go.Scatter(
        x=[None],
        y=[None],
        mode="lines+markers",
        name=t("anim.trail", lang),
        line={"color": "rgba(80,80,80,0.45)", "width": sizes(large)["line"] * 0.8},
        marker={"color": "#505050", "size": sizes(large)["point"], "opacity": 0.6},
    )


# --------------------------------------------------------------------------- one feature: a histogram


def _histogram_scene(
    history: list[EMState], data: LoadedData, view_settings: ViewSettings, rows: np.ndarray, *, lang: str = "en"
) -> _Scene:
    """Histogram, coloured rug, weighted component curves, mixture density and means on their peaks."""
    large = view_settings.large
    x = data.X[:, 0]
    n_components = history[0].params.n_components
    distinct_params, params_position = params_sequence(history)
    grid = density_grid(x, HISTOGRAM_GRID_POINTS)
    densities = [component_densities_1d(params, grid).astype(np.float32) for params in distinct_params]
    heights, edges = histogram(x, density=True)
    truth_1d = data.true_params is not None and data.true_params.n_features == 1
    top = max(float(heights.max()), max(float(d.sum(axis=0).max()) for d in densities[1:] or densities))
    if truth_1d:
        top = max(top, float(component_densities_1d(data.true_params, grid).sum(axis=0).max()))
    top *= 1.12
    rug_y = -RUG_FRACTION * top * (0.15 + 0.7 * np.random.default_rng(0).random(len(rows)))
    points = np.column_stack([x[rows], rug_y]).astype(np.float32)

    steps = histogram_area(heights, edges, rgba(NEUTRAL_POINT, 0.35), name=t("anim.histogram", lang), hoverinfo="skip")
    static = [steps]
    if view_settings.show_truth and truth_1d:
        curves = component_densities_1d(data.true_params, grid)
        static.append(joined_curves(grid, curves, t("anim.truth_1d", lang), large=large))
    component_traces = [
        *weighted_density_traces(grid, densities[0], large=large, lang=lang),
        mean_markers_1d(distinct_params[0], large=large),
    ]

    def parameter_update(index: int) -> list[dict]:
        position = params_position[index]
        curves = densities[position]
        return [
            *[{"y": typed_array(curve)} for curve in curves],
            {"y": typed_array(curves.sum(axis=0))},
            xy_update(distinct_params[position].means[:, 0], mean_peaks(distinct_params[position])),
        ]

    layout = base_layout(
        [float(grid[0]), float(grid[-1])],
        [float(-RUG_FRACTION * top), top],
        data.feature_names[0],
        t("anim.density", lang),
        large=large,
        height=_height(large),
    )
    legend = legend_entries_1d(n_components, large=large)
    return _Scene(static, points, component_traces, parameter_update, legend, layout)
