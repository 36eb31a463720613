"""The data as the step-through chart draws it, fixed for a data set and a view (what does not change with a step).

Two-feature and wider data is seen through a 2-D view (two features or the first two principal
axes); one-feature data is a histogram with a soft-coloured rug of points beneath it. Axis ranges
are fixed here, so nothing jumps while the student steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from emlab.shared.figures import View2D, axis_ranges, display_subset, histogram_edges, make_view
from emlab.shared.settings import DISPLAY_POINT_LIMIT, ViewSettings
from gmm_core import GMMParams


@dataclass(frozen=True, eq=False)
class Scene:
    """The data as drawn, fixed for a data set and a view: everything that does not change with a step.

    Attributes
    ----------
    rows : ndarray of int, shape (M,)
        Which samples are drawn (all of them up to ``DISPLAY_POINT_LIMIT``).
    points : ndarray of shape (M, 2), float32
        Their screen coordinates (for one feature: value and a small vertical jitter for the rug).
    view : View2D or None
        None for one-feature data (drawn as a histogram).
    x_range, y_range : list of two floats
        Fixed axis ranges, so nothing jumps between steps.
    truth : GMMParams or None
        The true mixture, drawn dashed when known and asked for.
    large : bool
        Presentation mode sizes.
    values : ndarray of shape (N,) or None
        All samples of one-feature data.
    bin_edges, bin_heights : ndarray or None
        Their histogram (density scale), binned by the app's one histogram rule
        (``emlab.shared.figures.histogram_edges``).
    """

    rows: np.ndarray
    points: np.ndarray
    view: View2D | None
    x_range: list[float]
    y_range: list[float]
    truth: GMMParams | None
    large: bool
    values: np.ndarray | None = None
    bin_edges: np.ndarray | None = None
    bin_heights: np.ndarray | None = None

    @property
    def one_feature(self) -> bool:
        return self.view is None


def make_scene(
    X: np.ndarray, feature_names, view_settings: ViewSettings, truth: GMMParams | None = None, *, lang: str = "en"
) -> Scene:
    """The scene for data ``X`` (N, D) seen as ``view_settings`` asks (a histogram with a rug for D = 1)."""
    rows = display_subset(X.shape[0], DISPLAY_POINT_LIMIT)
    truth = truth if view_settings.show_truth else None
    if X.shape[1] == 1:
        return _histogram_scene(X[:, 0], rows, truth, view_settings.large, lang=lang)
    view = make_view(X, feature_names, view_settings)
    points = view.points(X[rows])
    x_range, y_range = axis_ranges(points)
    return Scene(rows, points, view, x_range, y_range, truth, view_settings.large)


def _histogram_scene(values: np.ndarray, rows: np.ndarray, truth, large: bool, *, lang: str = "en") -> Scene:
    values = np.asarray(values, float)
    heights, edges = np.histogram(values, bins=histogram_edges(values), density=True)
    top = float(heights.max()) * 1.5
    jitter = np.random.default_rng(0).uniform(-0.13, -0.03, size=len(rows)) * top
    points = np.column_stack([values[rows], jitter]).astype(np.float32)
    x_range, _ = axis_ranges(points)
    return Scene(rows, points, None, x_range, [-0.16 * top, top], truth, large, values, edges, heights)
