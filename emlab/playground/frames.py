"""The animation engine: plotly frames from an EM history, typed arrays, the slider and the play buttons.

How the frames stay small and still correct
-------------------------------------------
A half-step changes one of two things: an E-step changes the responsibilities (the point
colours, one palette index per point, see ``emlab.playground.palette``, and the log-likelihood
marker), an M-step changes the parameters (ellipses or curves, means and their trails). Each
frame therefore carries only the part that changed since the frame before it and names that frame
as its ``baseframe``; plotly.js merges the chain when it shows a frame. Playing, scrubbing the
slider or jumping to any step thus always shows one consistent state, while the payload holds
each number once. Every ``KEYFRAME_EVERY`` frames a complete frame cuts the chain, so the merge
stays short however long EM runs.

Frames are plain JSON-ready dicts whose arrays are already plotly typed arrays (base64), and
:class:`AnimatedFigure` attaches them without plotly.py's per-property validation: validating,
copying or unpickling a few hundred frames otherwise takes seconds (``st.cache_data`` unpickles
on every rerun). This sets plotly.py's private ``_frame_objs``, which is why ``requirements.txt``
bounds plotly below its next major version; tests/test_animation.py rebuilds the figure with
plotly's own validators to prove the frames are valid. Pure functions, no Streamlit.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from emlab.shared.style import sizes
from emlab.shared.text import t
from gmm_core import EMState, GMMParams

CONTROLS_Y = -0.13  # play buttons and slider, in paper units below the axes
KEYFRAME_EVERY = 40
# Browser-side payload the frames may use; longer runs show fewer (evenly spaced) iterations.
FRAME_BYTES_BUDGET = 3_000_000
MIN_ANIMATED_ITERATIONS = 30
PLAY_SPEEDS = {"play": (450, 300), "slow": (1200, 800)}  # (ms per half-step, ms of movement)
FrameUpdate = Callable[[int], list[dict]]  # history index -> the updates of one part's traces


# --------------------------------------------------------------------------- which states become frames


def animation_indices(history: list[EMState], n_points: int, n_components: int) -> np.ndarray:
    """Indices of the half-steps that become frames: all of them when the payload allows.

    When EM ran long enough that every half-step would not fit ``FRAME_BYTES_BUDGET``, the
    first iterations (where the action is) are kept and the rest are thinned evenly; the E and
    M halves of a kept iteration stay together and the last state is always kept.
    """
    last_iteration = history[-1].iteration
    bytes_per_iteration = 1.4 * n_points + 900 * n_components + 1500  # one colour byte per point in base64
    allowed = max(MIN_ANIMATED_ITERATIONS, int(FRAME_BYTES_BUDGET // bytes_per_iteration))
    if last_iteration <= allowed:
        return np.arange(len(history))
    head = allowed // 2
    tail = np.linspace(head + 1, last_iteration, allowed - head).round().astype(int)
    kept = set(range(1, head + 1)) | set(tail.tolist())
    return np.array([i for i, state in enumerate(history) if state.phase == "init" or state.iteration in kept])


def step_label(state: EMState, *, lang: str = "en") -> str:
    """What a half-step did, in words (the slider shows it as the animation plays)."""
    if state.phase == "init":
        return t("anim.label.init", lang)
    key = "anim.label.E" if state.phase == "E" else "anim.label.M"
    return t(key, lang, iteration=state.iteration) + (t("anim.label.converged", lang) if state.converged else "")


def params_sequence(history: list[EMState]) -> tuple[list[GMMParams], np.ndarray]:
    """The distinct parameter sets in order, and for each state the position of its parameters."""
    distinct: list[GMMParams] = []
    positions = np.empty(len(history), dtype=int)
    for i, state in enumerate(history):
        if not distinct or state.params is not distinct[-1]:
            distinct.append(state.params)
        positions[i] = len(distinct) - 1
    return distinct, positions


# --------------------------------------------------------------------------- frames as ready-made JSON


class AnimatedFigure(go.Figure):
    """A ``go.Figure`` whose frames are ready-made JSON, attached as they are (see module docstring).

    Traces and layout go through plotly.py's validation as usual; the frames (plain dicts of
    typed arrays) do not, and a pickled copy is rebuilt without validating anything again.
    """

    def __init__(self, data=None, layout=None, frames=(), **kwargs):
        super().__init__(data=data, layout=layout, **kwargs)
        self._frame_objs = tuple(go.Frame(frame, _validate=False) for frame in frames)

    def __reduce__(self):
        return _rebuild_animated_figure, (self.to_dict(),)


def _rebuild_animated_figure(props: dict) -> AnimatedFigure:
    return AnimatedFigure(props["data"], props["layout"], props.get("frames", ()), _validate=False)


def typed_array(values, dtype: str = "f4") -> dict:
    """``values`` as a plotly.js typed array (what plotly.py writes for numpy arrays), ready for JSON."""
    array = np.ascontiguousarray(values, dtype=np.dtype(dtype))
    return {"dtype": dtype, "bdata": base64.b64encode(array.tobytes()).decode("ascii")}


def xy_update(x, y) -> dict:
    """A trace update moving its points to ``x``, ``y`` (float32 typed arrays)."""
    return {"x": typed_array(x), "y": typed_array(y)}


def colour_update(indices: np.ndarray) -> dict:
    """A marker-colour update of the point trace: each point's palette index as a uint8 typed array."""
    return {"marker": {"color": typed_array(indices, "u1")}}


def log_likelihood_marker_update(state: EMState) -> dict:
    """Move the log-likelihood panel's marker to ``state`` (hidden before the first E-step)."""
    if state.log_likelihood is None:
        return xy_update([np.nan], [np.nan])
    return xy_update([state.iteration], [state.log_likelihood])


@dataclass(frozen=True)
class FrameParts:
    """Trace indices of the two parts a frame may update: what an E-step and what an M-step changes."""

    responsibility: list[int]
    parameter: list[int]

    @classmethod
    def for_layout(cls, n_static: int, n_component_traces: int) -> FrameParts:
        """Indices for traces laid out as [static, points, component traces, LL curve, LL marker, ...]."""
        points = n_static
        return cls(
            responsibility=[points, points + n_component_traces + 2],
            parameter=list(range(points + 1, points + 1 + n_component_traces)),
        )


def chained_frames(
    history: list[EMState],
    indices: np.ndarray,
    parts: FrameParts,
    responsibility_update: FrameUpdate,
    parameter_update: FrameUpdate,
) -> list[dict]:
    """One frame per index, each carrying only what changed and chained to the one before by ``baseframe``."""
    frames: list[dict] = []
    previous: EMState | None = None
    for position, index in enumerate(indices):
        state = history[index]
        complete = previous is None or position % KEYFRAME_EVERY == 0
        data, traces = [], []
        if complete or state.responsibilities is not previous.responsibilities:
            data += responsibility_update(index)
            traces += parts.responsibility
        if complete or state.params is not previous.params:
            data += parameter_update(index)
            traces += parts.parameter
        frame = {"data": data, "traces": traces, "name": str(index)}
        if not complete:
            frame["baseframe"] = frames[-1]["name"]
        frames.append(frame)
        previous = state
    return frames


# --------------------------------------------------------------------------- slider and buttons


def _jump(frame_names: list) -> list:
    return [
        frame_names,
        {"mode": "immediate", "frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}},
    ]


def slider(history: list[EMState], indices: np.ndarray, *, large: bool, lang: str = "en") -> dict:
    """The slider under the chart: one step per frame, labelled with what that half-step did."""
    steps = [
        {"method": "animate", "label": step_label(history[index], lang=lang), "args": _jump([str(index)])}
        for index in indices
    ]
    return {
        "active": 0,
        "steps": steps,
        "x": 0.32 if large else 0.24,  # right of the buttons, which grow with the font
        "len": 0.68 if large else 0.76,
        "y": CONTROLS_Y,
        "yanchor": "top",
        "pad": {"t": 0, "b": 0},
        "ticklen": 0,
        "minorticklen": 0,
        "tickcolor": "rgba(0,0,0,0)",
        "font": {"color": "rgba(0,0,0,0)", "size": 4},
        "currentvalue": {
            "visible": True,
            "prefix": "",
            "xanchor": "left",
            "offset": 12,
            "font": {"size": sizes(large)["title"], "color": "#222222"},
        },
    }


def play_menu(*, large: bool, lang: str = "en") -> dict:
    """Play, Slow and Pause buttons left of the slider."""
    buttons = [
        _play_button(t("anim.play", lang), *PLAY_SPEEDS["play"]),
        _play_button(t("anim.slow", lang), *PLAY_SPEEDS["slow"]),
        {"label": t("anim.pause", lang), "method": "animate", "args": _jump([None])},
    ]
    return {
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0.0,
        "xanchor": "left",
        "y": CONTROLS_Y,
        "yanchor": "top",
        "pad": {"t": 30, "r": 8},
        "font": {"size": sizes(large)["font"]},
        "buttons": buttons,
    }


def _play_button(label: str, frame_ms: int, move_ms: int) -> dict:
    return {
        "label": label,
        "method": "animate",
        "args": [
            None,
            {
                "mode": "immediate",
                "fromcurrent": True,
                "frame": {"duration": frame_ms, "redraw": False},
                "transition": {"duration": move_ms, "easing": "cubic-in-out"},
            },
        ],
    }
