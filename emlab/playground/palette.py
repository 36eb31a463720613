"""The animation's point colours as one byte per point: a palette of blended colours and an index per point.

The Playground draws all points as one marker trace whose colours are the responsibility blend of
the still pages (``emlab.shared.layers.blended_rgba``). An E-step frame would carry N colours;
as ``"rgba(...)"`` strings that is ~20 bytes a point. Instead the figure holds one palette of at
most 256 colours as the trace's ``marker.colorscale`` (a stop exactly on each entry, ``cmin`` 0,
``cmax`` the last index), and a frame carries each point's palette index as a uint8 typed array:
one byte a point (4/3 in base64), a K-th of what K per-component shade arrays took. plotly.js maps
an index through the colour scale to an RGBA colour and, with ``redraw: false``, sets each point's
``fill`` through a d3 transition, so the colours still fade from one E-step to the next.

The palette is built from the blended colours of every animated frame: the colours rounded to
whole RGBA steps (alpha in 1/255) and, when more than 256 distinct ones remain, clustered with
scikit-learn's k-means (weighted by how many points show each colour, so the common ones, such as
the grey start and fully owned points, come out exact). Pillow's ``Image.quantize`` on RGBA (fast
octree, the only RGBA method in a stock build) was measured too and left out: it used 25-66
entries and erred up to 27 RGB steps, k-means up to 16. Colour error of the colour a point is
drawn in (palette entry, alpha as written in the colour scale) against the exact blend, measured
on the default data (500 points, K = 3, 27 iterations), at N = 2000 with K = 5, on 2000 points of
five true clusters run 60 iterations (6,087 distinct colours), and on the 1-D default:

==================  =========  ==========  ============  =============
run                 max dRGB   mean dRGB   max dalpha    mean dalpha
==================  =========  ==========  ============  =============
defaults            6          0.20        0.015         0.0018
N=2000, K=5         6          0.15        0.016         0.0017
60 iterations, K=5  16         0.28        0.025         0.0019
1-D defaults        1          0.04        0.005         0.0016
random, K=5 (*)     15         2.6         0.041         0.0068
==================  =========  ==========  ============  =============

(*) 20,000 points of Dirichlet(0.3) responsibilities: far more shared points than EM leaves.

(dRGB in 0..255 steps per channel; a step of 6 is not visible on a 6-pixel marker.) Entries are
ordered by use, so most indices are small. Base64 writes "/" (escaped by plotly's JSON writer to
six characters) for a sextet of all ones; giving the most used entries only bytes that never make
one was measured and saved 18 of the default figure's 4,276 escapes (the rest are in the float32
coordinates), so it was left out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.cluster import KMeans

from emlab.shared.layers import blended_rgba

PALETTE_SIZE = 256  # colours a one-byte index can name
FIT_SAMPLE = 20_000  # distinct colours k-means is fitted on at most (all of them are then assigned)


def quantized(colours: np.ndarray) -> np.ndarray:
    """(N, 4) float colours (RGB 0..255, alpha 0..1) as uint8 RGBA, alpha in 1/255 steps."""
    return np.column_stack([np.rint(colours[:, :3]), np.rint(colours[:, 3] * 255)]).clip(0, 255).astype(np.uint8)


def point_palette(colour_sets: Sequence[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
    """One palette for several sets of point colours, and each set's colours as palette indices.

    Parameters
    ----------
    colour_sets : sequence of ndarray of shape (N, 4)
        Blended colours (``blended_rgba``), one array per picture (say per E-step).

    Returns
    -------
    palette : ndarray of shape (P, 4), uint8
        2 <= P <= 256 RGBA entries, most used first (a one-colour palette is doubled, so the
        colour scale has two distinct stops).
    indices : list of ndarray of shape (N,), uint8
        For each set, each point's palette entry (``palette[indices]`` is its colour).
    """
    sizes = [len(colours) for colours in colour_sets]
    stacked = quantized(np.concatenate(colour_sets))
    distinct, inverse, counts = np.unique(stacked, axis=0, return_inverse=True, return_counts=True)
    if len(distinct) <= PALETTE_SIZE:
        entries, entry_of_distinct = distinct, np.arange(len(distinct))
    else:
        entries, entry_of_distinct = _clustered(distinct, counts)
    entry_of_point = entry_of_distinct[inverse.ravel()]
    order = np.argsort(-np.bincount(entry_of_point, minlength=len(entries)), kind="stable")
    byte_of_entry = np.empty(len(entries), dtype=np.uint8)
    byte_of_entry[order] = np.arange(len(entries))
    palette = entries[order] if len(entries) > 1 else np.repeat(entries, 2, axis=0)
    return palette, np.split(byte_of_entry[entry_of_point], np.cumsum(sizes)[:-1])


def responsibility_palette(
    responsibility_sets: Sequence[np.ndarray | None], n_points: int
) -> tuple[np.ndarray, list[np.ndarray]]:
    """:func:`point_palette` of the blended colours (``blended_rgba``) of each responsibilities array (None: grey)."""
    return point_palette([blended_rgba(responsibilities, n_points) for responsibilities in responsibility_sets])


def _clustered(distinct: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``PALETTE_SIZE`` k-means centres of the distinct colours (weighted by use), and each one's centre."""
    values = distinct.astype(np.float64)
    fit_rows = np.arange(len(values))
    if len(values) > FIT_SAMPLE:
        rng = np.random.default_rng(0)
        fit_rows = np.sort(rng.choice(len(values), FIT_SAMPLE, replace=False, p=counts / counts.sum()))
    # 20 Lloyd iterations reach the same palette errors as 300 (measured on the runs in the module
    # docstring) in three quarters of the time: 54 -> 41 ms at the defaults, 362 -> 273 ms at 60 iterations.
    model = KMeans(PALETTE_SIZE, n_init=1, max_iter=20, random_state=0)
    model.fit(values[fit_rows], sample_weight=counts[fit_rows])
    centres = np.rint(model.cluster_centers_).clip(0, 255).astype(np.uint8)
    return centres, model.predict(values)


def palette_colorscale(palette: np.ndarray) -> list[list]:
    """The palette as a plotly colour scale with a stop exactly on each entry (index i at i / (P - 1))."""
    last = len(palette) - 1
    return [[i / last, f"rgba({r},{g},{b},{a / 255:.3f})"] for i, (r, g, b, a) in enumerate(palette.tolist())]


def palette_marker(palette: np.ndarray, indices: np.ndarray) -> dict:
    """A marker whose per-point colour is ``palette[indices]`` (``cmin`` 0, ``cmax`` the last entry)."""
    return {
        "color": indices,
        "cmin": 0,
        "cmax": len(palette) - 1,
        "colorscale": palette_colorscale(palette),
        "showscale": False,
        "line": {"width": 0},
    }
