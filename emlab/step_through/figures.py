"""The step-through chart: one EM half-step and what it changed, or the data alone while picking starting means.

Pure functions of (the data as drawn, :class:`emlab.step_through.scene.Scene`; the state on
screen; the state before it; what the student selected). The same inputs give the same figure,
so stepping back shows exactly the picture seen before.

What each half-step shows
-------------------------
- start: grey points, the starting ellipses and means;
- after an E-step: points coloured by their new responsibilities, and a black ring around every
  point whose most likely component changed since the E-step before;
- after an M-step: the old ellipses dashed and faded behind the new ones, and an arrow from
  every old mean to its new position.

Drawn light (issue 10, with :mod:`emlab.shared.layers`): the points are *one* marker trace whose
per-point colour is the responsibility-weighted blend of the component colours (N markers, not
(K + 2) x N), the ellipses are layout shapes, and one trace per visual layer otherwise. That
points trace also carries each point's row in the data as ``customdata``, so a click on the
chart names the row (``emlab.step_through.controller.rows_from_selection`` reads it back; plotly
finds the nearest point whatever lies above it). Every half-step of one walk draws the same
traces in the same order (empty where a half-step has nothing to show), so the browser updates
the chart in place instead of building it anew. The log-likelihood curve beside the chart is in
:mod:`emlab.step_through.curve`.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from emlab.shared.figures import base_layout, legend_entries, mean_trace, truth_traces
from emlab.shared.layers import (
    BASE_OPACITY,
    cartesian_template,
    ellipse_shapes,
    marker_points_trace,
    soft_point_trace,
)
from emlab.shared.style import NEUTRAL_POINT, component_color, component_name, rgba, sizes
from emlab.shared.text import t
from emlab.step_through.scene import Scene
from gmm_core import EMState, GMMParams, component_densities_1d

SELECTED_COLOR = "#000000"
CHANGED_COLOR = "#111111"
HALO_COLOR = "#ffffff"
# Arrows shorter than this fraction of the axis span are left out (a point would hide them anyway).
SHORTEST_ARROW = 0.004
GRID_POINTS = 240


# --------------------------------------------------------------------------- the step figure


def step_figure(
    scene: Scene,
    state: EMState,
    previous: EMState | None = None,
    *,
    changed: np.ndarray | None = None,
    selected: int | None = None,
    picks: tuple[int, ...] = (),
    picks_data: np.ndarray | None = None,
    lang: str = "en",
) -> go.Figure:
    """The picture of one half-step.

    Parameters
    ----------
    scene : Scene
    state : EMState
        The state on screen.
    previous : EMState, optional
        The state before it; after an M-step its parameters are drawn as ghosts with arrows.
    changed : ndarray of bool, shape (N,), optional
        Points whose most likely component changed in this E-step (ringed).
    selected : int, optional
        The row whose numbers the formulas show (highlighted).
    picks : tuple of int
        Rows clicked as starting means in manual-start mode (numbered crosses).
    picks_data : ndarray of shape (len(picks), 2), optional
        Screen coordinates of ``picks`` (they may lie outside the drawn subset).
    """
    ghost = previous.params if (state.phase == "M" and previous is not None) else None
    if scene.one_feature:
        traces, annotations, shapes = _histogram_traces(scene, state, ghost, lang=lang)
    else:
        traces, annotations, shapes = _scatter_traces(scene, state, ghost, lang=lang)
    traces += _marks(scene, changed, selected, picks, picks_data, lang=lang)
    traces += _legend(state.params.n_components, scene, ghost is not None, lang=lang)
    return _finish(_figure(traces), scene, annotations, shapes, lang=lang)


def pick_figure(
    scene: Scene, picks: tuple[int, ...] = (), picks_data: np.ndarray | None = None, *, lang: str = "en"
) -> go.Figure:
    """The data alone (grey), with the points clicked so far as numbered crosses: choosing a manual start."""
    traces = [_points(scene, None, lang=lang)]
    if scene.one_feature:
        traces = [_histogram_bar(scene, lang=lang), *traces]
    traces.append(_picks(scene, picks, np.zeros((0, 2)) if picks_data is None else picks_data, lang=lang))
    return _finish(_figure(traces), scene, [], [], lang=lang)


def _figure(traces: list) -> go.Figure:
    """A figure of traces that were each built (and checked, but the points) already.

    A validating ``go.Figure`` checks every trace again, N point colours among them: 30 ms of
    every click's rerun for the same JSON.
    """
    return go.Figure(data=traces, _validate=False)


def _finish(
    figure: go.Figure, scene: Scene, annotations: list[dict], shapes: list[dict], *, lang: str = "en"
) -> go.Figure:
    """Shared layout: fixed axes, click-to-select, no drag (a drag would zoom away from the fixed view)."""
    if scene.one_feature:
        x_title, y_title = t("step.fig.value", lang), t("step.fig.density", lang)
    else:
        x_title, y_title = scene.view.x_title, scene.view.y_title
    layout = base_layout(scene.x_range, scene.y_range, x_title, y_title, large=scene.large, height=_height(scene))
    if annotations:
        layout["annotations"] = annotations
    layout["shapes"] = shapes
    layout["clickmode"] = "event+select"
    layout["dragmode"] = False
    # The legend sits in a row above the plot, so the data gets the full width of the column.
    layout["legend"] = {
        **layout["legend"],
        "orientation": "h",
        "x": 0.0,
        "y": 1.01,
        "yanchor": "bottom",
        "traceorder": "normal",
    }
    layout["margin"] = {**layout["margin"], "t": 90 if scene.large else 70}
    # Assigned, not merged into the default template; and the whole named template is never
    # validated (that alone took 20 ms of every click's rerun).
    del layout["template"]
    figure.layout.template = cartesian_template()
    figure.update_layout(layout)
    return figure


def _height(scene: Scene) -> int:
    return 680 if scene.large else 600


def _points(scene: Scene, responsibilities: np.ndarray | None, *, lang: str = "en") -> go.Scatter:
    """Every drawn point once, in its blended colour (grey before the first E-step), carrying its data row.

    A click selects a point of this trace: it must not look different when selected, so selected
    and unselected points keep full opacity (their colours carry their own). Built without
    plotly.py's validation: checking N colour strings one by one took 30 ms of every click's rerun,
    and the trace is the same with or without it (``tests/test_step_figures.py``).
    """
    clickable = {
        "_validate": False,
        "customdata": scene.rows.astype(np.int32),
        "hoverinfo": None,
        "hovertemplate": t("step.fig.hover", lang),
        "selected": {"marker": {"opacity": 1}},
        "unselected": {"marker": {"opacity": 1}},
    }
    if responsibilities is None:  # one colour for all: no need to send it N times
        marker = {"color": rgba(NEUTRAL_POINT, BASE_OPACITY), "line": {"width": 0}}
        return marker_points_trace(scene.points, marker, large=scene.large, **clickable)
    return soft_point_trace(scene.points, responsibilities[scene.rows], large=scene.large, **clickable)


def _scatter_traces(
    scene: Scene, state: EMState, ghost: GMMParams | None, *, lang: str = "en"
) -> tuple[list, list[dict], list[dict]]:
    """Truth, points, means before and now (traces); ellipses before and now (shapes); arrows (annotations)."""
    traces = list(truth_traces(scene.truth, scene.view, large=scene.large, lang=lang))
    traces.append(_points(scene, state.responsibilities, lang=lang))
    means, covariances = scene.view.components(state.params)
    shapes, annotations = [], []
    ghost_means = np.zeros((0, 2))
    if ghost is not None:
        ghost_means, ghost_covariances = scene.view.components(ghost)
        shapes = ellipse_shapes(ghost_means, ghost_covariances, large=scene.large, ghost=True, axes="")
        annotations = _arrows(ghost_means, means, scene)
    shapes += ellipse_shapes(means, covariances, large=scene.large, axes="")
    traces.append(_ghost_means(ghost_means, scene.large, lang=lang))
    traces.append(_unlisted(mean_trace(means, large=scene.large, lang=lang)))
    return traces, annotations, shapes


def _unlisted(trace: go.Scatter) -> go.Scatter:
    """``trace`` without a legend entry (the legend already explains colours and symbols)."""
    trace.showlegend = False
    return trace


def _ghost_means(means: np.ndarray, large: bool, *, lang: str = "en") -> go.Scatter:
    """The means before the M-step: small faded markers where the arrows start."""
    colors = [rgba(component_color(k), 0.55) for k in range(len(means))]
    return go.Scatter(
        x=means[:, 0].astype(np.float32),
        y=means[:, 1].astype(np.float32),
        mode="markers",
        name=t("step.fig.old_means", lang),
        showlegend=False,
        hoverinfo="skip",
        marker={"size": sizes(large)["mean"] * 0.6, "color": colors, "line": {"color": "white", "width": 1}},
    )


def _arrows(start: np.ndarray, end: np.ndarray, scene: Scene) -> list[dict]:
    """Annotation arrows from each old mean (tail) to its new mean (head), on a white halo.

    The halo (a wider white arrow beneath) keeps a blue arrow visible over blue points.
    """
    span = min(scene.x_range[1] - scene.x_range[0], scene.y_range[1] - scene.y_range[0])
    width = sizes(scene.large)["line"]
    arrows = []
    for k, (tail, head) in enumerate(zip(start, end, strict=True)):
        if np.hypot(*(head - tail)) < SHORTEST_ARROW * span:
            continue
        for color, line_width in ((HALO_COLOR, width + 3), (component_color(k), width)):
            arrows.append(
                {
                    "x": float(head[0]),
                    "y": float(head[1]),
                    "ax": float(tail[0]),
                    "ay": float(tail[1]),
                    "xref": "x",
                    "yref": "y",
                    "axref": "x",
                    "ayref": "y",
                    "showarrow": True,
                    "arrowhead": 2,
                    "arrowsize": 1.2,
                    "arrowwidth": line_width,
                    "arrowcolor": color,
                    "standoff": sizes(scene.large)["mean"] / 2,
                    "text": "",
                }
            )
    return arrows


def _marks(scene, changed, selected, picks, picks_data, *, lang: str = "en") -> list[go.Scatter]:
    """Rings on changed points and the selected point (both always there, empty when there is nothing
    to mark, so every half-step draws the same traces), and the numbered manual picks when given."""
    size = sizes(scene.large)
    shown = np.flatnonzero(changed[scene.rows]) if changed is not None else np.zeros(0, dtype=int)
    position = np.flatnonzero(scene.rows == selected)[:1] if selected is not None else np.zeros(0, dtype=int)
    traces = [
        go.Scatter(
            x=scene.points[shown, 0],
            y=scene.points[shown, 1],
            mode="markers",
            name=t("step.fig.changed", lang, count=0 if changed is None else int(np.count_nonzero(changed))),
            showlegend=changed is not None,
            hoverinfo="skip",
            marker={
                "symbol": "circle-open",
                "size": size["point"] + 8,
                "color": CHANGED_COLOR,
                "line": {"width": 2 if scene.large else 1.6},
            },
        ),
        go.Scatter(
            x=[float(x) for x in scene.points[position, 0]],
            y=[float(y) for y in scene.points[position, 1]],
            mode="markers+text",
            name=t("step.fig.selected", lang, index="" if selected is None else selected),
            showlegend=bool(position.size),
            text=[t("step.fig.selected_label", lang, index=selected)] * position.size,
            textposition="bottom center",
            textfont={"size": size["font"], "color": SELECTED_COLOR},
            hoverinfo="skip",
            marker={"symbol": "circle-open", "size": size["mean"] + 8, "color": SELECTED_COLOR, "line": {"width": 3}},
        ),
    ]
    if picks_data is not None:
        traces.append(_picks(scene, picks, picks_data, lang=lang))
    return traces


def _picks(scene: Scene, picks: tuple[int, ...], picks_data: np.ndarray, *, lang: str = "en") -> go.Scatter:
    """The rows clicked as starting means so far, as numbered crosses (an empty trace before the first)."""
    size = sizes(scene.large)
    return go.Scatter(
        x=picks_data[:, 0].astype(np.float32),
        y=picks_data[:, 1].astype(np.float32),
        mode="markers+text",
        name=t("step.fig.picks", lang),
        showlegend=bool(picks),
        text=[component_name(i) for i in range(len(picks))],
        textposition="top right",
        textfont={"size": size["font"], "color": SELECTED_COLOR},
        hoverinfo="skip",
        marker={"symbol": "x-thin-open", "size": size["mean"] + 6, "color": SELECTED_COLOR, "line": {"width": 4}},
    )


def _legend(n_components: int, scene: Scene, with_ghost: bool, *, lang: str = "en") -> list[go.Scatter]:
    """Colours and symbols of the components, the ellipse levels (2-D only), and the ghosts when shown."""
    entries = legend_entries(n_components, large=scene.large, lang=lang)
    if scene.one_feature:
        entries = entries[:n_components]
    entries.append(  # always there, listed only while the ghosts are drawn
        go.Scatter(
            x=[None],
            y=[None],
            mode="lines",
            name=t("step.fig.before", lang),
            showlegend=with_ghost,
            line={"color": "#777777", "dash": "dash", "width": sizes(scene.large)["line"] * 0.6},
        )
    )
    return entries


# --------------------------------------------------------------------------- one feature


def _histogram_traces(
    scene: Scene, state: EMState, ghost: GMMParams | None, *, lang: str = "en"
) -> tuple[list, list[dict], list[dict]]:
    """Histogram of the data, pi_k N(x | mu_k, sigma_k^2) per component, and a soft-coloured rug below.

    The curves before an M-step are always there (empty at other half-steps), so every half-step
    draws the same traces.
    """
    traces = [_histogram_bar(scene, lang=lang)]
    grid = np.linspace(scene.x_range[0], scene.x_range[1], GRID_POINTS)
    if scene.truth is not None:
        traces.append(
            _curve(
                grid,
                component_densities_1d(scene.truth, grid).sum(axis=0),
                t("step.fig.truth_1d", lang),
                "#6b6b6b",
                "dash",
                scene.large,
            )
        )
    n_components = state.params.n_components
    ghost_curves = component_densities_1d(ghost, grid) if ghost is not None else np.zeros((n_components, 0))
    for k, curve in enumerate(ghost_curves):
        traces.append(
            _curve(
                grid[: len(curve)],
                curve,
                f"{component_name(k)} {t('step.fig.before', lang)}",
                rgba(component_color(k), 0.45),
                "dash",
                scene.large,
                legend=False,
            )
        )
    traces.append(_points(scene, state.responsibilities, lang=lang))
    curves = component_densities_1d(state.params, grid)
    for k, curve in enumerate(curves):
        traces.append(_curve(grid, curve, component_name(k), component_color(k), "solid", scene.large, legend=False))
    traces.append(_curve(grid, curves.sum(axis=0), t("step.fig.mixture", lang), "#222222", "solid", scene.large))
    means = np.column_stack([state.params.means[:, 0], np.zeros(n_components)])
    traces.append(_unlisted(mean_trace(means, large=scene.large, lang=lang)))
    annotations = []
    if ghost is not None:
        old = np.column_stack([ghost.means[:, 0], np.zeros(ghost.n_components)])
        annotations = _arrows(old, means, scene)
    return traces, annotations, []


def _histogram_bar(scene: Scene, *, lang: str = "en") -> go.Bar:
    heights, edges = scene.bin_heights, scene.bin_edges
    return go.Bar(
        x=((edges[:-1] + edges[1:]) / 2).astype(np.float32),
        y=heights.astype(np.float32),
        width=float(edges[1] - edges[0]),
        marker={"color": rgba(NEUTRAL_POINT, 0.35), "line": {"width": 0}},
        name=t("step.fig.histogram", lang),
        hoverinfo="skip",
    )


def _curve(grid, values, name, color, dash, large, legend=True) -> go.Scatter:
    return go.Scatter(
        x=grid.astype(np.float32),
        y=np.asarray(values, dtype=np.float32),
        mode="lines",
        name=name,
        showlegend=legend,
        hoverinfo="skip",
        line={"color": color, "dash": dash, "width": sizes(large)["line"]},
    )
