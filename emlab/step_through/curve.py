"""The small log-likelihood curve beside the step-through chart: every E-step so far, the one on screen marked.

Its y range and the decision to leave a far-off first value off the scale follow the app's one
rule for log-likelihood curves (``emlab.shared.figures.log_likelihood_range`` and
``first_value_off_scale``); this page draws such a value as a downward triangle on the bottom
edge, labelled with its value.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from emlab.shared.figures import first_value_off_scale, log_likelihood_range
from emlab.shared.layers import cartesian_template
from emlab.shared.style import FONT_FAMILY, component_color, sizes
from emlab.shared.text import t


def log_likelihood_figure(
    iterations: np.ndarray, values: np.ndarray, current: int | None, *, large: bool = False, lang: str = "en"
) -> go.Figure:
    """A small curve of the mean log-likelihood per iteration, with the current iteration marked.

    A start far from the data (components that begin as points) can make the first value
    millions below the rest, which would flatten the whole curve; it is then drawn on the bottom
    edge as a downward triangle labelled with its value.

    Parameters
    ----------
    iterations, values : ndarray of shape (M,)
        Every E-step computed so far (including any ahead of the cursor after stepping back).
    current : int or None
        The iteration on screen (None before the first E-step).
    """
    size = sizes(large)
    values = np.asarray(values, dtype=np.float64)
    y_range = log_likelihood_range(values)
    off_scale = first_value_off_scale(values)
    shown = values.copy()
    if off_scale:
        shown[0] = y_range[0]
    traces = [
        go.Scatter(
            x=iterations,
            y=shown,
            customdata=values,
            mode="lines+markers",
            name=t("step.fig.ll", lang),
            line={"color": "#444444", "width": size["line"] * 0.8},
            marker={"size": size["point"], "color": "#444444"},
            hovertemplate=t("step.fig.ll_hover", lang),
        )
    ]
    if off_scale:
        traces.append(
            go.Scatter(
                x=iterations[:1],
                y=[y_range[0]],
                mode="markers+text",
                text=[f"{values[0]:.3g}"],
                textposition="middle right",
                marker={"symbol": "triangle-down", "size": size["point"] + 6, "color": "#444444"},
                hoverinfo="skip",
                cliponaxis=False,
            )
        )
    if current is not None and current in set(iterations.tolist()):
        position = list(iterations).index(current)
        traces.append(
            go.Scatter(
                x=[current],
                y=[float(shown[position])],
                mode="markers",
                name=t("step.fig.ll_now", lang),
                marker={
                    "size": size["mean"],
                    "color": component_color(3),
                    "symbol": "circle",
                    "line": {"color": "white", "width": 2},
                },
                hoverinfo="skip",
            )
        )
    figure = go.Figure(data=traces, _validate=False)  # each trace was checked when built; not twice per click
    figure.layout.template = cartesian_template()  # assigned, not merged into the default template
    figure.update_layout(
        height=300 if large else 240,
        margin={"l": 70, "r": 10, "t": 10, "b": 45},
        font={"family": FONT_FAMILY, "size": size["font"] * 0.85},
        showlegend=False,
        xaxis={"title": {"text": t("step.fig.iteration", lang)}, "dtick": max(1, int(np.ceil(len(iterations) / 10)))},
        yaxis={"title": {"text": t("step.fig.ll_axis", lang)}, "exponentformat": "e", "range": y_range},
    )
    return figure
