"""The "Why EM works" page's third chart: EM beside gradient ascent on the log-likelihood landscape (pure plotly).

Two means of a two-component mixture span the landscape; its contours, the two paths climbing it
and a grid of click targets that choose where both methods start. Split from
:mod:`emlab.why_em_works.figures`, whose layout and coordinate rules it shares.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from emlab.shared.style import component_color, sizes
from emlab.shared.text import t
from emlab.why_em_works.figures import chart_layout, evenly_spaced
from emlab.why_em_works.model import MU_RANGE, Comparison

EM_COLOR = "#000000"  # both paths stand out on the blue landscape
ASCENT_COLOR = component_color(3)
# The landscape's colours cover this many nats below its peak; lower ground is one colour.
LANDSCAPE_DEPTH = 3.0
CLICK_GRID = 49


def _drawn_means(means: np.ndarray) -> np.ndarray:
    """The (mu1, mu2) path up to and including its first point off the chart (a diverging path stops there)."""
    xy = means[:, :, 0]
    outside = np.flatnonzero(np.any(np.abs(xy) > max(abs(v) for v in MU_RANGE), axis=1))
    end = outside[0] + 1 if outside.size else len(xy)
    return np.clip(xy[:end], -1e3, 1e3).astype(np.float32)


def _path_trace(
    means: np.ndarray, name: str, color: str, symbol: str, large: bool, marker: float, outline: float = 0.0
) -> go.Scatter:
    size = sizes(large)
    xy = _drawn_means(means)
    return go.Scatter(
        x=xy[:, 0],
        y=xy[:, 1],
        mode="lines+markers",
        name=name,
        line={"color": color, "width": size["line"]},
        marker={"size": marker, "color": color, "symbol": symbol, "line": {"color": "white", "width": outline}},
        customdata=np.arange(len(xy)),
        hovertemplate=name + " %{customdata}: μ1 = %{x:.3f}, μ2 = %{y:.3f}<extra></extra>",
    )


def landscape_figure(
    mu_values: np.ndarray, grid: np.ndarray, comparison: Comparison, *, large: bool = False, lang: str = "en"
) -> go.Figure:
    """The mean log-likelihood over (mu1, mu2) as contours, with EM's path and gradient ascent's from one start.

    Both peaks show (mu1 and mu2 swapped: label switching). The last trace is an invisible grid of
    click targets, so a click anywhere on the chart can choose a new start.
    """
    size = sizes(large)
    top = float(grid.max())
    targets = np.linspace(*MU_RANGE, CLICK_GRID).astype(np.float32)
    target_x, target_y = (a.ravel() for a in np.meshgrid(targets, targets))
    start = comparison.em.means[0, :, 0]
    traces = [
        go.Contour(
            **evenly_spaced(mu_values, "x"),
            **evenly_spaced(mu_values, "y"),
            z=grid.astype(np.float32),
            zmin=top - LANDSCAPE_DEPTH,
            zmax=top,
            zauto=False,
            colorscale="Blues",
            contours={"start": top - LANDSCAPE_DEPTH, "end": top, "size": 0.2},
            line={"width": 0.5, "color": "rgba(255,255,255,0.6)"},
            colorbar={
                "title": {"text": t("why.fig.landscape_scale", lang), "side": "right"},
                "thickness": 14,
                "tickformat": ".1f",
                "outlinewidth": 0,  # what the whole plotly_white template said (the cut-down one leaves contours out)
                "ticks": "",
            },
            hovertemplate="μ1 = %{x:.2f}, μ2 = %{y:.2f}<br>" + t("why.fig.landscape_hover", lang) + "<extra></extra>",
            name=t("why.fig.landscape_scale", lang),
        ),
        _path_trace(comparison.em.means, t("why.fig.em_path", lang), EM_COLOR, "circle", large, size["point"] + 5, 1.5),
        _path_trace(
            comparison.ascent.means, t("why.fig.ascent_path", lang), ASCENT_COLOR, "square", large, size["point"]
        ),
        go.Scatter(
            x=[start[0]],
            y=[start[1]],
            mode="markers+text",
            name=t("why.fig.start", lang),
            text=[t("why.fig.start", lang)],
            textposition="bottom center",
            textfont={"size": size["font"]},
            marker={"size": size["mean"], "color": "#ffffff", "symbol": "star", "line": {"color": "#000", "width": 2}},
            hoverinfo="skip",
        ),
        go.Scatter(
            x=target_x,
            y=target_y,
            mode="markers",
            name=t("why.fig.click", lang),
            showlegend=False,
            # Invisible, so one drawn marker is enough: hover and click still find all of them (plotly
            # draws `maxdisplayed` markers but hovers and selects over every point), 2,400 SVG nodes fewer.
            marker={"size": 10, "color": "rgba(0,0,0,0)", "maxdisplayed": 1},
            hovertemplate=t("why.fig.click_hover", lang) + "<extra></extra>",
        ),
    ]
    axis = {"range": list(MU_RANGE), "zeroline": False, "constrain": "domain"}
    layout = chart_layout(
        large,
        height=620 if large else 520,
        xaxis={**axis, "title": {"text": "μ<sub>1</sub>"}},
        yaxis={**axis, "title": {"text": "μ<sub>2</sub>"}, "scaleanchor": "x", "scaleratio": 1},
        shapes=[
            {
                "type": "line",
                "x0": MU_RANGE[0],
                "y0": MU_RANGE[0],
                "x1": MU_RANGE[1],
                "y1": MU_RANGE[1],
                "line": {"color": "#6b6b6b", "width": 1, "dash": "dot"},
            }
        ],
        clickmode="event+select",
        dragmode=False,
    )
    return go.Figure(data=traces, layout=layout)
