"""What each page asks the browser to draw, at default settings: a guard, not a timing (issue 10).

Every plotly trace costs the browser time to draw (and every frame's traces time to play), and
the figure JSON travels over the websocket, so a change that quietly multiplies traces or bytes
makes every page slower for every student. The budgets are what the pages reach now plus a
little headroom; a change that needs more should say why in its commit and raise the budget.
Timings live in ``benchmarks/bench_browser.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from emlab.shared.settings import DataSettings
from tests.app_pages import open_page
from tests.plotly_json import decode

APP = str(Path(__file__).resolve().parents[1] / "app.py")
# page script -> (plotly traces in data and all frames, figure JSON bytes), summed over its charts.
BUDGETS = {
    # One point trace, colours as a palette index per point in the frames; before: 419 traces (with
    # the frames'), 260 kB (a grey trace plus one per component).
    "app.py": (370, 215_000),
    # One blended point trace, ellipses as shapes, a template cut to a 2-D chart's needs; before
    # issue 10's step-through work: 18 traces (2,506 markers), 54.6 kB at the start.
    "pages/1_Step_through.py": (14, 21_000),
    # Before issue 10: 20 traces, 64 kB and 34 traces, 61 kB (one point trace per component, one
    # line trace per ellipse, the whole template in every figure).
    "pages/2_How_the_data_is_made.py": (12, 40_000),
    "pages/3_How_many_components.py": (20, 36_000),
    # One experiment at a time (the first: local optima); every experiment's own budget is in
    # tests/test_pitfalls_page.py. Before issue 10 the page drew 279 traces, 756 kB; then 33 traces,
    # 247 kB, before the gallery's points were painted as one picture per panel (17 traces, 238 kB).
    "pages/4_When_EM_goes_wrong.py": (18, 245_000),
    "pages/5_Your_own_data.py": (0, 0),  # nothing is drawn before a file is uploaded
    # The cut-down template, evenly spaced coordinates as start and step, a 65 x 65 landscape; before
    # issue 10's work on this page: 10 traces, 142.8 kB (the landscape's contour alone 52 kB).
    "pages/6_Why_EM_works.py": (10, 92_000),
}


def weigh(at: AppTest) -> tuple[int, int]:
    """Traces (data plus every frame's data) and JSON bytes of all charts on the page."""
    traces = size = 0
    for chart in at.get("plotly_chart"):
        spec = chart.proto.spec
        figure = json.loads(spec)
        traces += len(figure["data"]) + sum(len(frame.get("data", [])) for frame in figure.get("frames", []))
        size += len(spec)
    return traces, size


@pytest.mark.parametrize("page", BUDGETS)
def test_every_chart_is_drawn_with_its_own_template(page):
    """Streamlit's theme (``theme="streamlit"``) would redraw ticks and fonts its own way."""
    at = open_page(page)
    assert [chart.proto.theme for chart in at.get("plotly_chart")] == [""] * len(at.get("plotly_chart"))


@pytest.mark.parametrize("page", BUDGETS)
def test_page_stays_within_its_trace_and_byte_budget(page):
    at = open_page(page)
    traces, size = weigh(at)
    trace_budget, byte_budget = BUDGETS[page]
    assert traces <= trace_budget, f"{page} draws {traces} plotly traces (budget {trace_budget})"
    assert size <= byte_budget, f"{page} sends {size} bytes of figure JSON (budget {byte_budget})"
    if page != "pages/5_Your_own_data.py":
        assert traces > 0, "the page drew no chart at default settings: the guard would guard nothing"


def test_step_through_half_steps_draw_the_same_light_chart():
    # Every half-step draws the same traces (so the browser updates the chart in place) and stays
    # light: after the E- and M-steps the points carry their colours, the ghosts and arrows appear.
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/1_Step_through.py")
    at.run()
    weights = []
    for key in ("e_step", "m_step", "e_step"):
        at.button(key=key).click().run()
        assert not at.exception, at.exception[0].value
        assert not at.dataframe and not at.table, "the E/M tables are Markdown: no grid bundle on the first click"
        step_chart = at.get("plotly_chart")[0].proto.spec
        weights.append((len(json.loads(step_chart)["data"]), len(step_chart)))
    assert len({traces for traces, _ in weights}) == 1, weights
    assert all(traces <= 14 and size <= 38_000 for traces, size in weights), weights


def test_playground_draws_each_point_once():
    # One marker trace holds all N points, its colours a palette index per point in the frames
    # (emlab.playground.palette). Before: a grey trace plus one per component, 23 traces (419 with
    # the frames'), 2,049 markers, 260,049 bytes of figure JSON; now 20 (358), 549 markers, 206,748.
    at = open_page("app.py")
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    n_points = DataSettings().n
    with_all_points = [t for t in figure["data"] if isinstance(t.get("x"), dict) and len(decode(t["x"])) == n_points]
    assert [trace["name"] for trace in with_all_points] == ["points"], "exactly one trace has the N points"


@pytest.mark.parametrize("page", ["pages/2_How_the_data_is_made.py", "pages/3_How_many_components.py"])
def test_small_tables_and_code_pull_in_no_component_bundle(page):
    # st.dataframe loads the data-grid bundle (1.7 MB) and st.code or a fenced Markdown block the
    # syntax highlighter (1.66 MB); these pages draw their tables as Markdown and their code as a
    # <pre> (emlab.shared.light_blocks), which load nothing the floor app does not.
    at = open_page(page)
    assert not at.dataframe and not at.table and not at.code
    assert not any("```" in markdown.value for markdown in at.markdown)
    assert any(markdown.value.startswith("| ") for markdown in at.markdown), "the page's table is gone"
