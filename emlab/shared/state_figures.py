"""One EM state as a picture: its traces (soft-coloured points, ellipses, means) and a still figure.

The Playground animates these traces; the story, "How many components?" and pitfalls pages draw
one state still (the true mixture, the winning fit, a run's end). Pure functions, no Streamlit.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from emlab.shared.figures import (
    View2D,
    axis_ranges,
    base_layout,
    ellipse_traces,
    legend_entries,
    make_view,
    mean_trace,
    point_traces,
    responsibility_shades,
    truth_traces,
)
from emlab.shared.pipeline import LoadedData
from emlab.shared.settings import ViewSettings
from gmm_core import EMState


def state_traces(
    state: EMState,
    points: np.ndarray,
    view: View2D,
    *,
    large: bool = False,
    rows: np.ndarray | None = None,
    lang: str = "en",
) -> list[go.Scatter]:
    """One EM state drawn as traces: soft-coloured points, ellipses at two levels, means.

    Parameters
    ----------
    state : EMState
    points : ndarray of shape (M, 2)
        The displayed points, already seen through ``view``.
    view : View2D
    large : bool
        Presentation mode sizes.
    rows : ndarray of int, optional
        Which samples ``points`` are (for a display subset); all when omitted.
    """
    n_components = state.params.n_components
    responsibilities = state.responsibilities
    if responsibilities is not None and rows is not None:
        responsibilities = responsibilities[rows]
    shades = responsibility_shades(responsibilities, n_components, len(points))
    means, covariances = view.components(state.params)
    return [
        *point_traces(points, shades, large=large),
        *ellipse_traces(means, covariances, large=large),
        mean_trace(means, large=large, lang=lang),
    ]


def state_figure(
    state: EMState, data: LoadedData, view_settings: ViewSettings, *, rows: np.ndarray | None = None, lang: str = "en"
) -> go.Figure:
    """A still picture of one EM state (2-D or more features): points, ellipses, means, truth."""
    view = make_view(data.X, data.feature_names, view_settings)
    X = data.X if rows is None else data.X[rows]
    points = view.points(X)
    large = view_settings.large
    means, _ = view.components(state.params)
    traces = []
    if view_settings.show_truth:
        traces += truth_traces(data.true_params, view, large=large, lang=lang)
    traces += state_traces(state, points, view, large=large, rows=rows, lang=lang)
    traces += legend_entries(state.params.n_components, large=large, lang=lang)
    x_range, y_range = axis_ranges(points, means)
    figure = go.Figure(data=traces)
    figure.update_layout(base_layout(x_range, y_range, view.x_title, view.y_title, large=large))
    return figure
