"""The step-through page's names that outlive a code change: session-state and widget keys, buttons, shortcuts.

Each is written here once. Tests, browser tests, lecturers' keyboard habits and the CSS class
Streamlit derives from a key (``.st-key-step_point``) depend on them, so they are contracts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StepKeys:
    """Session-state keys of the step-through page (widget keys are session-state keys too)."""

    session: str = "step_session"  # the StepSession of this tab (emlab.step_through.controller)
    notice: str = "step_notice"  # the Notice from the last button or settings change, or None
    manual: str = "step_manual"  # the ManualStart being picked (emlab.step_through.walk)
    start: str = "step_start"  # radio: start from the initialisation method or from clicked points
    point: str = "step_point"  # number input: the row whose E-step numbers are shown
    component: str = "step_component"  # radio: the component whose M-step numbers are shown
    chart: str = "step_chart"  # the clickable step chart (its selection event)
    log_likelihood_chart: str = "step_ll_chart"


KEYS = StepKeys()


@dataclass(frozen=True)
class Button:
    """A button: its widget key, its catalogue label (the help text is ``label + ".help"``), icon and shortcut."""

    key: str
    label: str
    icon: str
    shortcut: str | None = None


E_STEP = "e_step"
M_STEP = "m_step"
ITERATION = "em_iteration"
BACK = "step_back"
RUN = "run_to_convergence"
RESET = "reset"

# The step buttons, in their order on the page; their keys are the actions the controller applies.
BUTTONS = (
    Button(E_STEP, "step.button.e", ":material/palette:", "E"),
    Button(M_STEP, "step.button.m", ":material/open_with:", "M"),
    Button(ITERATION, "step.button.iteration", ":material/redo:", "N"),
    Button(BACK, "step.button.back", ":material/undo:", "B"),
    Button(RUN, "step.button.run", ":material/fast_forward:", "G"),
    Button(RESET, "step.button.reset", ":material/restart_alt:", "0"),
)
MANUAL_GO = Button("step_manual_go", "step.manual.go", ":material/play_arrow:")
MANUAL_CLEAR = Button("step_manual_clear", "step.manual.clear", ":material/ads_click:")
UNCERTAIN = Button("step_uncertain", "step.formula.uncertain", ":material/balance:")
