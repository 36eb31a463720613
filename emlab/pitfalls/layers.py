"""The pitfalls page's own drawing pieces: hard labels, the shared start, fits as panels (pure, no Streamlit).

The pitfalls figures never animate, so they are drawn with the light pieces of
:mod:`emlab.shared.layers` (one blended point trace per panel, ellipses as layout shapes,
figures that a cache hands out unvalidated); here are what only this page draws with them:
points by a hard label, the starting means several runs share, one finished fit as
(traces, shapes), and panels side by side sharing fixed axes with equal scales, whose points
may be painted as one picture per panel (:mod:`emlab.pitfalls.raster`) where nobody hovers them.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from emlab.pitfalls.raster import REFERENCE_WIDTH, points_image
from emlab.shared.figures import OUTER_LEVEL, View2D, mean_trace, truth_traces
from emlab.shared.layers import (
    StillFigure,
    cartesian_template,
    ellipse_path,
    ellipse_shapes,
    marker_points_trace,
    soft_point_trace,
    still,
)
from emlab.shared.style import FONT_FAMILY, component_color, rgba, sizes
from emlab.shared.text import t
from gmm_core import GMMParams, ellipse_outlines

START_MARKER = {"symbol": "circle-open-dot", "color": "#111111", "line": {"width": 3}}
HARD_OPACITY = 0.85
MARGIN = {"l": 40, "r": 20, "t": 60, "b": 70}
VERTICAL_SPACING = 0.12


def hard_point_trace(points: np.ndarray, labels: np.ndarray, n_components: int, *, large: bool = False) -> go.Scatter:
    """Points coloured by a hard label, in one trace (a stepped colour scale over the palette)."""
    scale = []
    for k in range(n_components):
        color = rgba(component_color(k), HARD_OPACITY)
        scale += [[k / n_components, color], [(k + 1) / n_components, color]]
    marker = {
        "color": (np.asarray(labels) + 0.5).astype(np.float32),
        "cmin": 0,
        "cmax": n_components,
        "colorscale": scale,
        "showscale": False,
        "line": {"width": 0},
    }
    return marker_points_trace(points, marker, large=large)


def hard_rgba(labels: np.ndarray, n_components: int) -> np.ndarray:
    """The colours :func:`hard_point_trace` gives, one (red, green, blue 0..255, opacity 0..1) row per point."""
    palette = np.array(
        [[int(component_color(k)[i : i + 2], 16) for i in (1, 3, 5)] + [HARD_OPACITY] for k in range(n_components)],
        dtype=float,
    )
    return palette[np.asarray(labels, dtype=int)]


def truth_shapes(params: GMMParams | None, view: View2D, *, large: bool = False) -> list[dict]:
    """The true components as :func:`emlab.shared.figures.truth_traces` draws them, as path shapes instead.

    One SVG node each between the grid and the traces, in the truth's own line style and opacity,
    for panels whose points are painted as a picture above the traces (:mod:`emlab.pitfalls.raster`).
    Empty when ``params`` is None (the truth unknown or hidden), as ``truth_traces``.
    """
    if params is None:
        return []
    style = truth_traces(params, view, large=large)[0]
    means, covariances = view.components(params)
    return [
        {
            "type": "path",
            "path": ellipse_path(outline, np.asarray(mean, dtype=float)),
            "layer": "between",
            "line": style.line.to_plotly_json(),
            "opacity": style.opacity,
        }
        for outline, mean in zip(ellipse_outlines(means, covariances, OUTER_LEVEL, 4), means, strict=True)
    ]


def start_trace(view: View2D, means: np.ndarray, *, large: bool = False, lang: str = "en") -> go.Scatter:
    """The shared starting means as open markers."""
    shown = view.points(means)
    return go.Scatter(
        x=shown[:, 0],
        y=shown[:, 1],
        mode="markers",
        name=t("pit.fig.start_means", lang),
        marker={**START_MARKER, "size": sizes(large)["mean"] * 1.2},
        hoverinfo="skip",
    )


def fit_layers(
    view: View2D, points: np.ndarray, params: GMMParams, responsibilities, *, large: bool = False, lang: str = "en"
) -> tuple[list, list[dict]]:
    """One finished fit: (traces, shapes) of soft-coloured points, labelled means and ellipses."""
    means, covariances = view.components(params)
    traces = [soft_point_trace(points, responsibilities, large=large), mean_trace(means, large=large, lang=lang)]
    return traces, ellipse_shapes(means, covariances, large=large)


def panels_figure(
    panels: list[tuple[str, list, list[dict]]],
    x_range: list[float],
    y_range: list[float],
    *,
    large: bool = False,
    rows: int = 1,
    height: int | None = None,
    legend: list | None = None,
    painted: list[tuple[np.ndarray, np.ndarray]] | None = None,
) -> StillFigure:
    """Scatter panels side by side (or in a grid) with the same fixed axes and equal scales.

    Parameters
    ----------
    panels : list of (title, traces, shapes)
        Shapes are placed on their panel's axes.
    x_range, y_range : [low, high]
        Shared by every panel.
    rows : int
        Grid rows; panels fill them left to right.
    legend : list of traces, optional
        Legend-only entries, added once.
    painted : list of (points, colours), optional
        One per panel: points that answer no hover, painted as one picture on the panel (see
        :mod:`emlab.pitfalls.raster`) instead of drawn as one SVG marker each; colours are
        (red, green, blue 0..255, opacity 0..1) rows.
    """
    size = sizes(large)
    columns = int(np.ceil(len(panels) / rows))
    height = height or (560 if large else 480) * rows
    horizontal_spacing = 0.04 if columns > 2 else 0.06
    figure = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=[title for title, _, _ in panels],
        horizontal_spacing=horizontal_spacing,
        vertical_spacing=VERTICAL_SPACING,
    )
    placed_shapes = []
    for index, (_, traces, shapes) in enumerate(panels):
        row, column = index // columns + 1, index % columns + 1
        for trace in traces:
            trace.showlegend = False
            figure.add_trace(trace, row=row, col=column)
        suffix = "" if index == 0 else str(index + 1)
        placed_shapes += [{**shape, "xref": f"x{suffix}", "yref": f"y{suffix}"} for shape in shapes]
    if painted:
        # Screen pixels per data unit at the reference width: equal scales shrink the longer side.
        panel_width = (REFERENCE_WIDTH - MARGIN["l"] - MARGIN["r"]) * (1 - horizontal_spacing * (columns - 1)) / columns
        panel_height = (height - MARGIN["t"] - MARGIN["b"]) * (1 - VERTICAL_SPACING * (rows - 1)) / rows
        scale = min(panel_width / (x_range[1] - x_range[0]), panel_height / (y_range[1] - y_range[0]))
        images = []
        for index, (points, colors) in enumerate(painted):
            suffix = "" if index == 0 else str(index + 1)
            image = points_image(points, colors, x_range, y_range, scale, size["point"])
            images.append({**image, "xref": f"x{suffix}", "yref": f"y{suffix}"})
        figure.update_layout(images=images)
    for trace in legend or []:
        figure.add_trace(trace, row=1, col=1)
    figure.update_xaxes(range=x_range, autorange=False, zeroline=False, showticklabels=columns <= 3)
    figure.update_yaxes(range=y_range, autorange=False, zeroline=False, showticklabels=columns <= 3)
    for index in range(len(panels)):
        suffix = "" if index == 0 else str(index + 1)
        figure.update_layout({f"yaxis{suffix}": {"scaleanchor": f"x{suffix}", "scaleratio": 1}})
    figure.update_layout(
        shapes=placed_shapes,
        height=height,
        font={"family": FONT_FAMILY, "size": size["font"]},
        margin=MARGIN,
        legend={
            "orientation": "h",
            "traceorder": "normal",
            "x": 0.0,
            "y": -0.08,
            "yanchor": "top",
            "font": {"size": size["font"] * 0.9},
        },
        hovermode="closest",
    )
    figure.update_annotations(font={"size": size["title"] * 0.85})
    figure.layout.template = cartesian_template()  # assigned, not merged into the default template
    return still(figure)
