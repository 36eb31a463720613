"""The pitfalls page's own drawing pieces: hard labels, the shared start, fits as panels (pure, no Streamlit).

The pitfalls figures never animate, so they are drawn with the light pieces of
:mod:`emlab.shared.layers` (one blended point trace per panel, ellipses as layout shapes,
figures that a cache hands out unvalidated); here are what only this page draws with them:
points by a hard label, the starting means several runs share, one finished fit as
(traces, shapes), and panels side by side sharing fixed axes with equal scales.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from emlab.shared.figures import View2D, mean_trace
from emlab.shared.layers import StillFigure, ellipse_shapes, marker_points_trace, soft_point_trace, still
from emlab.shared.style import FONT_FAMILY, component_color, rgba, sizes
from emlab.shared.text import t
from gmm_core import GMMParams

START_MARKER = {"symbol": "circle-open-dot", "color": "#111111", "line": {"width": 3}}


def hard_point_trace(points: np.ndarray, labels: np.ndarray, n_components: int, *, large: bool = False) -> go.Scatter:
    """Points coloured by a hard label, in one trace (a stepped colour scale over the palette)."""
    scale = []
    for k in range(n_components):
        color = rgba(component_color(k), 0.85)
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
    """
    size = sizes(large)
    columns = int(np.ceil(len(panels) / rows))
    figure = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=[title for title, _, _ in panels],
        horizontal_spacing=0.04 if columns > 2 else 0.06,
        vertical_spacing=0.12,
    )
    placed_shapes = []
    for index, (_, traces, shapes) in enumerate(panels):
        row, column = index // columns + 1, index % columns + 1
        for trace in traces:
            trace.showlegend = False
            figure.add_trace(trace, row=row, col=column)
        suffix = "" if index == 0 else str(index + 1)
        placed_shapes += [{**shape, "xref": f"x{suffix}", "yref": f"y{suffix}"} for shape in shapes]
    for trace in legend or []:
        figure.add_trace(trace, row=1, col=1)
    figure.update_xaxes(range=x_range, autorange=False, zeroline=False, showticklabels=columns <= 3)
    figure.update_yaxes(range=y_range, autorange=False, zeroline=False, showticklabels=columns <= 3)
    for index in range(len(panels)):
        suffix = "" if index == 0 else str(index + 1)
        figure.update_layout({f"yaxis{suffix}": {"scaleanchor": f"x{suffix}", "scaleratio": 1}})
    figure.update_layout(
        shapes=placed_shapes,
        template="plotly_white",
        height=height or (560 if large else 480) * rows,
        font={"family": FONT_FAMILY, "size": size["font"]},
        margin={"l": 40, "r": 20, "t": 60, "b": 70},
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
    return still(figure)
