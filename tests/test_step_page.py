"""The step-through page in Streamlit's AppTest: buttons, no-op steps, exact Back, live numbers, bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import gmm_core.em
from emlab.shared.pipeline import load_data, starting_params
from emlab.shared.settings import DataSettings, ModelSettings
from emlab.step_through import walk as stepper
from emlab.step_through.keys import KEYS
from emlab.step_through.walk import ManualStart
from gmm_core import COVARIANCE_TYPES, DataSet, e_step, run_em
from tests.markdown_tables import page_table

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/1_Step_through.py"


def open_page(**query: str) -> AppTest:
    """The page as a fresh browser tab opens it (optionally with URL query parameters)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(query)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def press(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart_spec(at: AppTest) -> str:
    """The step chart's plotly JSON (the first chart on the page)."""
    return at.get("plotly_chart")[0].proto.spec


def shown_log_likelihood(at: AppTest) -> float | None:
    value = at.metric[0].value
    return None if value in ("-", "") else float(value)


def status(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**Iteration"))


def walk(at: AppTest):
    return at.session_state[KEYS.session].walk


def test_cold_open_offers_the_e_step_first():
    at = open_page()
    assert status(at).startswith("**Iteration 0")
    assert at.button(key="e_step").proto.type == "primary"
    assert at.button(key="m_step").proto.type == "secondary"
    keys = {button.key for button in at.button}
    assert {"e_step", "m_step", "em_iteration", "step_back", "run_to_convergence", "reset"} <= keys
    assert at.button(key="e_step").proto.shortcut == "e"
    assert "Shortcut E" in at.button(key="e_step").help
    assert shown_log_likelihood(at) is None


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_twenty_half_steps_never_lower_the_log_likelihood(covariance_type):
    # From the K points themselves: on the default data "tied" has finished its climb by its first M-step.
    at = open_page(cov=covariance_type, tol="0.0", after_m1="false")
    assert walk(at).covariance_type == covariance_type and walk(at).tol == 0.0
    shown = []
    for half_step in range(20):
        key = "e_step" if half_step % 2 == 0 else "m_step"
        assert at.button(key=key).proto.type == "primary"
        press(at, key)
        expected_phase = "E" if key == "e_step" else "M"
        assert status(at).startswith(f"**Iteration {half_step // 2 + 1}, after the {expected_phase}-step")
        shown.append(shown_log_likelihood(at))
    assert walk(at).cursor == 20
    assert np.all(np.diff(shown) >= 0), shown
    assert shown[-1] > shown[0]


def test_back_restores_the_previous_figure_exactly():
    at = open_page()
    specs = [chart_spec(at)]
    for key in ("e_step", "m_step", "e_step", "m_step"):
        specs.append(chart_spec(press(at, key)))
    assert len(set(specs)) == 5  # every half-step draws something new
    for expected in reversed(specs[:-1]):
        assert chart_spec(press(at, "step_back")) == expected
    # Forward again reuses the stored half-steps: the same pictures, no parameters recomputed.
    steps = walk(at).steps
    press(at, "em_iteration")
    assert chart_spec(at) == specs[2] and walk(at).steps is steps


def test_forward_and_back_show_em_steps_states_and_the_same_charts():
    """Responsibilities are recomputed on demand, never stored: states and charts are exactly as first computed."""
    at = open_page(tol="0.0", k="4")
    seen = {0: chart_spec(at)}
    for key in ("e_step", "m_step") * 4 + ("e_step",):
        press(at, key)
        seen[walk(at).cursor] = chart_spec(at)
    loaded = load_data(DataSettings())
    history = run_em(loaded.X, starting_params(loaded, ModelSettings(k=4, tol=0.0)), tol=0.0, max_iter=100)
    for key in ("step_back", "step_back", "reset", "e_step", "m_step", "em_iteration", "step_back", "e_step", "m_step"):
        walk(at).recent._arrays.clear()  # a cold cache: whatever is shown is recomputed from the parameters
        press(at, key)
        cursor = walk(at).cursor
        assert chart_spec(at) == seen[cursor], key
        state, expected = walk(at).current, history[cursor]
        assert (state.iteration, state.phase) == (expected.iteration, expected.phase)
        assert state.log_likelihood == expected.log_likelihood
        np.testing.assert_array_equal(state.params.covariances, expected.params.covariances)
        np.testing.assert_array_equal(state.responsibilities, expected.responsibilities)
    assert all(step.responsibilities is None for step in walk(at).steps)


def test_a_click_computes_one_half_step_never_em_from_the_start(monkeypatch):
    calls = []
    for module, name in ((gmm_core.em, "e_step"), (gmm_core.em, "m_step"), (stepper, "e_step")):
        original = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _o=original, _n=name, **k: calls.append(_n) or _o(*a, **k))
    at = open_page()
    for key in ("e_step", "m_step") * 5:
        press(at, key)
    calls.clear()
    press(at, "e_step")
    assert calls == ["e_step"]
    calls.clear()
    press(at, "m_step")
    assert calls == ["m_step"]
    calls.clear()
    press(at, "step_back")
    press(at, "reset")
    press(at, "em_iteration")
    # Going back and forward again reuses the stored parameters; at most the responsibilities on
    # screen are recomputed (one E-step), which a walk does not keep.
    assert "m_step" not in calls and calls.count("e_step") <= 1


def test_m_step_before_any_e_step_and_a_double_e_step_change_nothing():
    at = open_page()
    start_spec = chart_spec(at)
    press(at, "m_step")
    assert walk(at).cursor == 0 and chart_spec(at) == start_spec
    assert "E-step first" in at.info[0].value
    press(at, "e_step")
    after_e = chart_spec(at)
    assert at.button(key="e_step").proto.type == "secondary"
    assert at.button(key="m_step").proto.type == "primary"
    press(at, "e_step")
    assert walk(at).cursor == 1 and chart_spec(at) == after_e
    assert "already done" in at.info[0].value
    press(at, "m_step")
    assert walk(at).cursor == 2 and not at.info


def _gamma_values(latex: str, index: int) -> dict[int, float]:
    """{k: gamma_{index,k}} read from the rows of the E-step formula."""
    values = {}
    for row in latex.split(r"\\[4pt]"):
        match = re.search(rf"\\gamma_{{{index},(\d+)}}", row)
        if match:
            tail = row.rsplit("=", 1)[1].replace(r"\end{aligned}", "").replace("$$", "").strip()
            number = re.fullmatch(r"(-?[\d.]+)(?:\\times 10\^\{(-?\d+)\})?", tail)
            values[int(match.group(1))] = float(number.group(1)) * 10.0 ** int(number.group(2) or 0)
    return values


@pytest.mark.parametrize("index", [17, 123])
def test_latex_numbers_for_a_selected_point_equal_the_cores_e_step(index):
    at = open_page(k="4")
    press(at, "em_iteration")
    press(at, "e_step")
    at.number_input(key="step_point").set_value(index).run()
    latex = next(element.value for element in at.latex if r"\gamma_{" + str(index) in element.value)
    shown = _gamma_values(latex, index)
    # The core, independently of the page: one EM iteration from the same start, then the E-step shown.
    loaded = load_data(DataSettings())
    model = ModelSettings(k=4)
    history = run_em(loaded.X, starting_params(loaded, model), max_iter=1, tol=model.tol)
    _, responsibilities = e_step(loaded.X, history[-1].params)
    assert sorted(shown) == [1, 2, 3, 4]
    np.testing.assert_allclose([shown[k] for k in (1, 2, 3, 4)], responsibilities[index], rtol=5e-4, atol=1e-12)
    spec = json.loads(chart_spec(at))
    assert any(trace.get("name") == f"selected point x_{index}" for trace in spec["data"])


def test_m_step_shows_arrows_ghost_ellipses_and_the_updates():
    at = open_page()
    press(at, "e_step")
    press(at, "m_step")
    spec = json.loads(chart_spec(at))
    assert len(spec["layout"]["annotations"]) >= 1
    assert all(a["arrowhead"] == 2 for a in spec["layout"]["annotations"])
    assert any(shape["line"]["dash"] == "dash" for shape in spec["layout"]["shapes"])  # the ellipses before
    latex = " ".join(element.value for element in at.latex)
    assert r"\pi_{1}" in latex and r"\longrightarrow" in latex
    table = page_table(at, "pi_k after")
    assert table["component"] == ["C1", "C2", "C3"]
    np.testing.assert_allclose(sum(float(cell) for cell in table["pi_k after"]), 1.0, rtol=1e-3)  # 4 digits each
    assert not at.dataframe, "small tables are Markdown: no data-grid bundle on the first click"


def test_second_e_step_rings_the_points_that_changed_component():
    at = open_page()
    for key in ("e_step", "m_step", "e_step"):
        press(at, key)
    changed = walk(at).changed_labels()
    spec = json.loads(chart_spec(at))
    rings = [trace for trace in spec["data"] if trace.get("name", "").startswith("changed component")]
    assert rings and rings[0]["name"] == f"changed component ({int(changed.sum())})"


def test_run_to_convergence_then_reset():
    at = open_page()
    press(at, "run_to_convergence")
    assert walk(at).finished
    assert "converged" in status(at) or "stopped" in status(at)
    assert at.button(key="e_step").proto.type == "secondary"
    press(at, "e_step")
    assert "EM has stopped" in at.info[0].value
    press(at, "reset")
    assert walk(at).cursor == 0 and status(at).startswith("**Iteration 0")
    press(at, "step_back")
    assert "Already at the start" in at.info[0].value


def test_changing_a_setting_starts_a_new_walk_and_says_so():
    at = open_page()
    press(at, "e_step")
    at.slider(key="k").set_value(2).run()
    assert not at.exception
    assert walk(at).cursor == 0 and walk(at).current.params.n_components == 2
    assert "started again" in at.info[0].value


def test_playground_query_parameters_carry_over():
    at = open_page(source="synthetic", n="300", k="4", cov="diag", init="kmeans", model_seed="3", d="3")
    session = at.session_state[KEYS.session]
    assert session.data.n_samples == 300 and session.data.n_features == 3
    params = session.walk.current.params
    assert params.n_components == 4 and params.covariance_type == "diag"
    expected = starting_params(
        load_data(DataSettings(n=300, d=3)), ModelSettings(k=4, cov="diag", init="kmeans", model_seed=3)
    )
    assert params.allclose(expected)


def test_a_start_that_cannot_work_is_an_error_not_a_traceback():
    at = open_page()
    press(at, "e_step")
    at.select_slider(key="reg").set_value(0.0).run()  # one-point components with no regularisation
    assert not at.exception
    assert any("cannot start" in error.value for error in at.error)
    assert any("paused" in warning.value for warning in at.warning)
    assert at.button(key="e_step").disabled
    assert walk(at).cursor == 1  # the last good walk is still shown


def test_manual_start_from_clicked_points():
    at = open_page()
    at.radio(key="step_start").set_value("manual").run()
    assert at.button(key="e_step").disabled and at.button(key="step_manual_go").disabled
    data_key = (DataSettings(), "")
    rows = ManualStart(data_key)
    for row in (5, 100, 5, 250, 400):  # clicking 5 twice drops it again
        rows = rows.toggled(row, 3)
    assert rows.rows == (100, 250, 400)
    at.session_state[KEYS.manual] = rows
    at.run()
    assert not at.button(key="step_manual_go").disabled
    press(at, "step_manual_go")
    X = load_data(DataSettings()).X
    np.testing.assert_array_equal(walk(at).current.params.means, X[[100, 250, 400]])
    press(at, "e_step")
    assert walk(at).cursor == 1


def test_one_feature_data_draws_a_histogram():
    at = open_page(d="1")
    press(at, "e_step")
    press(at, "m_step")
    spec = json.loads(chart_spec(at))
    assert spec["data"][0]["type"] == "bar"
    assert any(trace.get("name") == "fitted mixture" for trace in spec["data"])
    assert not at.exception


def test_a_collapsing_m_step_is_a_message_and_the_walk_stays(monkeypatch):
    at = open_page()
    press(at, "e_step")
    spec = chart_spec(at)

    def collapse(*args, **kwargs):
        raise ValueError("A covariance matrix is not positive definite.")

    monkeypatch.setattr(gmm_core.em, "m_step", collapse)
    press(at, "m_step")
    assert any("could not be computed" in error.value for error in at.error)
    assert walk(at).cursor == 1 and chart_spec(at) == spec


def test_more_components_than_samples_is_an_error_not_a_traceback():
    at = open_page()
    at.session_state["uploaded_dataset"] = DataSet("five rows", np.arange(10.0).reshape(5, 2), ("a", "b"))
    at.session_state["upload_id"] = "five-rows"
    at.selectbox(key="source").set_value("upload").run()
    at.slider(key="k").set_value(8).run()
    assert not at.exception
    assert any("Cannot fit 8 components to 5 samples" in error.value for error in at.error)


def test_upload_source_without_data_asks_for_a_file():
    at = open_page(source="upload")
    assert not at.exception
    assert any("Upload a CSV" in warning.value for warning in at.warning)
