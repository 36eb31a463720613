"""The floor app the browser benchmark measures against: the same page on load, a new chart only on request."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.app_pages import open_page, tree_nodes

FLOOR_APP = str(Path(__file__).resolve().parents[1] / "benchmarks" / "floor_app.py")


def chart_and_click(query: dict) -> tuple[dict, dict]:
    """The floor app's chart before and after one click of its button, opened with ``query``."""
    app = AppTest.from_file(FLOOR_APP)
    app.query_params.update(query)
    app.run()
    before = json.loads(app.get("plotly_chart")[0].proto.spec)
    app.button(key="floor_button").click().run()
    return before, json.loads(app.get("plotly_chart")[0].proto.spec)


def test_floor_app_is_one_title_one_chart_one_button_and_a_click_changes_nothing():
    before, after = chart_and_click({})
    app = AppTest.from_file(FLOOR_APP).run()
    assert [len(app.title), len(app.get("plotly_chart")), len(app.button)] == [1, 1, 1]
    assert len(before["data"]) == 1
    assert before == after


def test_floor_app_with_redraw_draws_a_new_scatter_of_the_same_size_on_each_click():
    before, after = chart_and_click({"redraw": "1"})
    assert before["data"][0]["x"] != after["data"][0]["x"]
    assert before["layout"] == after["layout"]


def sidebar_kinds(app: AppTest) -> list[str]:
    """The sidebar's elements and blocks, depth first, by kind (what the browser has to lay out)."""
    return [type(node).__name__ for node in tree_nodes(app.sidebar)][1:]  # not the sidebar itself


def test_floor_app_with_sidebar_draws_the_playgrounds_sidebar_beside_the_same_chart():
    floor = AppTest.from_file(FLOOR_APP, default_timeout=60)
    floor.query_params["sidebar"] = "1"
    floor.run()
    kinds = sidebar_kinds(floor)
    assert not floor.exception
    assert kinds == sidebar_kinds(open_page("app.py"))
    assert len(kinds) > 20
    assert [len(floor.title), len(floor.get("plotly_chart")), len(floor.main.button)] == [1, 1, 1]
