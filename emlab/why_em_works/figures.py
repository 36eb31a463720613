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
from emlab.why_em_works.model import Decomposition, IterationSlice

LIKELIHOOD_COLOR = "#1F2933"
BOUND_COLOR = component_color(0)
GAIN_COLOR = component_color(2)
BONUS_COLOR = component_color(1)
GAP_FILL = rgba(component_color(1), 0.28)
# Positions on the slice's path used for the y range when theta_t is far off the scale (near theta_{t+1} only).
NEAR_END = (0.8, 1.2)
MAX_TICKS = 15
# Plotly's marker symbols by number: a list of 0s and 1s is a third the bytes of their names.
SYMBOL_NUMBER = {"circle": 0, "square": 1}


def evenly_spaced(values: np.ndarray, axis: str) -> dict:
    """``{axis}0`` and ``d{axis}`` for evenly spaced ``values`` (plotly builds the same coordinates, no array sent).

    Values that are not evenly spaced are sent as they are.
    """
    values = np.asarray(values, dtype=float)
    steps = np.diff(values)
    if values.size >= 2 and np.allclose(steps, steps[0], rtol=0, atol=1e-9 * max(1.0, abs(steps[0]))):
        return {f"{axis}0": float(values[0]), f"d{axis}": float(steps[0])}
    return {axis: values}


def chart_layout(large: bool, height: int, **extra) -> dict:
    """The layout every chart of the page starts from: the cut-down template, fonts, margins, legend on top."""
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
            **evenly_spaced(path.s, "x"),
            y=path.lower_bound,
            mode="lines",
            name=t("why.fig.bound", lang),
            line={"color": BOUND_COLOR, "width": size["line"] * 1.2, "dash": "dash"},
            hovertemplate=t("why.fig.slice_hover", lang),
        ),
        go.Scatter(
            **evenly_spaced(path.s, "x"),
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
    layout = chart_layout(
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
    common = {**evenly_spaced(x, "x"), "hovertext": sentences, "hovertemplate": "%{hovertext}<extra></extra>"}
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
    layout = chart_layout(
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
