"""Figures of the "When EM goes wrong" page (pure, no Streamlit).

Fitted mixtures are drawn with the Playground's own pieces (``state_traces``: soft-coloured
points, 50%/95% ellipses, labelled means); this module only arranges them into panels that share
their axes, so two pictures side by side can be compared point for point.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from emlab.shared.state_figures import state_traces
from emlab.shared.figures import (
    View2D,
    axis_ranges,
    ellipse_traces,
    legend_entries,
    mean_trace,
    point_traces,
    responsibility_shades,
    truth_traces,
)
from emlab.shared.style import FONT_FAMILY, TRUTH_COLOR, component_color, rgba, sizes
from emlab.shared.text import t
from gmm_core import EMState, GMMParams
from gmm_core.geometry import project_covariances

BEST_COLOR = "#009E73"
WORST_COLOR = "#D55E00"
CHOSEN_COLOR = "#0072B2"
START_MARKER = {"symbol": "circle-open-dot", "color": "#111111", "line": {"width": 3}}


def fitted_state(params: GMMParams, responsibilities: np.ndarray) -> EMState:
    """A finished fit as an EM state, so the Playground's drawing functions can draw it."""
    return EMState(0, "M", params, responsibilities)


def panels_figure(
    panels: list[tuple[str, list]],
    x_range: list[float],
    y_range: list[float],
    *,
    large: bool = False,
    rows: int = 1,
    height: int | None = None,
    legend: list | None = None,
) -> go.Figure:
    """Scatter panels side by side (or in a grid) with the same fixed axes and equal scales.

    Parameters
    ----------
    panels : list of (title, traces)
    x_range, y_range : [low, high]
        Shared by every panel.
    rows : int
        Grid rows; panels fill them left to right.
    legend : list of traces, optional
        Legend-only entries, added once.
    """
    size = sizes(large)
    columns = int(np.ceil(len(panels) / rows))
    figure = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=[title for title, _ in panels],
        horizontal_spacing=0.04 if columns > 2 else 0.06,
        vertical_spacing=0.12,
    )
    for index, (_, traces) in enumerate(panels):
        row, column = index // columns + 1, index % columns + 1
        for trace in traces:
            trace.showlegend = False
            figure.add_trace(trace, row=row, col=column)
    for trace in legend or []:
        figure.add_trace(trace, row=1, col=1)
    figure.update_xaxes(range=x_range, autorange=False, zeroline=False, showticklabels=columns <= 3)
    figure.update_yaxes(range=y_range, autorange=False, zeroline=False, showticklabels=columns <= 3)
    for index in range(len(panels)):
        suffix = "" if index == 0 else str(index + 1)
        figure.update_layout({f"yaxis{suffix}": {"scaleanchor": f"x{suffix}", "scaleratio": 1}})
    figure.update_layout(
        template="plotly_white",
        height=height or (560 if large else 480) * rows,
        font={"family": FONT_FAMILY, "size": size["font"]},
        margin={"l": 40, "r": 20, "t": 60, "b": 70},
        legend={
            "orientation": "h",
            "traceorder": "normal",
            "x": 0.0,
            "y": -0.08,
            "yanchor": "top",
            "font": {"size": size["font"] * 0.9},
        },
        hovermode="closest",
    )
    figure.update_annotations(font={"size": size["title"] * 0.85})
    return figure


def fit_traces(view: View2D, points: np.ndarray, params: GMMParams, responsibilities, *, large: bool) -> list:
    """One finished fit: soft-coloured points, ellipses and labelled means."""
    return state_traces(fitted_state(params, responsibilities), points, view, large=large)


def hard_point_trace(points: np.ndarray, labels: np.ndarray, n_components: int, *, large: bool) -> go.Scatter:
    """Points coloured by a hard label, in one trace (a stepped colour scale over the palette).

    One trace with a uint8 label per point instead of one soft-shade trace per component: for
    hard assignments the picture is the same and the payload K times smaller.
    """
    scale = []
    for k in range(n_components):
        color = rgba(component_color(k), 0.85)
        scale += [[k / n_components, color], [(k + 1) / n_components, color]]
    return go.Scatter(
        x=points[:, 0],
        y=points[:, 1],
        mode="markers",
        name="points",
        hoverinfo="skip",
        showlegend=False,
        marker={
            "size": sizes(large)["point"],
            "color": (np.asarray(labels) + 0.5).astype(np.float32),
            "cmin": 0,
            "cmax": n_components,
            "colorscale": scale,
            "showscale": False,
            "line": {"width": 0},
        },
    )


def start_trace(view: View2D, means: np.ndarray, *, large: bool) -> go.Scatter:
    """The shared starting means as open markers."""
    shown = view.points(means)
    return go.Scatter(
        x=shown[:, 0],
        y=shown[:, 1],
        mode="markers",
        name=t("pit.fig.start_means"),
        marker={**START_MARKER, "size": sizes(large)["mean"] * 1.2},
        hoverinfo="skip",
    )


# --------------------------------------------------------------------------- 1. local optima


def gallery_figure(view: View2D, X: np.ndarray, fits: list, truth: GMMParams, *, large: bool = False) -> go.Figure:
    """Small multiples of finished fits (points coloured by their most likely component, ellipses, truth dashed)."""
    points = view.points(X)
    panels = []
    for fit in fits:
        traces = truth_traces(truth, view, large=large)
        if fit.params is None:
            traces += point_traces(points, np.zeros((0, len(points)), dtype=np.uint8), large=large)
            title = t("pit.lo.seed_failed", seed=fit.seed)
        else:
            labels = fit.responsibilities.argmax(axis=1)
            means, covariances = view.components(fit.params)
            traces.append(hard_point_trace(points, labels, fit.params.n_components, large=large))
            traces += ellipse_traces(means, covariances, large=large)
            title = t("pit.lo.seed_title", seed=fit.seed, ll=fit.log_likelihood)
        panels.append((title, traces))
    x_range, y_range = axis_ranges(points)
    figure = panels_figure(panels, x_range, y_range, large=large, rows=2, height=620 if large else 520)
    figure.update_annotations(font={"size": sizes(large)["font"]})
    return figure


def final_values_figure(seeds, values: np.ndarray, *, large: bool = False) -> go.Figure:
    """Every start's final log-likelihood as a dot on one line, best and worst marked."""
    size = sizes(large)
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    jitter = (np.random.default_rng(0).random(len(values)) - 0.5) * 0.6
    best, worst = int(np.nanargmax(values)), int(np.nanargmin(values))
    dots = go.Scatter(
        x=values[finite],
        y=jitter[finite],
        mode="markers",
        name=t("pit.fig.start"),
        text=[f"seed {seed}" for seed, ok in zip(seeds, finite, strict=True) if ok],
        marker={"size": size["point"] + 6, "color": rgba("#333333", 0.55), "line": {"color": "white", "width": 1}},
        hovertemplate="%{text}: %{x:.4f}<extra></extra>",
    )
    marked = [
        go.Scatter(
            x=[values[index]],
            y=[jitter[index]],
            mode="markers+text",
            name=label,
            text=[label],
            textposition="top center",
            textfont={"color": color, "size": size["font"]},
            marker={
                "size": size["mean"] * 1.3,
                "color": color,
                "symbol": symbol,
                "line": {"color": "white", "width": 1},
            },
            hoverinfo="skip",
        )
        for index, label, color, symbol in ((best, "best", BEST_COLOR, "star"), (worst, "worst", WORST_COLOR, "x"))
    ]
    figure = go.Figure(data=[dots, *marked])
    span = float(np.nanmax(values) - np.nanmin(values)) or 0.01
    figure.update_layout(
        template="plotly_white",
        height=230 if large else 200,
        font={"family": FONT_FAMILY, "size": size["font"]},
        margin={"l": 40, "r": 20, "t": 20, "b": 55},
        showlegend=False,
        xaxis={
            "title": {"text": t("pit.fig.final_ll")},
            "range": [float(np.nanmin(values)) - 0.08 * span, float(np.nanmax(values)) + 0.08 * span],
        },
        yaxis={"visible": False, "range": [-0.7, 0.9]},
    )
    return figure


def best_worst_figure(view: View2D, X: np.ndarray, best, worst, truth: GMMParams, *, large: bool = False) -> go.Figure:
    """The best and the worst start side by side, with the true components dashed."""
    points = view.points(X)
    panels = [
        (
            t(key, seed=fit.seed, ll=fit.log_likelihood),
            truth_traces(truth, view, large=large)
            + fit_traces(view, points, fit.params, fit.responsibilities, large=large),
        )
        for key, fit in (("pit.lo.best", best), ("pit.lo.worst", worst))
    ]
    x_range, y_range = axis_ranges(points)
    return panels_figure(panels, x_range, y_range, large=large, legend=legend_entries(best.params.n_components))


# --------------------------------------------------------------------------- 2. singularities


def collapse_figure(view: View2D, X: np.ndarray, final: EMState, *, large: bool = False) -> go.Figure:
    """The data and both components where EM stopped."""
    points = view.points(X)
    drawn = state_traces(final, points, view, large=large)
    for trace in drawn:
        trace.showlegend = False
    traces = drawn + legend_entries(final.params.n_components, large=large)
    x_range, y_range = axis_ranges(points)
    figure = go.Figure(data=traces)
    figure.update_layout(
        template="plotly_white",
        height=480 if large else 420,
        font={"family": FONT_FAMILY, "size": sizes(large)["font"]},
        margin={"l": 50, "r": 20, "t": 20, "b": 45},
        xaxis={"range": x_range, "autorange": False, "zeroline": False, "title": {"text": view.x_title}},
        yaxis={"range": y_range, "autorange": False, "zeroline": False, "title": {"text": view.y_title}},
        legend={"orientation": "h", "traceorder": "normal", "x": 0.0, "y": 1.02, "yanchor": "bottom"},
    )
    figure.update_yaxes(scaleanchor="x", scaleratio=1)
    return figure


def collapse_curves_figure(runs: dict, chosen, *, large: bool = False) -> go.Figure:
    """Mean log-likelihood per iteration for every reg_covar; the chosen one bold, breakdowns crossed.

    Parameters
    ----------
    runs : dict of reg_covar -> GuardedRun
    chosen : float
        The reg_covar picked on the page.
    """
    size = sizes(large)
    traces = []
    for reg_covar, run in runs.items():
        values = run.log_likelihoods
        iterations = np.arange(1, len(values) + 1)
        is_chosen = reg_covar == chosen
        label = t("pit.fig.reg", reg=_reg_label(reg_covar))
        traces.append(
            go.Scatter(
                x=iterations,
                y=values,
                mode="lines",
                name=label,
                line={
                    "color": CHOSEN_COLOR if is_chosen else rgba(TRUTH_COLOR, 0.45),
                    "width": size["line"] * (1.8 if is_chosen else 0.8),
                },
                hovertemplate=label + "<br>iteration %{x}: %{y:.4f}<extra></extra>",
            )
        )
        traces.append(
            go.Scatter(
                x=[iterations[-1] + 0.6],
                y=[values[-1]],
                mode="text+markers" if run.error else "text",
                text=[label + (" " + t("pit.fig.broke") if run.error else "")],
                textposition="middle right",
                textfont={
                    "size": size["font"] * (0.95 if is_chosen else 0.75),
                    "color": CHOSEN_COLOR if is_chosen else TRUTH_COLOR,
                },
                marker={"symbol": "x", "size": size["mean"], "color": WORST_COLOR},
                showlegend=False,
                hoverinfo="skip",
            )
        )
    figure = go.Figure(data=traces)
    last = max(len(run.log_likelihoods) for run in runs.values())
    figure.update_layout(
        template="plotly_white",
        height=480 if large else 420,
        font={"family": FONT_FAMILY, "size": size["font"]},
        margin={"l": 60, "r": 20, "t": 20, "b": 45},
        showlegend=False,
        xaxis={"title": {"text": t("pit.fig.iteration")}, "range": [0.5, last * 1.45]},
        yaxis={"title": {"text": t("pit.fig.log_likelihood")}},
    )
    return figure


def _reg_label(reg_covar: float) -> str:
    return "0" if reg_covar == 0 else f"{reg_covar:.0e}".replace("e-0", "e-")


# --------------------------------------------------------------------------- 3. label switching


def label_switching_figure(
    view: View2D, X: np.ndarray, panels: list[tuple[str, GMMParams, np.ndarray]], *, large: bool = False
) -> go.Figure:
    """The same fit under different labels, one panel each (title, params, responsibilities)."""
    points = view.points(X)
    drawn = [(title, fit_traces(view, points, params, resp, large=large)) for title, params, resp in panels]
    x_range, y_range = axis_ranges(points)
    return panels_figure(drawn, x_range, y_range, large=large, legend=legend_entries(panels[0][1].n_components))


# --------------------------------------------------------------------------- 4. hard vs soft


def hard_soft_figure(
    view: View2D, X: np.ndarray, comparison, titles: tuple[str, str], *, large: bool = False
) -> go.Figure:
    """k-means (hard colours, centres) beside EM (soft colours, ellipses), both with the shared start."""
    points = view.points(X)
    n_components = comparison.em_params.n_components
    centers = view.points(comparison.kmeans_centers)
    hard = [
        hard_point_trace(points, comparison.kmeans_labels, n_components, large=large),
        mean_trace(centers, large=large, name=t("pit.fig.centres")),
        start_trace(view, comparison.start_means, large=large),
    ]
    soft = fit_traces(view, points, comparison.em_params, comparison.em_responsibilities, large=large)
    soft = soft + [start_trace(view, comparison.start_means, large=large)]
    x_range, y_range = axis_ranges(points)
    legend = legend_entries(n_components) + [start_trace(view, comparison.start_means[:0], large=large)]
    legend[-1].showlegend = True
    return panels_figure([(titles[0], hard), (titles[1], soft)], x_range, y_range, large=large, legend=legend)


# --------------------------------------------------------------------------- 5. the original script


def script_vs_em_figure(script_values: np.ndarray, em_values: np.ndarray, *, large: bool = False) -> go.Figure:
    """Log-likelihood per iteration: the script's update (left) and EM (right), same y axis."""
    size = sizes(large)
    figure = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        shared_xaxes=True,
        subplot_titles=(t("pit.seed.script"), t("pit.seed.em")),
        horizontal_spacing=0.06,
    )
    for column, (values, color) in enumerate(((script_values, WORST_COLOR), (em_values, BEST_COLOR)), start=1):
        figure.add_trace(
            go.Scatter(
                x=np.arange(len(values)),
                y=values,
                mode="lines+markers" if len(values) < 40 else "lines",
                line={"color": color, "width": size["line"] * 1.5},
                marker={"size": size["point"]},
                showlegend=False,
                hovertemplate="iteration %{x}: %{y:.4f}<extra></extra>",
            ),
            row=1,
            col=column,
        )
        figure.add_annotation(
            x=len(values) - 1,
            y=values[-1],
            text=f"{values[-1]:.4f}",
            showarrow=True,
            arrowhead=2,
            ax=-40,
            ay=-30 if column == 2 else 30,
            font={"color": color, "size": size["font"]},
            row=1,
            col=column,
        )
    figure.update_xaxes(title={"text": t("pit.fig.iteration")}, range=[-1, max(len(script_values), len(em_values))])
    figure.update_yaxes(title={"text": t("pit.fig.log_likelihood")}, row=1, col=1)
    figure.update_layout(
        template="plotly_white",
        height=440 if large else 380,
        font={"family": FONT_FAMILY, "size": size["font"]},
        margin={"l": 70, "r": 20, "t": 60, "b": 50},
    )
    figure.update_annotations(font={"size": size["title"] * 0.85}, selector={"showarrow": False})
    return figure


def covariance_update_figure(
    view: View2D,
    X: np.ndarray,
    responsibilities: np.ndarray,
    wrong: tuple[np.ndarray, np.ndarray],
    right: GMMParams,
    *,
    large: bool = False,
) -> go.Figure:
    """One M-step two ways: the script's rank-1 "covariances" (left) and the outer-product ones (right).

    ``wrong`` is (means, rank-1 matrices); both panels colour the points by the same responsibilities.
    """
    points = view.points(X)
    n_components = right.n_components
    shades = responsibility_shades(responsibilities, n_components, len(points))
    wrong_means, wrong_covariances = wrong
    left = point_traces(points, shades, large=large) + ellipse_traces(
        view.points(wrong_means), project_covariances(wrong_covariances, view.matrix), large=large
    )
    left.append(mean_trace(view.points(wrong_means), large=large))
    right_traces = fit_traces(view, points, right, responsibilities, large=large)
    x_range, y_range = axis_ranges(points)
    return panels_figure(
        [(t("pit.seed.rank1"), left), (t("pit.seed.outer"), right_traces)],
        x_range,
        y_range,
        large=large,
        legend=legend_entries(n_components),
    )
