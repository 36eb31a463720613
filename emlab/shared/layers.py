"""Light drawing pieces for still pictures: few traces, few SVG nodes, figures cheap to hand out (pure).

Every trace costs the browser time to draw and every marker an SVG node (issue 10), so a picture
that does not animate is drawn with as few as it needs:

- soft colours as *one* marker trace whose per-point colour is what K + 1 overlaid layers (a grey
  base at 35% plus one per component at 90% of its responsibility) composite to: N markers drawn
  instead of (K + 1) x N, the same picture (:func:`blended_rgba`);
- ellipses as layout shapes (one SVG path each, four Bezier arcs), not as 2K line traces: a line
  trace has one colour, and the components need theirs;
- :class:`StillFigure`: a figure that a cache hands out without plotly.py validating it again;
- :func:`cartesian_template`: the figure template cut to what a 2-D chart of scatter and bar
  traces reads (plotly.py writes the whole template, 7 kB, into every figure's JSON).

The Playground's animation draws the same blend in one trace too, sending each point's colour in
its frames as a one-byte index into a palette of these colours (``emlab.playground.palette``).
"""

from __future__ import annotations

import copy
from functools import cache

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from emlab.shared.figures import ELLIPSE_DASH, ELLIPSE_LEVELS
from emlab.shared.style import NEUTRAL_POINT, component_color, figure_style, rgba, sizes
from gmm_core import ellipse_outlines

BASE_OPACITY = 0.35  # the grey every point starts from
SHADE_OPACITY = 0.9  # a component's colour at responsibility 1
KAPPA = 4 / 3 * (np.sqrt(2) - 1)  # Bezier control distance for a quarter circle
GHOST_OPACITY = 0.35  # ellipses before an M-step, faded behind the new ones
GHOST_WIDTH = 0.6  # ... and thinner, as a fraction of the line width


def _rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


def blended_rgba(responsibilities: np.ndarray | None, n_points: int) -> np.ndarray:
    """Each point's colour: grey at 35%, then component k at 90% x gamma_nk, composited "over" in order.

    The one place the soft-colouring rule is written; :func:`blended_colors` (still pictures) and
    the Playground's palette (``emlab.playground.palette``) both read it.

    Parameters
    ----------
    responsibilities : ndarray of shape (n_points, n_components), or None
        None (no E-step yet, or a broken fit) leaves every point grey.
    n_points : int

    Returns
    -------
    ndarray of shape (n_points, 4), float
        Red, green and blue as whole numbers 0..255 and the opacity 0..1. The same layers the
        Playground used to overlay (a grey base plus one trace per component), so a point owned
        by one component shows its colour and a shared point a blend.
    """
    alpha = np.full(n_points, BASE_OPACITY)
    color = np.tile(_rgb(NEUTRAL_POINT), (n_points, 1))
    if responsibilities is not None:
        shades = np.rint(np.asarray(responsibilities, dtype=float) * 255) / 255  # uint8 steps, as the frames had
        for k in range(shades.shape[1]):
            layer = SHADE_OPACITY * shades[:, k]
            combined = layer + alpha * (1 - layer)
            weight = np.divide(layer, combined, out=np.zeros_like(layer), where=combined > 0)
            color = weight[:, None] * _rgb(component_color(k)) + (1 - weight[:, None]) * color
            alpha = combined
    return np.column_stack([np.rint(color), alpha])


def blended_colors(responsibilities: np.ndarray | None, n_points: int) -> list[str]:
    """Each point's colour as ``rgba(...)`` (see :func:`blended_rgba`), one string per point."""
    return [f"rgba({r:.0f},{g:.0f},{b:.0f},{a:.3f})" for r, g, b, a in blended_rgba(responsibilities, n_points)]


def marker_points_trace(points: np.ndarray, marker: dict, *, large: bool = False, **properties) -> go.Scatter:
    """All points in one unlabelled marker trace; ``marker`` says how they are coloured.

    ``properties`` add to or replace the trace's own (say ``customdata`` and a ``hovertemplate``
    with ``hoverinfo=None`` for points that answer a hover and a click).
    """
    trace = {
        "x": points[:, 0],
        "y": points[:, 1],
        "mode": "markers",
        "name": "points",
        "hoverinfo": "skip",
        "showlegend": False,
        "marker": {"size": sizes(large)["point"], **marker},
    }
    return go.Scatter(**{**trace, **properties})


def soft_point_trace(
    points: np.ndarray, responsibilities: np.ndarray | None, *, large: bool = False, **properties
) -> go.Scatter:
    """All points in one trace, each coloured by its responsibility-weighted blend (see :func:`blended_colors`)."""
    marker = {"color": blended_colors(responsibilities, len(points)), "line": {"width": 0}}
    return marker_points_trace(points, marker, large=large, **properties)


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


def ellipse_shapes(
    means: np.ndarray, covariances: np.ndarray, *, large: bool = False, ghost: bool = False, axes: str | None = None
) -> list[dict]:
    """Every component's 50% (dotted) and 95% (solid) outline as a path shape in its colour.

    Parameters
    ----------
    ghost : bool
        The ellipses before an M-step: dashed, faded and thinner, drawn beneath the points
        (between the grid and the traces) instead of above them.
    axes : str, optional
        The axes' suffix to place the shapes on ("" for x and y, "2" for x2 and y2); None leaves
        the placing to the caller (as ``emlab.pitfalls.layers.panels_figure`` does).
    """
    shapes = []
    width = sizes(large)["line"] * GHOST_WIDTH if ghost else sizes(large)["line"]
    for level in ELLIPSE_LEVELS:
        outlines = ellipse_outlines(means, covariances, level, 4)
        for k, outline in enumerate(outlines):
            shape = {
                "type": "path",
                "path": ellipse_path(outline, np.asarray(means[k], dtype=float)),
                "layer": "between" if ghost else "above",
                "line": {
                    "color": rgba(component_color(k), GHOST_OPACITY) if ghost else component_color(k),
                    "width": width,
                    "dash": "dash" if ghost else ELLIPSE_DASH[level],
                },
            }
            if axes is not None:
                shape.update(xref=f"x{axes}", yref=f"y{axes}")
            shapes.append(shape)
    return shapes


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


# Template parts only other kinds of chart read: polar, ternary, 3-D, map and colour-scale charts.
NOT_CARTESIAN = ("polar", "ternary", "scene", "geo", "mapbox", "coloraxis", "colorscale")


@cache
def _cartesian_template() -> dict:
    template = pio.templates[figure_style(False)["template"]].to_plotly_json()
    layout = {key: value for key, value in template["layout"].items() if key not in NOT_CARTESIAN}
    data = {kind: template["data"][kind] for kind in ("scatter", "bar") if kind in template["data"]}
    return {"data": data, "layout": layout}


def cartesian_template() -> dict:
    """The app's template with only what a 2-D chart of scatter and bar traces reads (~1 kB instead of 7 kB).

    Drawn the same as with the whole template: the parts left out style chart kinds such a chart
    does not have. A fresh copy each call (a figure may change its own).
    """
    return copy.deepcopy(_cartesian_template())
