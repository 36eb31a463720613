"""Figures of the "How many components?" page: BIC and AIC against K, and the winning fit (pure, no Streamlit)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from emlab.choose_k.model import ModelComparison
from emlab.shared.figures import shown_rows
from emlab.shared.layers import cartesian_template, still
from emlab.shared.panels import density_grid, histogram, histogram_bar
from emlab.shared.pipeline import LoadedData
from emlab.shared.settings import ViewSettings
from emlab.shared.state_figures import state_figure
from emlab.shared.style import NEUTRAL_POINT, component_color, component_name, figure_style, rgba, sizes
from emlab.shared.text import t
from gmm_core import GMMParams, component_densities_1d

# One look per covariance type: colour, dash and marker, so the curves differ in three ways.
TYPE_STYLE = {
    "full": ("#222222", "solid", "circle"),
    "tied": ("#D55E00", "dash", "square"),
    "diag": ("#009E73", "dot", "diamond"),
    "spherical": ("#CC79A7", "dashdot", "triangle-up"),
}
TRUE_K_COLOR = "#6b6b6b"
DENSITY_GRID_POINTS = 200


def criterion_figure(
    comparison: ModelComparison, true_k: int | None, *, large: bool = False, lang: str = "en"
) -> go.Figure:
    """BIC (left) and AIC (right) against K, one line per covariance type.

    Each type's lowest point is ringed (all rings of a panel in one trace); the overall winner
    (by the comparison's criterion) gets a star; a dashed vertical line marks the true K when it
    is known. Returned as a :class:`StillFigure`, cheap to hand out from a cache.
    """
    size = sizes(large)
    criteria = ("bic", "aic")
    figure = make_subplots(
        rows=1, cols=2, subplot_titles=(t("ck.fig.bic", lang), t("ck.fig.aic", lang)), horizontal_spacing=0.12
    )
    for column, criterion in enumerate(criteria, start=1):
        lowest_k, lowest_score, lowest_color = [], [], []
        for scores in comparison.by_type:
            color, dash, symbol = TYPE_STYLE[scores.covariance_type]
            values = scores.scores(criterion)
            figure.add_trace(
                go.Scatter(
                    x=scores.k_values,
                    y=values,
                    mode="lines+markers",
                    name=scores.covariance_type,
                    legendgroup=scores.covariance_type,
                    showlegend=column == 1,
                    line={"color": color, "dash": dash, "width": size["line"]},
                    marker={"symbol": symbol, "size": size["point"] + 3, "color": color},
                    hovertemplate=f"{scores.covariance_type}, K = %{{x}}: {criterion.upper()} %{{y:,.1f}}"
                    + "<extra></extra>",
                ),
                row=1,
                col=column,
            )
            lowest = int(np.argmin(values))
            lowest_k.append(int(scores.k_values[lowest]))
            lowest_score.append(float(values[lowest]))
            lowest_color.append(color)
        # Every type's lowest point ringed in its colour: one trace per panel, not one per type.
        figure.add_trace(
            go.Scatter(
                x=lowest_k,
                y=lowest_score,
                mode="markers",
                name=t("ck.fig.minimum", lang),
                showlegend=False,
                marker={"symbol": "circle-open", "size": size["mean"] * 1.4, "color": lowest_color},
                marker_line_width=3,
                hoverinfo="skip",
            ),
            row=1,
            col=column,
        )
        if true_k is not None:
            figure.add_vline(
                x=true_k,
                line={"color": TRUE_K_COLOR, "dash": "dash", "width": 2},
                annotation={"text": t("ck.fig.true_k", lang, k=true_k), "font": {"size": size["font"] * 0.9}},
                annotation_position="top right",
                row=1,
                col=column,
            )
    winner_column = criteria.index(comparison.settings.criterion) + 1
    figure.add_trace(
        go.Scatter(
            x=[comparison.winner_k],
            y=[comparison.winner_score],
            mode="markers",
            name=t("ck.fig.winner", lang),
            marker={
                "symbol": "star",
                "size": size["mean"] * 1.6,
                "color": "#F0E442",
                "line": {"color": "#111111", "width": 2},
            },
            hovertemplate=f"{comparison.winner_type}, K = %{{x}}<extra>{t('ck.fig.winner', lang)}</extra>",
        ),
        row=1,
        col=winner_column,
    )
    k_max = max(int(scores.k_values.max()) for scores in comparison.by_type)
    figure.update_xaxes(title={"text": t("ck.fig.k", lang)}, dtick=1, range=[0.5, k_max + 0.5])
    for column, criterion in enumerate(criteria, start=1):
        figure.update_yaxes(range=_focus_range(comparison, criterion), row=1, col=column)
    figure.update_layout(
        **figure_style(large),
        height=540 if large else 470,
        margin={"l": 80, "r": 150, "t": 70, "b": 60},
        legend={"orientation": "v", "x": 1.02, "y": 1.0, "font": {"size": size["font"]}},
        hovermode="closest",
    )
    figure.update_annotations(font={"size": size["font"]})
    figure.layout.template = cartesian_template()  # assigned, not merged into the default template
    return still(figure)


def _focus_range(comparison: ModelComparison, criterion: str) -> list[float]:
    """A y range from the lowest score up to the highest score at K >= 2.

    K = 1 is usually far above everything else; leaving it off the top (its line runs out of
    the chart) keeps the differences near the minimum, which decide the choice, readable.
    """
    values = np.concatenate([scores.scores(criterion) for scores in comparison.by_type])
    ks = np.concatenate([scores.k_values for scores in comparison.by_type])
    low = float(values.min())
    high = float(values[ks >= 2].max()) if np.any(ks >= 2) else float(values.max())
    span = high - low if high > low else max(abs(low), 1.0) * 0.01
    return [low - 0.08 * span, high + 0.08 * span]


def winner_figure(comparison: ModelComparison, data: LoadedData, view: ViewSettings, *, lang: str = "en") -> go.Figure:
    """The winning model drawn on the data: the shared still picture of one state (2-D and up) or a histogram (1-D)."""
    state = comparison.winner_state
    if data.n_features == 1:
        return one_feature_figure(data, state.params, large=view.large, lang=lang)
    figure = state_figure(state, data, view, rows=shown_rows(data.n_samples), lang=lang)
    figure.update_layout(height=560 if view.large else 520, margin={"t": 30})
    return figure


def one_feature_figure(data: LoadedData, params: GMMParams, *, large: bool = False, lang: str = "en") -> go.Figure:
    """A histogram of one-feature data with each weighted component pi_k N(x | mu_k, sigma_k^2) and their sum."""
    size = sizes(large)
    x = data.X[:, 0]
    grid = density_grid(x, DENSITY_GRID_POINTS)
    densities = component_densities_1d(params, grid)
    heights, edges = histogram(x, density=True)
    traces = [
        histogram_bar(
            heights.astype(np.float32),
            edges,
            name=data.feature_names[0],
            marker={"color": rgba(NEUTRAL_POINT, 0.4), "line": {"width": 0}},
            hoverinfo="skip",
        )
    ]
    for k, density in enumerate(densities):
        traces.append(
            go.Scatter(
                x=grid.astype(np.float32),
                y=density.astype(np.float32),
                mode="lines",
                name=component_name(k),
                line={
                    "color": component_color(k),
                    "width": size["line"],
                    "dash": ["solid", "dash", "dot", "dashdot"][k % 4],
                },
            )
        )
    traces.append(
        go.Scatter(
            x=grid.astype(np.float32),
            y=densities.sum(axis=0).astype(np.float32),
            mode="lines",
            name=t("ck.fig.mixture", lang),
            line={"color": "#111111", "width": size["line"] * 1.3},
        )
    )
    figure = go.Figure(data=traces)
    figure.update_layout(
        **figure_style(large),
        height=520 if large else 460,
        margin={"l": 60, "r": 20, "t": 30, "b": 50},
        bargap=0,
        xaxis={"title": {"text": data.feature_names[0]}},
        yaxis={"title": {"text": t("ck.fig.density", lang)}},
    )
    figure.layout.template = cartesian_template()  # assigned, not merged into the default template
    return still(figure)
