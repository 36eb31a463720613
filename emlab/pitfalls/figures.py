"""Figures of the "When EM goes wrong" page (pure, no Streamlit).

Fitted mixtures are drawn with the light pieces of :mod:`emlab.shared.layers` (one blended
point trace, ellipses as shapes, labelled means) arranged into panels that share their axes, so
two pictures side by side can be compared point for point. The local-optima gallery, eight small
panels whose points nobody hovers, paints each panel's points as one picture instead
(:mod:`emlab.pitfalls.raster`).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from emlab.pitfalls.layers import fit_layers, hard_point_trace, hard_rgba, panels_figure, start_trace, truth_shapes
from emlab.shared.figures import View2D, axis_ranges, legend_entries, mean_trace, truth_traces
from emlab.shared.layers import blended_rgba, cartesian_template, ellipse_shapes, soft_point_trace, still
from emlab.shared.style import FONT_FAMILY, TRUTH_COLOR, rgba, sizes
from emlab.shared.text import t
from gmm_core import EMState, GMMParams
from gmm_core.geometry import project_covariances

BEST_COLOR = "#009E73"
WORST_COLOR = "#D55E00"
CHOSEN_COLOR = "#0072B2"


# --------------------------------------------------------------------------- 1. local optima


def gallery_figure(
    view: View2D, X: np.ndarray, fits: list, truth: GMMParams | None, *, large: bool = False, lang: str = "en"
) -> go.Figure:
    """Small multiples of finished fits (points coloured by their most likely component, ellipses, truth dashed).

    ``truth`` None leaves the true components out (the sidebar's "Show true components" is off).

    The points answer no hover, so each panel's are painted as one picture (:mod:`emlab.pitfalls.raster`)
    rather than drawn as 600 SVG markers: eight panels were 4,800 of the page's 7,600 SVG nodes.
    """
    points, truth_outlines = view.points(X), truth_shapes(truth, view, large=large)
    panels, painted = [], []
    for fit in fits:
        shapes = list(truth_outlines)
        if fit.params is None:
            painted.append((points, blended_rgba(None, len(points))))
            title = t("pit.lo.seed_failed", lang, seed=fit.seed)
        else:
            labels = fit.responsibilities.argmax(axis=1)
            means, covariances = view.components(fit.params)
            painted.append((points, hard_rgba(labels, fit.params.n_components)))
            shapes += ellipse_shapes(means, covariances, large=large)
            title = t("pit.lo.seed_title", lang, seed=fit.seed, ll=fit.log_likelihood)
        panels.append((title, [], shapes))
    x_range, y_range = axis_ranges(points)
    figure = panels_figure(panels, x_range, y_range, large=large, rows=2, height=620 if large else 520, painted=painted)
    figure.update_annotations(font={"size": sizes(large)["font"]})
    return figure


def final_values_figure(seeds, values: np.ndarray, *, large: bool = False, lang: str = "en") -> go.Figure:
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
        name=t("pit.fig.start", lang),
        text=[t("pit.fig.seed", lang, seed=seed) for seed, ok in zip(seeds, finite, strict=True) if ok],
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
        for index, label, color, symbol in (
            (best, t("pit.fig.best", lang), BEST_COLOR, "star"),
            (worst, t("pit.fig.worst", lang), WORST_COLOR, "x"),
        )
    ]
    figure = go.Figure(data=[dots, *marked])
    span = float(np.nanmax(values) - np.nanmin(values)) or 0.01
    figure.update_layout(
        height=230 if large else 200,
        font={"family": FONT_FAMILY, "size": size["font"]},
        margin={"l": 40, "r": 20, "t": 20, "b": 55},
        showlegend=False,
        xaxis={
            "title": {"text": t("pit.fig.final_ll", lang)},
            "range": [float(np.nanmin(values)) - 0.08 * span, float(np.nanmax(values)) + 0.08 * span],
        },
        yaxis={"visible": False, "range": [-0.7, 0.9]},
    )
    figure.layout.template = cartesian_template()  # assigned, not merged into the default template
    return still(figure)


def best_worst_figure(
    view: View2D, X: np.ndarray, best, worst, truth: GMMParams | None, *, large: bool = False, lang: str = "en"
) -> go.Figure:
    """The best and the worst start side by side, with the true components dashed (none when ``truth`` is None)."""
    points = view.points(X)
    panels = []
    for key, fit in (("pit.lo.best", best), ("pit.lo.worst", worst)):
        traces, shapes = fit_layers(view, points, fit.params, fit.responsibilities, large=large, lang=lang)
        title = t(key, lang, seed=fit.seed, ll=fit.log_likelihood)
        panels.append((title, truth_traces(truth, view, large=large, lang=lang) + traces, shapes))
    x_range, y_range = axis_ranges(points)
    return panels_figure(
        panels, x_range, y_range, large=large, legend=legend_entries(best.params.n_components, lang=lang)
    )


# --------------------------------------------------------------------------- 2. singularities


def collapse_figure(view: View2D, X: np.ndarray, final: EMState, *, large: bool = False, lang: str = "en") -> go.Figure:
    """The data and both components where EM stopped."""
    points = view.points(X)
    drawn, shapes = fit_layers(view, points, final.params, final.responsibilities, large=large, lang=lang)
    for trace in drawn:
        trace.showlegend = False
    traces = drawn + legend_entries(final.params.n_components, large=large, lang=lang)
    x_range, y_range = axis_ranges(points)
    figure = go.Figure(data=traces)
    figure.update_layout(
        shapes=[{**shape, "xref": "x", "yref": "y"} for shape in shapes],
        height=480 if large else 420,
        font={"family": FONT_FAMILY, "size": sizes(large)["font"]},
        margin={"l": 50, "r": 20, "t": 20, "b": 45},
        xaxis={"range": x_range, "autorange": False, "zeroline": False, "title": {"text": view.x_title}},
        yaxis={"range": y_range, "autorange": False, "zeroline": False, "title": {"text": view.y_title}},
        legend={"orientation": "h", "traceorder": "normal", "x": 0.0, "y": 1.02, "yanchor": "bottom"},
    )
    figure.update_yaxes(scaleanchor="x", scaleratio=1)
    figure.layout.template = cartesian_template()  # assigned, not merged into the default template
    return still(figure)


def _iteration_hover(lang: str) -> str:
    """Hover text of a point on a log-likelihood curve: its iteration and value."""
    return t("pit.fig.iteration", lang) + " %{x}: %{y:.4f}<extra></extra>"


def collapse_curves_figure(runs: dict, chosen, *, large: bool = False, lang: str = "en") -> go.Figure:
    """Mean log-likelihood per iteration for every reg_covar; the chosen one bold, breakdowns crossed.

    Parameters
    ----------
    runs : dict of reg_covar -> GuardedRun
    chosen : float
        The reg_covar picked on the page.
    """
    size, iteration_hover = sizes(large), _iteration_hover(lang)
    faint = {"x": [], "y": [], "text": []}
    labels = {"x": [], "y": [], "text": [], "size": [], "color": [], "cross": []}
    chosen_line = None
    for reg_covar, run in runs.items():
        values = np.asarray(run.log_likelihoods, dtype=float)
        iterations = np.arange(1, len(values) + 1)
        label = t("pit.fig.reg", lang, reg=_reg_label(reg_covar))
        is_chosen = reg_covar == chosen
        if is_chosen:
            chosen_line = go.Scatter(
                x=iterations,
                y=values,
                mode="lines",
                name=label,
                line={"color": CHOSEN_COLOR, "width": size["line"] * 1.8},
                hovertemplate=label + "<br>" + iteration_hover,
            )
        else:  # every other reg_covar in one faint trace, the lines apart by a None gap
            faint["x"] += [*iterations, None]
            faint["y"] += [*values, None]
            faint["text"] += [label] * (len(values) + 1)
        labels["x"].append(iterations[-1] + 0.6)
        labels["y"].append(values[-1])
        labels["text"].append(label + (" " + t("pit.fig.broke", lang) if run.error else ""))
        labels["size"].append(size["font"] * (0.95 if is_chosen else 0.75))
        labels["color"].append(CHOSEN_COLOR if is_chosen else TRUTH_COLOR)
        labels["cross"].append(size["mean"] if run.error else 0)
    traces = [
        go.Scatter(
            x=faint["x"],
            y=faint["y"],
            text=faint["text"],
            mode="lines",
            name=t("pit.fig.other_reg", lang),
            line={"color": rgba(TRUTH_COLOR, 0.45), "width": size["line"] * 0.8},
            hovertemplate="%{text}<br>" + iteration_hover,
        ),
        *([chosen_line] if chosen_line else []),
        go.Scatter(  # each run's name at its end; a cross (marker size > 0) where it broke down
            x=labels["x"],
            y=labels["y"],
            mode="text+markers",
            name="labels",
            text=labels["text"],
            textposition="middle right",
            textfont={"size": labels["size"], "color": labels["color"]},
            # an array of sizes makes plotly treat the trace as bubbles (70% opacity, white rims) unless told
            marker={"symbol": "x", "size": labels["cross"], "color": WORST_COLOR, "opacity": 1, "line": {"width": 0}},
            showlegend=False,
            hoverinfo="skip",
        ),
    ]
    figure = go.Figure(data=traces)
    last = max(len(run.log_likelihoods) for run in runs.values())
    figure.update_layout(
        height=480 if large else 420,
        font={"family": FONT_FAMILY, "size": size["font"]},
        margin={"l": 60, "r": 20, "t": 20, "b": 45},
        showlegend=False,
        xaxis={"title": {"text": t("pit.fig.iteration", lang)}, "range": [0.5, last * 1.45]},
        yaxis={"title": {"text": t("pit.fig.log_likelihood", lang)}},
    )
    figure.layout.template = cartesian_template()  # assigned, not merged into the default template
    return still(figure)


def _reg_label(reg_covar: float) -> str:
    return "0" if reg_covar == 0 else f"{reg_covar:.0e}".replace("e-0", "e-")


# --------------------------------------------------------------------------- 3. label switching


def label_switching_figure(
    view: View2D,
    X: np.ndarray,
    panels: list[tuple[str, GMMParams, np.ndarray]],
    *,
    large: bool = False,
    lang: str = "en",
) -> go.Figure:
    """The same fit under different labels, one panel each (title, params, responsibilities)."""
    points = view.points(X)
    drawn = [(title, *fit_layers(view, points, params, resp, large=large, lang=lang)) for title, params, resp in panels]
    x_range, y_range = axis_ranges(points)
    return panels_figure(
        drawn, x_range, y_range, large=large, legend=legend_entries(panels[0][1].n_components, lang=lang)
    )


# --------------------------------------------------------------------------- 4. hard vs soft


def hard_soft_figure(
    view: View2D, X: np.ndarray, comparison, titles: tuple[str, str], *, large: bool = False, lang: str = "en"
) -> go.Figure:
    """k-means (hard colours, centres) beside EM (soft colours, ellipses), both with the shared start."""
    points = view.points(X)
    n_components = comparison.em_params.n_components
    centers = view.points(comparison.kmeans_centers)
    hard = [
        hard_point_trace(points, comparison.kmeans_labels, n_components, large=large),
        mean_trace(centers, large=large, name=t("pit.fig.centres", lang), lang=lang),
        start_trace(view, comparison.start_means, large=large, lang=lang),
    ]
    soft, shapes = fit_layers(
        view, points, comparison.em_params, comparison.em_responsibilities, large=large, lang=lang
    )
    soft = soft + [start_trace(view, comparison.start_means, large=large, lang=lang)]
    x_range, y_range = axis_ranges(points)
    legend = legend_entries(n_components, lang=lang) + [
        start_trace(view, comparison.start_means[:0], large=large, lang=lang)
    ]
    legend[-1].showlegend = True
    panels = [(titles[0], hard, []), (titles[1], soft, shapes)]
    return panels_figure(panels, x_range, y_range, large=large, legend=legend)


# --------------------------------------------------------------------------- 5. the original script


def script_vs_em_figure(
    script_values: np.ndarray, em_values: np.ndarray, *, large: bool = False, lang: str = "en"
) -> go.Figure:
    """Log-likelihood per iteration: the script's update (left) and EM (right), same y axis."""
    size = sizes(large)
    figure = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        shared_xaxes=True,
        subplot_titles=(t("pit.seed.script", lang), t("pit.seed.em", lang)),
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
                hovertemplate=_iteration_hover(lang),
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
    figure.update_xaxes(
        title={"text": t("pit.fig.iteration", lang)}, range=[-1, max(len(script_values), len(em_values))]
    )
    figure.update_yaxes(title={"text": t("pit.fig.log_likelihood", lang)}, row=1, col=1)
    figure.update_layout(
        height=440 if large else 380,
        font={"family": FONT_FAMILY, "size": size["font"]},
        margin={"l": 70, "r": 20, "t": 60, "b": 50},
    )
    figure.update_annotations(font={"size": size["title"] * 0.85}, selector={"showarrow": False})
    figure.layout.template = cartesian_template()  # assigned, not merged into the default template
    return still(figure)


def covariance_update_figure(
    view: View2D,
    X: np.ndarray,
    responsibilities: np.ndarray,
    wrong: tuple[np.ndarray, np.ndarray],
    right: GMMParams,
    *,
    large: bool = False,
    lang: str = "en",
) -> go.Figure:
    """One M-step two ways: the script's rank-1 "covariances" (left) and the outer-product ones (right).

    ``wrong`` is (means, rank-1 matrices); both panels colour the points by the same responsibilities.
    """
    points = view.points(X)
    n_components = right.n_components
    wrong_means, wrong_covariances = wrong
    left = [
        soft_point_trace(points, responsibilities, large=large),
        mean_trace(view.points(wrong_means), large=large, lang=lang),
    ]
    left_shapes = ellipse_shapes(
        view.points(wrong_means), project_covariances(wrong_covariances, view.matrix), large=large
    )
    right_traces, right_shapes = fit_layers(view, points, right, responsibilities, large=large, lang=lang)
    x_range, y_range = axis_ranges(points)
    return panels_figure(
        [(t("pit.seed.rank1", lang), left, left_shapes), (t("pit.seed.outer", lang), right_traces, right_shapes)],
        x_range,
        y_range,
        large=large,
        legend=legend_entries(n_components, lang=lang),
    )
