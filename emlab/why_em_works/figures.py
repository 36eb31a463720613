"""Figures of the "Why EM works" page (pure plotly, no Streamlit): the slice, the decomposition, the landscape.

Each chart keeps to one trace per visual layer (a curve, its markers, the click targets), and
what only labels a chart (arrows, the gap's values, the iteration on screen) goes in the layout as
annotations and shapes, which cost the browser far less than traces.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from emlab.shared.figures import log_likelihood_range
from emlab.shared.layers import cartesian_template
from emlab.shared.style import FONT_FAMILY, component_color, rgba, sizes
from emlab.shared.text import t
from emlab.why_em_works.model import MU_RANGE, Comparison, Decomposition, IterationSlice

LIKELIHOOD_COLOR = "#1F2933"
BOUND_COLOR = component_color(0)
GAIN_COLOR = component_color(2)
BONUS_COLOR = component_color(1)
GAP_FILL = rgba(component_color(1), 0.28)
EM_COLOR = "#000000"  # both paths stand out on the blue landscape
ASCENT_COLOR = component_color(3)
# Positions on the slice's path used for the y range when theta_t is far off the scale (near theta_{t+1} only).
NEAR_END = (0.8, 1.2)
# The landscape's colours cover this many nats below its peak; lower ground is one colour.
LANDSCAPE_DEPTH = 3.0
CLICK_GRID = 49
MAX_TICKS = 15
# Plotly's marker symbols by number: a list of 0s and 1s is a third the bytes of their names.
SYMBOL_NUMBER = {"circle": 0, "square": 1}


def _evenly_spaced(values: np.ndarray, axis: str) -> dict:
    """``{axis}0`` and ``d{axis}`` for evenly spaced ``values`` (plotly builds the same coordinates, no array sent).

    Values that are not evenly spaced are sent as they are.
    """
    values = np.asarray(values, dtype=float)
    steps = np.diff(values)
    if values.size >= 2 and np.allclose(steps, steps[0], rtol=0, atol=1e-9 * max(1.0, abs(steps[0]))):
        return {f"{axis}0": float(values[0]), f"d{axis}": float(steps[0])}
    return {axis: values}


def _layout(large: bool, height: int, **extra) -> dict:
    size = sizes(large)
    layout = {
        "template": cartesian_template(),
        "height": height,
        "font": {"family": FONT_FAMILY, "size": size["font"]},
        "margin": {"l": 70, "r": 20, "t": 30, "b": 60},
        "legend": {"orientation": "h", "x": 0.0, "y": 1.02, "yanchor": "bottom", "font": {"size": size["font"] * 0.9}},
        "hovermode": "closest",
    }
    layout.update(extra)
    return layout


# --------------------------------------------------------------------------- 1. one iteration


def _slice_range(piece: IterationSlice) -> list[float]:
    s = piece.path.s
    window = (s >= NEAR_END[0]) & (s <= NEAR_END[1]) if piece.off_scale else (s >= 0.0) & (s <= 1.0)
    values = np.concatenate([piece.path.log_likelihood[window], piece.path.lower_bound[window]])
    return log_likelihood_range(values[np.isfinite(values)])


def _arrow(x: float, start: float, end: float, text: str, color: str, large: bool, side: str) -> dict:
    return {
        "x": x,
        "y": end,
        "ax": x,
        "ay": start,
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "showarrow": True,
        "arrowhead": 2,
        "arrowwidth": sizes(large)["line"],
        "arrowcolor": color,
        "text": text,
        "font": {"color": color, "size": sizes(large)["font"]},
        "xanchor": side,
        "xshift": 8 if side == "left" else -8,
        "yshift": 0,
        "bgcolor": "rgba(255,255,255,0.85)",
    }


def slice_figure(piece: IterationSlice, *, large: bool = False, lang: str = "en") -> go.Figure:
    """The log-likelihood and the bound along the path theta_t -> theta_{t+1}, the gain and the bonus labelled.

    The bound touches the log-likelihood at s = 0 (the E-step closed the gap) and peaks at s = 1
    (the M-step climbed it); the arrow from the touching level to the bound's top is what the
    M-step is guaranteed, the arrow from there to the log-likelihood is the bonus (the reopened gap).
    """
    size = sizes(large)
    path = piece.path
    y_range = _slice_range(piece)
    floor = y_range[0]
    start_y = piece.before if not piece.off_scale else floor
    traces = [
        go.Scatter(
            **_evenly_spaced(path.s, "x"),
            y=path.lower_bound,
            mode="lines",
            name=t("why.fig.bound", lang),
            line={"color": BOUND_COLOR, "width": size["line"] * 1.2, "dash": "dash"},
            hovertemplate=t("why.fig.slice_hover", lang),
        ),
        go.Scatter(
            **_evenly_spaced(path.s, "x"),
            y=path.log_likelihood,
            mode="lines",
            name=t("why.fig.log_likelihood", lang),
            line={"color": LIKELIHOOD_COLOR, "width": size["line"] * 1.2},
            hovertemplate=t("why.fig.slice_hover", lang),
        ),
        go.Scatter(
            x=[0.0, 1.0, 1.0],
            y=[start_y, piece.bound_after, piece.after],
            mode="markers",
            name=t("why.fig.key_points", lang),
            showlegend=False,
            marker={
                "size": size["mean"] * 0.8,
                "color": [LIKELIHOOD_COLOR, BOUND_COLOR, LIKELIHOOD_COLOR],
                "symbol": ["triangle-down" if piece.off_scale else "circle", "diamond", "circle"],
                "line": {"color": "white", "width": 2},
            },
            customdata=[piece.before, piece.bound_after, piece.after],
            hovertext=[t("why.fig.touch", lang), t("why.fig.top", lang), t("why.fig.new", lang)],
            hovertemplate="%{hovertext}: %{customdata:.6f}<extra></extra>",
        ),
    ]
    gain_text = t("why.fig.gain", lang, value=f"{piece.guaranteed_gain:+.3g}")
    bonus_text = t("why.fig.bonus", lang, value=f"{piece.bonus:+.3g}")
    annotations = [
        _arrow(1.0, start_y, piece.bound_after, gain_text, GAIN_COLOR, large, "right"),
        _arrow(1.0, piece.bound_after, piece.after, bonus_text, BONUS_COLOR, large, "left"),
    ]
    if piece.off_scale:
        annotations.append(
            {
                "x": 0.0,
                "y": floor,
                "xref": "x",
                "yref": "y",
                "showarrow": False,
                "yanchor": "bottom",
                "xanchor": "left",
                "xshift": 12,
                "text": t("why.fig.off_scale", lang, value=f"{piece.before:.3g}"),
                "font": {"size": size["font"] * 0.85, "color": LIKELIHOOD_COLOR},
            }
        )
    shapes = [
        {
            "type": "line",
            "x0": 0.0,
            "x1": 1.0,
            "y0": start_y,
            "y1": start_y,
            "xref": "x",
            "yref": "y",
            "line": {"color": GAIN_COLOR, "width": 1.5, "dash": "dot"},
        },
        *(
            {
                "type": "line",
                "x0": x,
                "x1": x,
                "y0": 0,
                "y1": 1,
                "xref": "x",
                "yref": "paper",
                "line": {"color": "#9a9a9a", "width": 1},
            }
            for x in (0.0, 1.0)
        ),
    ]
    layout = _layout(
        large,
        height=520 if large else 430,
        xaxis={
            "title": {"text": t("why.fig.slice_x", lang)},
            "range": [float(path.s[0]), float(path.s[-1])],
            "tickvals": [-0.5, 0.0, 0.5, 1.0, 1.5],
            "ticktext": ["-0.5", "θ<sub>t</sub>", "0.5", "θ<sub>t+1</sub>", "1.5"],
            "zeroline": False,
        },
        yaxis={"title": {"text": t("why.fig.per_sample", lang)}, "range": y_range, "zeroline": False},
        annotations=annotations,
        shapes=shapes,
    )
    return go.Figure(data=traces, layout=layout)


# --------------------------------------------------------------------------- 2. every half-step


def half_step_sentences(decomposition: Decomposition, *, lang: str = "en") -> list[str]:
    """One sentence per half-step: what it did to the bound, the gap and the log-likelihood."""
    rises = decomposition.rises()
    sentences = []
    for index, (iteration, phase) in enumerate(zip(decomposition.iterations, decomposition.phases, strict=True)):
        values = {
            "iteration": int(iteration),
            "ll": decomposition.log_likelihood[index],
            "bound": decomposition.lower_bound[index],
            "gap": decomposition.gap[index],
            "ll_rise": rises[0, index],
            "bound_rise": rises[1, index],
        }
        key = "why.half.first" if index == 0 else f"why.half.{phase}"
        sentences.append(t(key, lang, **values))
    return sentences


def decomposition_figure(
    decomposition: Decomposition, current: int | None = None, *, large: bool = False, lang: str = "en"
) -> go.Figure:
    """Log-likelihood and bound over every half-step with the gap between them shaded; iteration ``current`` banded.

    Hover (or click) a half-step for its sentence (:func:`half_step_sentences`). A first value far
    below the rest (a start from single points) is left off the scale and labelled at the bottom.
    """
    size = sizes(large)
    x = decomposition.positions
    sentences = half_step_sentences(decomposition, lang=lang)
    # In half-step order, the first E-step's bound left out (it equals its log-likelihood), so the
    # shared rule sees the first value alone and can leave an off-scale start out of the range.
    ordered = np.ravel(np.column_stack([decomposition.log_likelihood, decomposition.lower_bound]))
    y_range = log_likelihood_range(np.delete(ordered, 1) if ordered.size > 2 else ordered)
    floor = y_range[0]
    symbols = [SYMBOL_NUMBER["circle" if phase == "E" else "square"] for phase in decomposition.phases]
    # The hover sentences carry the numbers, so the y values only place the markers: float32 is exact enough.
    common = {**_evenly_spaced(x, "x"), "hovertext": sentences, "hovertemplate": "%{hovertext}<extra></extra>"}
    traces = [
        go.Scatter(
            y=np.maximum(decomposition.lower_bound, floor).astype(np.float32),
            mode="lines+markers",
            name=t("why.fig.bound", lang),
            line={"color": BOUND_COLOR, "width": size["line"], "dash": "dash"},
            marker={"size": size["point"] + 2, "color": BOUND_COLOR, "symbol": symbols},
            **common,
        ),
        go.Scatter(
            y=np.maximum(decomposition.log_likelihood, floor).astype(np.float32),
            mode="lines+markers",
            name=t("why.fig.log_likelihood_gap", lang),
            line={"color": LIKELIHOOD_COLOR, "width": size["line"]},
            marker={"size": size["point"] + 2, "color": LIKELIHOOD_COLOR, "symbol": symbols},
            fill="tonexty",
            fillcolor=GAP_FILL,
            **common,
        ),
    ]
    annotations = []
    if decomposition.log_likelihood.size and decomposition.log_likelihood[0] < floor:
        annotations.append(
            {
                "x": float(x[0]),
                "y": floor,
                "xref": "x",
                "yref": "y",
                "showarrow": False,
                "yanchor": "bottom",
                "xanchor": "left",
                "xshift": 10,
                "text": t("why.fig.off_scale", lang, value=f"{decomposition.log_likelihood[0]:.3g}"),
                "font": {"size": size["font"] * 0.85},
            }
        )
    shapes = []
    if current is not None:
        shapes.append(
            {
                "type": "rect",
                "x0": current - 0.15,
                "x1": current + 0.65,
                "y0": 0,
                "y1": 1,
                "xref": "x",
                "yref": "paper",
                "fillcolor": rgba(GAIN_COLOR, 0.12),
                "line": {"width": 0},
                "layer": "below",
            }
        )
    layout = _layout(
        large,
        height=480 if large else 380,
        xaxis={
            "title": {"text": t("why.fig.decomposition_x", lang)},
            "zeroline": False,
            "tick0": 1,
            "dtick": max(1, int(np.ceil(decomposition.iterations.max(initial=1) / MAX_TICKS))),
        },
        yaxis={"title": {"text": t("why.fig.per_sample", lang)}, "range": y_range, "zeroline": False},
        annotations=annotations,
        shapes=shapes,
    )
    return go.Figure(data=traces, layout=layout)


# --------------------------------------------------------------------------- 3. EM against gradient ascent


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
            **_evenly_spaced(mu_values, "x"),
            **_evenly_spaced(mu_values, "y"),
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
    layout = _layout(
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
