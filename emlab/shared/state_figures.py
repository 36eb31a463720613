"""One EM state as a still picture: soft-coloured points, ellipses, means, truth (pure, no Streamlit).

The story page draws the true mixture this way, "How many components?" its winning fit. A still
picture is drawn with the light pieces of :mod:`emlab.shared.layers` (issue 10): all points in one
trace in their blended colours (N markers instead of (K + 1) x N), every ellipse a path shape in
its component's colour (instead of 2K line traces), and a figure that a cache hands out without
plotly.py validating it again. What a student sees is the Playground's picture of the same state.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from emlab.shared.figures import (
    axis_ranges,
    base_layout,
    legend_entries,
    make_view,
    mean_trace,
    truth_traces,
)
from emlab.shared.layers import StillFigure, cartesian_template, ellipse_shapes, soft_point_trace, still
from emlab.shared.pipeline import LoadedData
from emlab.shared.settings import ViewSettings
from gmm_core import EMState


def state_figure(
    state: EMState, data: LoadedData, view_settings: ViewSettings, *, rows: np.ndarray | None = None, lang: str = "en"
) -> StillFigure:
    """A still picture of one EM state (2-D or more features): points, ellipses, means, truth.

    Parameters
    ----------
    state : EMState
        Its responsibilities colour the points (grey where there are none).
    data : LoadedData
    view_settings : ViewSettings
        The 2-D view, presentation sizes, and whether the true 95% ellipses are drawn.
    rows : ndarray of int, optional
        Which samples to draw (a display subset); all when omitted.

    Returns
    -------
    StillFigure
        Traces: the truth (when asked for), one point trace, the means, and legend entries for
        the component colours and the two ellipse levels; the ellipses are layout shapes.
    """
    view = make_view(data.X, data.feature_names, view_settings)
    X = data.X if rows is None else data.X[rows]
    points = view.points(X)
    large = view_settings.large
    responsibilities = state.responsibilities
    if responsibilities is not None and rows is not None:
        responsibilities = responsibilities[rows]
    means, covariances = view.components(state.params)
    traces = truth_traces(data.true_params, view, large=large, lang=lang) if view_settings.show_truth else []
    traces += [soft_point_trace(points, responsibilities, large=large), mean_trace(means, large=large, lang=lang)]
    traces += legend_entries(state.params.n_components, large=large, lang=lang)
    x_range, y_range = axis_ranges(points, means)
    layout = base_layout(x_range, y_range, view.x_title, view.y_title, large=large)
    layout["shapes"] = ellipse_shapes(means, covariances, large=large, axes="")
    figure = go.Figure(data=traces, layout=layout)
    figure.layout.template = cartesian_template()  # assigned, not merged into the default template
    return still(figure)
