"""The 'Your own data' preview: the chosen columns before any model (a scatter, or a histogram for one).

Plain grey points on purpose: nothing is fitted yet, so nothing is coloured by a component.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from emlab.shared.figures import axis_ranges, base_layout, shown_rows
from emlab.shared.panels import histogram, histogram_bar
from emlab.shared.style import PALETTE, rgba, sizes

PREVIEW_HEIGHT = 440


def preview_figure(X: np.ndarray, feature_names, count_label: str = "rows", *, large: bool = False) -> go.Figure:
    """A first look at the data: the first two columns as a scatter, or a histogram of a single column.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The complete rows of the chosen columns (after any standardising).
    feature_names : sequence of str
        Axis titles (already safe to show: see ``emlab.your_data.upload.clean_name``).
    count_label : str
        The y-axis title of the histogram.
    """
    if X.shape[1] == 1:
        return _histogram(X[:, 0], feature_names[0], count_label, large)
    shown = X[shown_rows(len(X)), :2].astype(np.float32)
    x_range, y_range = axis_ranges(shown)
    scatter = go.Scatter(
        x=shown[:, 0],
        y=shown[:, 1],
        mode="markers",
        name="data",
        marker={"size": sizes(large)["point"] + 1, "color": rgba(PALETTE[0], 0.55), "line": {"width": 0}},
        hovertemplate="(%{x:.4g}, %{y:.4g})<extra></extra>",
    )
    layout = base_layout(x_range, y_range, feature_names[0], feature_names[1], large=large, height=PREVIEW_HEIGHT)
    layout["showlegend"] = False
    layout["margin"] = {"l": 60, "r": 20, "t": 20, "b": 50}
    return go.Figure(data=[scatter], layout=layout)


def _histogram(values: np.ndarray, name: str, count_label: str, large: bool) -> go.Figure:
    counts, edges = histogram(values, density=False)
    bars = histogram_bar(
        counts.astype(np.float32),
        edges,
        marker={"color": rgba(PALETTE[0], 0.6), "line": {"width": 0}},
        hovertemplate="%{x:.4g}: %{y} " + count_label + "<extra></extra>",
    )
    x_range, _ = axis_ranges(np.column_stack([edges, edges]), pad=0.02)
    layout = base_layout(
        x_range, [0, float(counts.max()) * 1.08], name, count_label, large=large, height=PREVIEW_HEIGHT
    )
    layout["showlegend"] = False
    layout["bargap"] = 0.02
    layout["margin"] = {"l": 60, "r": 20, "t": 20, "b": 50}
    return go.Figure(data=[bars], layout=layout)
