"""Panels several figures share: the log-likelihood panel and the pieces of a 1-D histogram picture.

A 1-D picture is a histogram on density scale (bins by :func:`emlab.shared.figures.histogram_edges`),
curves on a grid a little wider than the data (:func:`density_grid`), each component's weighted
density pi_k N(x | mu_k, sigma_k^2) and their sum, and a marker at each component's peak. Pure
functions, no Streamlit.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from emlab.shared.figures import histogram_edges, log_likelihood_range
from emlab.shared.style import LABEL_OUTLINE, TRUTH_COLOR, component_color, component_name, component_symbol, sizes
from emlab.shared.text import t
from gmm_core import EMState, GMMParams

GRID_MARGIN = 0.08  # the density grid reaches this share of the data's span beyond each end
LOG_LIKELIHOOD_DOMAIN = [0.76, 1.0]  # the panel's share of the figure's width, at its right


# --------------------------------------------------------------------------- 1-D histogram pieces


def density_grid(values: np.ndarray, n_points: int) -> np.ndarray:
    """``n_points`` evenly spaced x values covering the data plus ``GRID_MARGIN`` of its span each side."""
    low, high = float(values.min()), float(values.max())
    span = high - low if high > low else 1.0
    return np.linspace(low - GRID_MARGIN * span, high + GRID_MARGIN * span, n_points)


def histogram(values: np.ndarray, *, density: bool, edges: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Bar heights and bin edges of ``values`` (bins by ``histogram_edges`` unless ``edges`` are given).

    Parameters
    ----------
    values : ndarray of shape (N,)
    density : bool
        Heights on density scale (area one) instead of counts.
    edges : ndarray of shape (n_bars + 1,), optional
        Bin edges, for several histograms that must share their bars.

    Returns
    -------
    heights : ndarray of shape (n_bars,)
    edges : ndarray of shape (n_bars + 1,)
    """
    return np.histogram(values, bins=histogram_edges(values) if edges is None else edges, density=density)


def histogram_bar(heights: np.ndarray, edges: np.ndarray, **trace) -> go.Bar:
    """Bars of ``heights`` over the bins ``edges`` (equal widths); ``trace`` adds name, marker, hover."""
    return go.Bar(
        x=((edges[:-1] + edges[1:]) / 2).astype(np.float32), y=heights, width=float(edges[1] - edges[0]), **trace
    )


def histogram_area(heights: np.ndarray, edges: np.ndarray, color: str, **trace) -> go.Scatter:
    """The bars of ``heights`` over ``edges`` as one filled step outline, for a figure that animates.

    plotly.js does not keep bar traces through an animation frame drawn without a full redraw
    (``redraw: False``): the bars vanish as soon as Play starts (plotly.js issue 1019). A scatter
    trace stays, and with the steps filled down to zero and no outline it draws the same picture
    as gapless bars of the same colour.
    """
    steps = np.append(heights, heights[-1]).astype(np.float32)
    return go.Scatter(
        x=np.asarray(edges, dtype=np.float32),
        y=steps,
        mode="lines",
        line={"shape": "hv", "width": 0},
        fill="tozeroy",
        fillcolor=color,
        **trace,
    )


def mean_peaks(params: GMMParams) -> np.ndarray:
    """Height of each weighted component curve at its own mean (where its marker sits), float32."""
    standard_deviations = np.sqrt(params.full_covariances()[:, 0, 0])
    return (params.weights / (np.sqrt(2 * np.pi) * standard_deviations)).astype(np.float32)


def mean_markers_1d(params: GMMParams, *, large: bool = False) -> go.Scatter:
    """The K means of one-feature data as labelled markers on top of their weighted curves."""
    n_components = params.n_components
    colors = [component_color(k) for k in range(n_components)]
    return go.Scatter(
        x=params.means[:, 0].astype(np.float32),
        y=mean_peaks(params),
        mode="markers+text",
        name="means",
        showlegend=False,
        text=[component_name(k) for k in range(n_components)],
        textposition="top center",
        textfont={"size": sizes(large)["font"], "color": colors, "shadow": LABEL_OUTLINE},
        marker={
            "size": sizes(large)["mean"],
            "color": colors,
            "symbol": [component_symbol(k) for k in range(n_components)],
            "line": {"color": "white", "width": 2},
        },
        hovertemplate="%{text}<br>mean %{x:.3g}<extra></extra>",
    )


def joined_curves(grid: np.ndarray, curves: np.ndarray, name: str, *, large: bool = False) -> go.Scatter:
    """Several curves on one grid as a single dashed grey trace (NaN between them): the true components."""
    gap = np.full((len(curves), 1), np.nan)
    x = np.concatenate([np.tile(grid, (len(curves), 1)), gap], axis=1).ravel()
    y = np.concatenate([curves, gap], axis=1).ravel()
    return go.Scatter(
        x=x.astype(np.float32),
        y=y.astype(np.float32),
        mode="lines",
        name=name,
        hoverinfo="skip",
        line={"color": TRUTH_COLOR, "width": sizes(large)["line"] * 0.7, "dash": "dash"},
        opacity=0.7,
    )


def weighted_density_traces(
    grid: np.ndarray, densities: np.ndarray, *, large: bool = False, lang: str = "en"
) -> list[go.Scatter]:
    """One curve per weighted component pi_k N(x | mu_k, sigma_k^2) (K, len(grid)), then their sum."""
    size = sizes(large)
    curves = [
        go.Scatter(
            x=grid.astype(np.float32),
            y=density,
            mode="lines",
            name=f"{component_name(k)} (weighted)",
            showlegend=False,
            hoverinfo="skip",
            line={"color": component_color(k), "width": size["line"]},
        )
        for k, density in enumerate(densities)
    ]
    mixture = go.Scatter(
        x=grid.astype(np.float32),
        y=densities.sum(axis=0),
        mode="lines",
        name=t("anim.mixture", lang),
        hoverinfo="skip",
        line={"color": "#222222", "width": size["line"] * 1.2},
    )
    return [*curves, mixture]


def legend_entries_1d(n_components: int, *, large: bool = False) -> list[go.Scatter]:
    """Legend-only traces for a 1-D picture: each component's colour, line and symbol."""
    return [
        go.Scatter(
            x=[None],
            y=[None],
            mode="lines+markers",
            name=component_name(k),
            line={"color": component_color(k)},
            marker={"color": component_color(k), "symbol": component_symbol(k)},
        )
        for k in range(n_components)
    ]


# --------------------------------------------------------------------------- the log-likelihood panel


def log_likelihood_panel(
    history: list[EMState], *, large: bool = False, lang: str = "en"
) -> tuple[list[go.Scatter], dict, dict, list]:
    """The log-likelihood curve (one point per iteration) with its moving marker, on axes x2/y2.

    Returns
    -------
    traces : list of go.Scatter
        The static curve, then the marker (at NaN until a frame moves it).
    x_axis, y_axis : dict
        Layout of ``xaxis2`` and ``yaxis2``; the y range follows ``log_likelihood_range``.
    notes : list of dict
        One annotation giving the first value when it lies below the panel, else none.
    """
    iterations = np.array([s.iteration for s in history if s.phase == "E"], dtype=np.float32)
    values = np.array([s.log_likelihood for s in history if s.phase == "E"], dtype=np.float64)
    size = sizes(large)
    curve = go.Scatter(
        x=iterations,
        y=values.astype(np.float32),
        mode="lines+markers",
        name=t("anim.ll_name", lang),
        showlegend=False,
        line={"color": "#444444", "width": size["line"] * 0.8},
        marker={"size": size["point"] * 0.7, "color": "#444444"},
        hovertemplate=t("anim.ll_hover", lang) + "<extra></extra>",
        xaxis="x2",
        yaxis="y2",
    )
    marker = go.Scatter(
        x=np.array([np.nan], dtype=np.float32),
        y=np.array([np.nan], dtype=np.float32),
        mode="markers",
        name=t("anim.ll_marker", lang),
        showlegend=False,
        hoverinfo="skip",
        cliponaxis=False,
        marker={"size": size["mean"], "color": "#D55E00", "symbol": "circle-open", "line": {"width": 3}},
        xaxis="x2",
        yaxis="y2",
    )
    x_axis = {
        "domain": LOG_LIKELIHOOD_DOMAIN,
        "anchor": "y2",
        "range": [0.5, max(float(iterations.max(initial=1.0)), 2.0) + 0.5],
        "autorange": False,
        "title": {"text": t("anim.ll_x", lang)},
        "zeroline": False,
    }
    y_range = log_likelihood_range(values)
    y_axis = {
        "anchor": "x2",
        "range": y_range,
        "autorange": False,
        "title": {"text": t("anim.ll_y", lang), "standoff": 4},
        "zeroline": False,
    }
    notes = []
    if values.size and values[0] < y_range[0]:
        notes.append(
            {
                "text": t("anim.ll_clipped", lang, value=f"{values[0]:.3g}"),
                "xref": "x2 domain",  # bottom right: the climbing curve is high there
                "yref": "y2 domain",
                "x": 0.98,
                "y": 0.02,
                "xanchor": "right",
                "yanchor": "bottom",
                "showarrow": False,
                "align": "right",
                "font": {"size": size["font"] * 0.75, "color": "#555555"},
            }
        )
    return [curve, marker], x_axis, y_axis, notes
