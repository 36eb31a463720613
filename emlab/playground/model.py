"""What the Playground page shows for one choice of data, model and view, as one pure function.

``app.py`` caches :func:`build_playground` with ``st.cache_data`` (so the result must pickle: it
lives in a module, not in the page script); the benchmark and the tests call it directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from emlab.playground.animation import animated_figure
from emlab.playground.frames import animation_indices
from emlab.playground.tables import FitSummary, parameter_table, summarize_fit
from emlab.shared.figures import shown_rows
from emlab.shared.pipeline import LoadedData
from emlab.shared.settings import ViewSettings
from gmm_core import EMState


@dataclass(frozen=True, eq=False)
class Playground:
    """The animation, the fit's summary and table, and what the animation leaves out.

    Attributes
    ----------
    figure : go.Figure
        The animated figure (one frame per half-step unless ``shown_iterations < iterations``).
    summary : FitSummary
    table : DataFrame
        Fitted components beside the matched true ones.
    n_points, shown_points : int
        Samples in the data and samples drawn (a random subset above ``DISPLAY_POINT_LIMIT``, see ``shown_rows``).
    iterations, shown_iterations : int
        Iterations EM ran and iterations the animation has frames for.
    one_feature : bool
        The figure is the 1-D histogram.
    """

    figure: go.Figure
    summary: FitSummary
    table: pd.DataFrame
    n_points: int
    shown_points: int
    iterations: int
    shown_iterations: int
    one_feature: bool


def build_playground(history: list[EMState], data: LoadedData, view: ViewSettings, *, lang: str = "en") -> Playground:
    """The figure, summary and table for a fit (``history``) of ``data``, drawn as ``view`` asks."""
    rows = shown_rows(data.n_samples)
    figure = animated_figure(history, data, view, rows=rows, lang=lang)
    summary = summarize_fit(history, data)
    kept = animation_indices(history, len(rows), history[0].params.n_components)
    return Playground(
        figure=figure,
        summary=summary,
        table=parameter_table(summary, history[-1].params, lang=lang),
        n_points=data.n_samples,
        shown_points=len(rows),
        iterations=history[-1].iteration,
        shown_iterations=len({history[i].iteration for i in kept} - {0}),
        one_feature=data.n_features == 1,
    )
