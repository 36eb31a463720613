"""Light drawing pieces for the pitfalls page's still pictures (pure, no Streamlit).

The pitfalls figures never animate, so they can be drawn with far fewer traces than the
Playground's frames need, and every trace costs the browser time (issue 10):

- soft colours as *one* marker trace whose per-point colour is what the Playground's layers
  (a grey base at 35% plus one trace per component at 90% of its responsibility) composite to,
  instead of K + 1 overlaid traces: N markers drawn instead of (K + 1) x N, the same picture;
- ellipses as layout shapes (one SVG path each, drawn above the points as the outline traces
  were), not as 2K line traces per panel: a line trace has one colour, and the components need
  theirs;
- panels side by side sharing fixed axes with equal scales, each built from traces plus shapes.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from emlab.shared.figures import ELLIPSE_DASH, ELLIPSE_LEVELS, View2D, mean_trace
from emlab.shared.style import FONT_FAMILY, NEUTRAL_POINT, component_color, rgba, sizes
from emlab.shared.text import t
from gmm_core import GMMParams, ellipse_outlines

BASE_OPACITY = 0.35  # the grey every point starts from
SHADE_OPACITY = 0.9  # a component's colour at responsibility 1
KAPPA = 4 / 3 * (np.sqrt(2) - 1)  # Bezier control distance for a quarter circle
START_MARKER = {"symbol": "circle-open-dot", "color": "#111111", "line": {"width": 3}}


def _rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


def blended_colors(responsibilities: np.ndarray | None, n_points: int) -> list[str]:
    """Each point's colour as ``rgba(...)``: grey at 35%, then component k at 90% x gamma_nk, composited in order.

    Parameters
    ----------
    responsibilities : ndarray of shape (n_points, n_components), or None
        None (no E-step yet, or a broken fit) leaves every point grey.
    n_points : int

    Returns
    -------
    list of str, one per point
        "Over" compositing of the same layers the Playground overlays, so a point owned by one
        component shows its colour and a shared point a blend, exactly as there.
    """
    alpha = np.full(n_points, BASE_OPACITY)
    color = np.tile(_rgb(NEUTRAL_POINT), (n_points, 1))
    if responsibilities is not None:
        shades = np.rint(np.asarray(responsibilities, dtype=float) * 255) / 255  # the Playground's uint8 steps
        for k in range(shades.shape[1]):
            layer = SHADE_OPACITY * shades[:, k]
            combined = layer + alpha * (1 - layer)
            weight = np.divide(layer, combined, out=np.zeros_like(layer), where=combined > 0)
            color = weight[:, None] * _rgb(component_color(k)) + (1 - weight[:, None]) * color
            alpha = combined
    red, green, blue = np.rint(color).astype(int).T
    return [f"rgba({r},{g},{b},{a:.3f})" for r, g, b, a in zip(red, green, blue, alpha, strict=True)]


def _points_trace(points: np.ndarray, marker: dict, *, large: bool) -> go.Scatter:
    """All points in one unlabelled marker trace; ``marker`` says how they are coloured."""
    return go.Scatter(
        x=points[:, 0],
        y=points[:, 1],
        mode="markers",
        name="points",
        hoverinfo="skip",
        showlegend=False,
        marker={"size": sizes(large)["point"], **marker},
    )


def soft_point_trace(points: np.ndarray, responsibilities: np.ndarray | None, *, large: bool = False) -> go.Scatter:
    """All points in one trace, each coloured by its responsibility-weighted blend (see :func:`blended_colors`)."""
    marker = {"color": blended_colors(responsibilities, len(points)), "line": {"width": 0}}
    return _points_trace(points, marker, large=large)


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
    return _points_trace(points, marker, large=large)


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


def ellipse_path(outline: np.ndarray, mean: np.ndarray) -> str:
    """SVG path of an ellipse from its outline at quarter turns, as four cubic Bezier arcs.

    An ellipse is an affine image of the unit circle and an affine map keeps Bezier curves, so the
    circle's four-arc Bezier form (control points KAPPA along the tangents, within 0.03% of the
    radius) draws the ellipse with 13 points instead of an outline of ``OUTLINE_POINTS``.

    Parameters
    ----------
    outline : ndarray of shape (5, 2)
        Points at angles 0, 90, 180, 270 and 360 degrees (``ellipse_outlines(..., n_points=4)``).
    mean : ndarray of shape (2,)
    """
    parts = [f"M{outline[0, 0]:.5g},{outline[0, 1]:.5g}"]
    for start, end in zip(outline[:-1], outline[1:], strict=True):
        first, second = start + KAPPA * (end - mean), end + KAPPA * (start - mean)
        parts.append("C" + " ".join(f"{x:.5g},{y:.5g}" for x, y in (first, second, end)))
    return "".join(parts) + "Z"


def ellipse_shapes(means: np.ndarray, covariances: np.ndarray, *, large: bool = False) -> list[dict]:
    """Every component's 50% (dotted) and 95% (solid) outline as a path shape in its colour.

    Returned without axis references; :func:`panels_figure` puts them on their panel's axes.
    """
    shapes = []
    for level in ELLIPSE_LEVELS:
        outlines = ellipse_outlines(means, covariances, level, 4)
        for k, outline in enumerate(outlines):
            shapes.append(
                {
                    "type": "path",
                    "path": ellipse_path(outline, np.asarray(means[k], dtype=float)),
                    "layer": "above",
                    "line": {"color": component_color(k), "width": sizes(large)["line"], "dash": ELLIPSE_DASH[level]},
                }
            )
    return shapes


def fit_layers(
    view: View2D, points: np.ndarray, params: GMMParams, responsibilities, *, large: bool = False, lang: str = "en"
) -> tuple[list, list[dict]]:
    """One finished fit: (traces, shapes) of soft-coloured points, labelled means and ellipses."""
    means, covariances = view.components(params)
    traces = [soft_point_trace(points, responsibilities, large=large), mean_trace(means, large=large, lang=lang)]
    return traces, ellipse_shapes(means, covariances, large=large)


class StillFigure(go.Figure):
    """A ``go.Figure`` whose pickled copy is rebuilt without validating it again.

    ``st.cache_data`` hands every session its own unpickled copy of a cached result, and plotly.py
    validates every property of a figure it rebuilds: for the local-optima gallery that is ~15x
    the cost of the rebuild without validation, paid on every new session (page open or reload).
    The figure was validated once, when it was built.
    """

    def __reduce__(self):
        return _rebuild_still_figure, (self.to_dict(),)


def _rebuild_still_figure(props: dict) -> StillFigure:
    return StillFigure(props, _validate=False)


def still(figure: go.Figure) -> StillFigure:
    """``figure`` as a :class:`StillFigure` (cheap to hand out from a cache)."""
    return StillFigure(figure.to_dict(), _validate=False)


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
