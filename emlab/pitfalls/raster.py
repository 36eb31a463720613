"""Many still points as one picture: a PNG placed on a panel's axes instead of one SVG node per point.

A plotly marker is one SVG element, and the browser pays for every one of them on every draw: the
local-optima gallery's eight panels of 600 points were 4,800 of the page's 7,600 SVG nodes (issue
10). Points nobody hovers can be painted once on the server instead, the same way the browser
would paint them: discs of the marker's diameter in screen pixels, edges anti-aliased by how much
of each pixel the disc covers, each point laid "over" the ones before it in order with its own
colour and opacity. The picture is painted at the size the panel has at the reference chart width,
``OVERSAMPLE`` times finer, so it stays sharp on high-density screens and when the chart is wider.
"""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

REFERENCE_WIDTH = 820  # px: the chart's width in a 1280-px window with the sidebar open
OVERSAMPLE = 2  # image pixels per screen pixel at the reference width


def paint_points(points: np.ndarray, colors: np.ndarray, shape: tuple[int, int], diameter: float) -> np.ndarray:
    """Discs on a transparent canvas, composited "over" in order.

    Parameters
    ----------
    points : ndarray of shape (n_points, 2)
        Centres in image pixels (column, row), row 0 at the top.
    colors : ndarray of shape (n_points, 4)
        Red, green, blue 0..255 and opacity 0..1 per point.
    shape : (height, width)
    diameter : float
        In image pixels.

    Returns
    -------
    ndarray of shape (height, width, 4), uint8
        Straight (not premultiplied) RGBA.
    """
    height, width = shape
    points = np.asarray(points, dtype=float)
    colors = np.asarray(colors, dtype=float)
    radius = diameter / 2
    reach = int(np.ceil(radius + 1))
    size = 2 * reach + 1
    # Every disc's coverage of its own size x size patch at once, on a canvas with a border of one
    # patch so no disc that touches the picture is cut; "over" runs point by point (the order
    # decides overlaps), and discs wholly off the picture are left out.
    origins = np.floor(points).astype(int) - reach
    inside = np.all((origins > -size) & (origins < np.array([width, height])), axis=1)
    points, colors, origins = points[inside], colors[inside], origins[inside]
    steps = np.arange(size) + 0.5
    across = origins[:, 0, None] + steps[None] - points[:, 0, None]
    down = origins[:, 1, None] + steps[None] - points[:, 1, None]
    distance = np.hypot(across[:, None, :], down[:, :, None])
    covers = np.clip(radius + 0.5 - distance, 0.0, 1.0) * colors[:, 3, None, None]
    premultiplied = np.zeros((height + 2 * size, width + 2 * size, 3))
    alpha = np.zeros((height + 2 * size, width + 2 * size))
    for (column, row), color, cover in zip(origins + size, colors[:, :3], covers, strict=True):
        patch = (slice(row, row + size), slice(column, column + size))
        premultiplied[patch] = color * cover[..., None] + premultiplied[patch] * (1 - cover[..., None])
        alpha[patch] = cover + alpha[patch] * (1 - cover)
    premultiplied = premultiplied[size : size + height, size : size + width]
    alpha = alpha[size : size + height, size : size + width]
    straight = np.divide(premultiplied, alpha[..., None], out=np.zeros_like(premultiplied), where=alpha[..., None] > 0)
    return np.dstack([np.rint(straight), np.rint(alpha * 255)]).clip(0, 255).astype(np.uint8)


def points_image(
    points: np.ndarray,
    colors: np.ndarray,
    x_range: list[float],
    y_range: list[float],
    pixels_per_unit: float,
    diameter: float,
) -> dict:
    """A layout image of ``points`` covering ``x_range`` x ``y_range`` on one panel's axes.

    Parameters
    ----------
    points : ndarray of shape (n_points, 2)
        In data units.
    colors : ndarray of shape (n_points, 4)
        Red, green, blue 0..255 and opacity 0..1 per point (as :func:`emlab.shared.layers.blended_rgba`).
    x_range, y_range : [low, high]
        The area the image covers, in data units.
    pixels_per_unit : float
        Screen pixels per data unit on the panel at the reference width (equal on both axes).
    diameter : float
        The marker's diameter in screen pixels (plotly's ``marker.size``).

    Returns
    -------
    dict
        A plotly layout image without ``xref``/``yref`` (the caller places it on its panel),
        drawn above the traces and beneath the shapes, as a marker trace drawn last would be.
    """
    scale = pixels_per_unit * OVERSAMPLE
    width = max(int(np.ceil((x_range[1] - x_range[0]) * scale)), 1)
    height = max(int(np.ceil((y_range[1] - y_range[0]) * scale)), 1)
    points = np.asarray(points, dtype=float)
    centres = np.column_stack([(points[:, 0] - x_range[0]) * scale, (y_range[1] - points[:, 1]) * scale])
    pixels = paint_points(centres, colors, (height, width), diameter * OVERSAMPLE)
    buffer = io.BytesIO()
    # 256 colours (with their opacities) in a palette: a quarter of the bytes, no difference to see
    picture = Image.fromarray(pixels, "RGBA").quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    picture.save(buffer, format="PNG", optimize=True)
    return {
        "source": "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"),
        "x": x_range[0],
        "y": y_range[1],
        "sizex": x_range[1] - x_range[0],
        "sizey": y_range[1] - y_range[0],
        "sizing": "stretch",
        "xanchor": "left",
        "yanchor": "top",
        "layer": "above",
    }
