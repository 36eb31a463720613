"""The 'Your own data' page driven by AppTest: every bad file gets a message, good files reach the other pages.

Files are uploaded through AppTest's ``file_uploader`` (Streamlit 1.67 can drive it), so the
page's real callback reads them. The page runs through ``app.py`` + ``switch_page`` because its
sidebar links are resolved against the app's entry point.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from emlab.your_data.upload import MAX_COLUMNS, MAX_UPLOAD_BYTES
from tests.test_upload import BAD_FILES

ROOT = Path(__file__).parent.parent
PAGE = "pages/5_Your_own_data.py"
EXAMPLE = (ROOT / "examples" / "two_clusters.csv").read_bytes()


def open_page() -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.switch_page(PAGE).run()
    assert not app.exception
    return app


def upload(app: AppTest, name: str, content: bytes) -> AppTest:
    app.file_uploader(key="up_file").set_value((name, content, "text/csv")).run()
    assert not app.exception, app.exception[0].message if app.exception else ""
    return app


def texts(elements) -> list[str]:
    return [element.value for element in elements]


def chart_spec(app: AppTest) -> dict:
    (chart,) = app.get("plotly_chart")
    return json.loads(chart.proto.spec)


BAD_FOR_THE_PAGE = {
    **{name: content for name, (content, _code) in BAD_FILES.items()},
    "exactly one byte over the limit": b"x" * (MAX_UPLOAD_BYTES + 1),
}


@pytest.mark.parametrize("name", list(BAD_FOR_THE_PAGE))
def test_a_bad_file_gets_a_message_not_an_exception(name):
    app = upload(open_page(), "data.csv", BAD_FOR_THE_PAGE[name])
    (error,) = app.error
    assert error.value.startswith("**This file cannot be used.**") and len(error.value) > 60
    assert not app.get("plotly_chart") and not _has_key(app, "up_use")
    assert app.session_state["up_table"] is None and app.session_state["uploaded_dataset"] is None


def _has_key(app: AppTest, key: str) -> bool:
    return any(button.key == key for button in app.button)


def wide_file(n_columns: int, n_rows: int) -> bytes:
    values = np.random.default_rng(0).normal(size=(n_rows, n_columns)).round(2)
    lines = [",".join(f"c{i}" for i in range(n_columns)), *(",".join(map(str, row)) for row in values)]
    return "\n".join(lines).encode()


READABLE_WITH_A_NOTE = {
    "text in a numeric column": (b"x,y\n1,2\n3,abc\n5,6\n7,8\n", "`abc`"),
    "infinities": (b"x,y\n1,2\n3,inf\n5,6\n7,-inf\n", "infinite"),
    "more columns than rows": (b"a,b,c,d\n1,2,3,4\n5,6,7,9\n", "more columns (4) than rows (2)"),
    "1,000 columns": (wide_file(1000, 6), f"only the first {MAX_COLUMNS} are read"),
}


@pytest.mark.parametrize("name", list(READABLE_WITH_A_NOTE))
def test_a_readable_file_with_a_problem_explains_it(name):
    content, expected = READABLE_WITH_A_NOTE[name]
    app = upload(open_page(), "data.csv", content)
    assert not app.error
    assert any(expected in warning for warning in texts(app.warning))


@pytest.mark.parametrize(
    "content",
    [
        b"a;b\n1,5;2,5\n3,5;1,0\n2,0;2,0\n",
        b"a\tb\n1.5\t2.5\n3.5\t1.0\n2.0\t2.0\n",
        "a,b\n1.5,2.5\n3.5,1.0\n2.0,2.0\n".encode("latin-1"),
        "a,b\r\n1.5,2.5\r\n3.5,1.0\r\n2.0,2.0\r\n".encode("utf-16"),
    ],
    ids=["semicolons and decimal commas", "tabs", "latin-1", "utf-16"],
)
def test_separators_and_encodings_are_read(content):
    app = upload(open_page(), "data.csv", content)
    assert not app.error and app.multiselect(key="up_columns").value == ["a", "b"]
    assert chart_spec(app)["data"][0]["type"] == "scatter"


def test_the_example_file_reaches_the_other_pages():
    app = open_page()
    app.button(key="up_example").click().run()
    assert app.multiselect(key="up_columns").value == ["x", "y"]
    assert texts(app.metric) == ["200", "0", "200", "2"]
    app.button(key="up_use").click().run()
    dataset, upload_id = app.session_state["uploaded_dataset"], app.session_state["upload_id"]
    assert dataset.X.shape == (200, 2) and len(upload_id) == 16
    assert not _has_key(app, "up_use")
    assert any("In use" in message for message in texts(app.success))
    links = [link.proto for link in app.get("page_link") if link.proto.query_string == "source=upload"]
    assert [link.page for link in links] == ["", "Step_through"]  # the Playground is the app's root


def test_changing_the_choice_needs_a_new_use_and_gets_a_new_id():
    app = upload(open_page(), "two.csv", EXAMPLE)
    app.button(key="up_use").click().run()
    first_id = app.session_state["upload_id"]
    app.toggle(key="up_standardise").set_value(True).run()
    assert any("not what is chosen" in message for message in texts(app.info))
    app.button(key="up_use").click().run()
    dataset = app.session_state["uploaded_dataset"]
    assert app.session_state["upload_id"] != first_id
    np.testing.assert_allclose(dataset.X.std(axis=0), 1.0)


def test_text_cells_drop_rows_and_the_counts_say_so():
    app = upload(open_page(), "holes.csv", b"x,y\n1,2\n3,abc\n5,6\n7,8\n,9\n")
    assert texts(app.metric) == ["5", "2", "3", "2"]
    assert app.dataframe[0].value.shape == (5, 2)


def test_one_column_gives_a_histogram_and_a_one_feature_data_set():
    app = upload(open_page(), "waiting.csv", b"waiting\n79\n54\n74\n62\n85\n55\n88\n")
    spec = chart_spec(app)
    assert spec["data"][0]["type"] == "bar" and spec["layout"]["xaxis"]["title"]["text"] == "waiting"
    app.button(key="up_use").click().run()
    assert app.session_state["uploaded_dataset"].X.shape == (7, 1)


def test_no_columns_chosen_asks_for_one():
    app = upload(open_page(), "two.csv", EXAMPLE)
    app.multiselect(key="up_columns").set_value([]).run()
    assert not app.exception and any("at least one column" in warning for warning in texts(app.warning))
    assert not app.get("plotly_chart") and not _has_key(app, "up_use")


def test_a_new_file_resets_the_column_choice_and_a_bad_one_keeps_the_data_in_use():
    app = upload(open_page(), "two.csv", EXAMPLE)
    app.multiselect(key="up_columns").set_value(["x"]).run()
    app.button(key="up_use").click().run()
    upload(app, "abc.csv", b"a,b,c\n1,2,3\n4,5,6\n7,8,9\n")
    assert app.multiselect(key="up_columns").value == ["a", "b", "c"]
    upload(app, "broken.csv", b"\x00\x01\x02binary")
    assert app.error and app.session_state["uploaded_dataset"].X.shape == (200, 1)
    assert any("In use" in message for message in texts(app.success))


def test_the_preview_is_the_same_figure_on_every_run():
    app = upload(open_page(), "two.csv", EXAMPLE)
    first = app.get("plotly_chart")[0].proto.spec
    app.run()
    assert app.get("plotly_chart")[0].proto.spec == first


def test_names_from_the_file_are_shown_literally():
    content = b"x,<b>y</b>,[link](http://example.com)\n1,2,3\n2,3,1\n3,2,x\n4,4,4\n"
    app = upload(open_page(), "**bold**.csv", content)
    note = " ".join(texts(app.warning))
    assert "`[link](http://example.com)`" in note
    spec = chart_spec(app)
    assert "<" not in json.dumps(spec["layout"]["xaxis"]) + json.dumps(spec["layout"]["yaxis"])


def test_the_upload_survives_a_visit_to_another_page():
    app = upload(open_page(), "two.csv", EXAMPLE)
    app.multiselect(key="up_columns").set_value(["y"]).run()
    app.button(key="up_use").click().run()
    app.switch_page("pages/1_Step_through.py").run()
    assert not app.exception
    app.switch_page(PAGE).run()
    assert not app.exception
    assert any("Current file: `two.csv`" in message for message in texts(app.info))
    assert app.multiselect(key="up_columns").value == ["y"]  # the widget's own state is gone; the choice is not
    assert any("In use" in message for message in texts(app.success))


def test_the_page_alone_hands_over_without_links():
    app = AppTest.from_file(str(ROOT / PAGE), default_timeout=60).run()
    app.button(key="up_example").click().run()
    app.button(key="up_use").click().run()
    assert not app.exception and app.session_state["uploaded_dataset"].X.shape == (200, 2)
