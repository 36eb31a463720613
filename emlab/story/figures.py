"""Figures of the generative story: Dirichlet draws, multinomial counts, points by true class (pure, no Streamlit).

The third stage is the shared still picture of one EM state (``emlab.shared.state_figures``): the "state" is the true
mixture with responsibilities that are exactly the true labels (one-hot), so the points wear the
colour of the class that made them. Every figure is a ``StillFigure`` (``emlab.shared.layers``), which
the page's cache hands to each new session without plotly.py validating it again.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import plotly.graph_objects as go

from emlab.shared.figures import shown_rows
from emlab.shared.layers import cartesian_template, still
from emlab.shared.panels import histogram, histogram_bar
from emlab.shared.pipeline import LoadedData
from emlab.shared.settings import ViewSettings
from emlab.shared.state_figures import state_figure
from emlab.shared.style import (
    NEUTRAL_POINT,
    PATTERNS,
    component_color,
    component_name,
    figure_style,
    rgba,
    sizes,
)
from emlab.shared.text import t
from gmm_core import EMState

STAGE_HEIGHT = 430


def _layout(large: bool, height: int = STAGE_HEIGHT) -> dict:
    size = sizes(large)
    return {
        **figure_style(large),
        "height": height + (60 if large else 0),
        "margin": {"l": 60, "r": 20, "t": 30, "b": 50},
        "legend": {"orientation": "h", "x": 0.0, "y": 1.02, "yanchor": "bottom", "font": {"size": size["font"] * 0.9}},
    }


def dirichlet_figure(draws: np.ndarray, actual: np.ndarray, *, large: bool = False, lang: str = "en") -> go.Figure:
    """Many Dirichlet draws and the one the data uses: a ternary plot for K = 3, strips per class otherwise.

    Parameters
    ----------
    draws : ndarray of shape (n_draws, K)
        Other draws with the same concentration (grey).
    actual : ndarray of shape (K,)
        The class probabilities of the data set (highlighted).
    """
    if draws.shape[1] == 3:
        return _ternary(draws, actual, large, lang=lang)
    return _strips(draws, actual, large, lang=lang)


def _ternary(draws: np.ndarray, actual: np.ndarray, large: bool, *, lang: str = "en") -> go.Figure:
    size = sizes(large)
    others = go.Scatterternary(
        a=draws[:, 0].astype(np.float32),
        b=draws[:, 1].astype(np.float32),
        c=draws[:, 2].astype(np.float32),
        mode="markers",
        name=t("story.fig.other_draws", lang),
        marker={"size": size["point"], "color": NEUTRAL_POINT, "opacity": 0.45},
        hoverinfo="skip",
    )
    this = go.Scatterternary(
        a=[actual[0]],
        b=[actual[1]],
        c=[actual[2]],
        mode="markers+text",
        name=t("story.fig.this_draw", lang),
        text=["θ = (" + ", ".join(f"{p:.2f}" for p in actual) + ")"],
        textposition="top center",
        textfont={"size": size["font"], "color": "#111111"},
        marker={
            "size": size["mean"] * 1.5,
            "color": "#111111",
            "symbol": "star",
            "line": {"color": "white", "width": 1.5},
        },
        hovertemplate="θ1 %{a:.3f}<br>θ2 %{b:.3f}<br>θ3 %{c:.3f}<extra></extra>",
    )

    def axis(k: int) -> dict:
        return {
            "title": {"text": f"θ{k + 1} ({component_name(k)})", "font": {"color": component_color(k)}},
            "min": 0,
            "linewidth": 2,
            "linecolor": component_color(k),
            "tickformat": ".1f",
            "tickvals": [0.2, 0.4, 0.6, 0.8],
        }

    figure = go.Figure(data=[others, this])
    layout = _layout(large, STAGE_HEIGHT + 40)
    layout["margin"] = {"l": 70, "r": 70, "t": 60, "b": 50}
    layout["ternary"] = {"sum": 1, "aaxis": axis(0), "baxis": axis(1), "caxis": axis(2), "bgcolor": "#fbfbfb"}
    layout["legend"].update({"y": -0.05, "yanchor": "top"})
    figure.update_layout(layout)
    return still(figure)


def _strips(draws: np.ndarray, actual: np.ndarray, large: bool, *, lang: str = "en") -> go.Figure:
    size = sizes(large)
    n_draws, n_components = draws.shape
    jitter = (np.random.default_rng(0).random(draws.shape) - 0.5) * 0.5
    classes = np.arange(n_components)
    bars = go.Bar(
        x=classes,
        y=actual,
        name=t("story.fig.this_draw", lang),
        marker={"color": [rgba(component_color(k), 0.75) for k in classes], "line": {"color": "#111111", "width": 1.5}},
        text=[f"{p:.2f}" for p in actual],
        textposition="outside",
        textfont={"size": size["font"]},
        width=0.7,
        hovertemplate="θ_%{x}: %{y:.3f}<extra></extra>",
    )
    others = go.Scatter(
        x=(classes[np.newaxis, :] + jitter).ravel().astype(np.float32),
        y=draws.ravel().astype(np.float32),
        mode="markers",
        name=t("story.fig.other_draws", lang),
        marker={"size": max(3, size["point"] - 2), "color": NEUTRAL_POINT, "opacity": 0.5},
        hoverinfo="skip",
    )
    figure = go.Figure(data=[bars, others])
    figure.update_layout(_layout(large))
    figure.update_xaxes(
        tickvals=classes,
        ticktext=[f"θ{k + 1} ({component_name(k)})" for k in classes],
        range=[-0.6, n_components - 0.4],
        title={"text": t("story.fig.class_axis", lang)},
    )
    figure.update_yaxes(range=[0, 1.08], title={"text": t("story.fig.theta", lang)}, dtick=0.2)
    figure.layout.template = cartesian_template()  # assigned, not merged into the default template
    return still(figure)


def counts_figure(
    counts: np.ndarray, expected: np.ndarray, spread: np.ndarray, *, large: bool = False, lang: str = "en"
) -> go.Figure:
    """Drawn multinomial counts as bars, the expected counts N theta_k as marks with +-1 sd whiskers."""
    size = sizes(large)
    classes = [component_name(k) for k in range(len(counts))]
    bars = go.Bar(
        x=classes,
        y=counts,
        name=t("story.fig.counts", lang),
        marker={
            "color": [rgba(component_color(k), 0.8) for k in range(len(counts))],
            "pattern": {"shape": list(PATTERNS[: len(counts)]) * 2},
        },
        text=[str(int(c)) for c in counts],
        textposition="inside",
        insidetextanchor="start",
        textfont={"size": size["font"]},
        hovertemplate=t("story.fig.count_hover", lang) + "<extra></extra>",
    )
    marks = go.Scatter(
        x=classes,
        y=expected,
        mode="markers",
        name=t("story.fig.expected", lang),
        marker={"symbol": "line-ew", "size": size["mean"] * 2.2, "line": {"color": "#111111", "width": 3}},
        error_y={"type": "data", "array": spread, "color": "#111111", "thickness": 2, "width": 10},
        hovertemplate=t("story.fig.expected_hover", lang) + "<extra></extra>",
    )
    figure = go.Figure(data=[bars, marks])
    figure.update_layout(_layout(large))
    top = float(max(counts.max(), (expected + spread).max()))
    figure.update_yaxes(range=[0, top * 1.18], title={"text": t("story.fig.count", lang)})
    figure.update_xaxes(title={"text": t("story.fig.class_axis", lang)})
    figure.layout.template = cartesian_template()  # assigned, not merged into the default template
    return still(figure)


def samples_figure(data: LoadedData, view_settings: ViewSettings, *, lang: str = "en") -> go.Figure:
    """The sampled points coloured by the class that made them, with the true ellipses (D >= 2)."""
    state = _truth_state(data)
    rows = shown_rows(data.n_samples)
    figure = state_figure(state, data, dataclasses.replace(view_settings, show_truth=False), rows=rows, lang=lang)
    figure.update_layout(height=560 if view_settings.large else 500)
    # Equal scales, so a round cluster looks round (the original script's clusters are circles).
    figure.update_yaxes(scaleanchor="x", scaleratio=1)
    return figure


def samples_histogram(data: LoadedData, *, large: bool = False, lang: str = "en") -> go.Figure:
    """One-feature data: a stacked histogram, one colour and pattern per true class."""
    x = data.X[:, 0]
    _, edges = histogram(x, density=False)
    traces = []
    for k in range(data.true_params.n_components):
        counts, _ = histogram(x[data.labels == k], density=False, edges=edges)
        traces.append(
            histogram_bar(
                counts,
                edges,
                name=component_name(k),
                marker={
                    "color": rgba(component_color(k), 0.8),
                    "pattern": {"shape": PATTERNS[k % len(PATTERNS)]},
                    "line": {"width": 0},
                },
            )
        )
    figure = go.Figure(data=traces)
    figure.update_layout(_layout(large), barmode="stack", bargap=0)
    figure.update_xaxes(title={"text": data.feature_names[0]})
    figure.update_yaxes(title={"text": t("story.fig.histogram_title", lang)})
    figure.layout.template = cartesian_template()  # assigned, not merged into the default template
    return still(figure)


def _truth_state(data: LoadedData) -> EMState:
    """The true mixture as an EM state whose responsibilities are the true labels (one-hot)."""
    params = data.true_params
    one_hot = np.zeros((data.n_samples, params.n_components))
    one_hot[np.arange(data.n_samples), data.labels] = 1.0
    return EMState(0, "M", params, one_hot)
