"""The Playground page (app.py) run headless with AppTest: every source, model option and bad input."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from emlab.playground import slides
from emlab.shared.text import t
from gmm_core import COVARIANCE_TYPES, INIT_METHODS, DataSet
from tests.app_pages import open_page

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(autouse=True)
def server_with_chromium(monkeypatch):
    """Read the Playground as on a server with Chromium, so its slides section adds no warning of its own.

    Without one the section says how to install it (tests/test_slides_page.py); the tests here count
    warnings, and must pass the same on a contributor's machine that has no Chromium.
    """
    monkeypatch.setattr(slides, "find_chromium", lambda: "/usr/bin/chromium")


def run_app(session: dict | None = None, **query) -> AppTest:
    """Run the page once with ``query`` as URL parameters (and ``session`` in session state)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = str(value)
    for key, value in (session or {}).items():
        at.session_state[key] = value
    return at.run()


def chart_spec(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1, f"expected one chart, found {len(charts)}"
    return json.loads(charts[0].proto.spec)


def texts(elements) -> str:
    return " | ".join(element.value for element in elements)


def assert_clean(at: AppTest) -> None:
    assert not at.exception, at.exception[0].value
    assert not at.error, texts(at.error)


def iterations(at: AppTest) -> int:
    return int(next(metric.value for metric in at.metric if metric.label == t("play.metric.iterations")))


def upload(X, names) -> dict:
    """Session state as the 'Your own data' page leaves it after reading a file."""
    return {"uploaded_dataset": DataSet("upload.csv", np.asarray(X, dtype=float), tuple(names)), "upload_id": "test"}


def test_defaults_show_the_animation_the_fit_and_the_downloads():
    at = run_app()
    assert_clean(at)
    spec = chart_spec(at)
    assert len(spec["frames"]) == 2 * iterations(at) + 1  # the start, then an E and an M frame per iteration
    names = [trace.get("name", "") for trace in spec["data"]]
    assert sum(name.startswith("C") and name.endswith("% ellipse") for name in names) == 2 * 3
    assert "current iteration" in names  # the log-likelihood marker
    labels = [step["label"] for step in spec["layout"]["sliders"][0]["steps"]]
    assert "E-step" in labels[1] and "M-step" in labels[2]
    assert {metric.label for metric in at.metric} >= {t("play.metric.bic"), t("play.metric.ari")}
    table = next(block.value for block in at.markdown if block.value.startswith("| Component"))
    assert table.count("\n| C") == 3  # one row per fitted component
    assert len(at.get("download_button")) == 4
    assert not at.warning


@pytest.mark.parametrize("source", ["synthetic", "old_faithful", "iris"])
def test_every_data_source(source):
    at = run_app(source=source)
    assert_clean(at)
    assert len(chart_spec(at)["frames"]) == 2 * iterations(at) + 1


@pytest.mark.parametrize("cov", COVARIANCE_TYPES)
def test_every_covariance_type(cov):
    at = run_app(cov=cov)
    assert_clean(at)
    assert at.selectbox(key="cov").value == cov
    assert len(chart_spec(at)["frames"]) == 2 * iterations(at) + 1


@pytest.mark.parametrize("init", INIT_METHODS)
def test_every_initialisation(init):
    at = run_app(init=init)
    assert_clean(at)
    assert len(chart_spec(at)["frames"]) == 2 * iterations(at) + 1


def test_one_dimension_is_a_histogram():
    at = run_app(d=1)
    assert_clean(at)
    spec = chart_spec(at)
    assert spec["data"][0]["name"] == t("anim.histogram") and spec["data"][0]["fill"] == "tozeroy"
    assert "mixture density" in [trace.get("name") for trace in spec["data"]]


@pytest.mark.parametrize(("view", "title"), [("features", "x3"), ("pca", "PC1")])
def test_four_dimensions_choose_the_view(view, title):
    at = run_app(d=4, view=view, fx="x3", fy="x4")
    assert_clean(at)
    assert chart_spec(at)["layout"]["xaxis"]["title"]["text"].startswith(title)


def test_query_parameters_reproduce_the_same_figure():
    query = {"source": "synthetic", "n": 800, "k_true": 4, "d": 2, "alpha": 2.0, "data_seed": 7}
    query |= {"k": 4, "cov": "diag", "init": "kmeans", "model_seed": 3}
    first = chart_spec(run_app(**query))
    st.cache_data.clear()
    st.cache_resource.clear()
    again = run_app(**query)
    assert chart_spec(again) == first
    assert again.slider(key="k").value == 4 and again.selectbox(key="cov").value == "diag"
    assert first != chart_spec(run_app())


def test_rerun_gives_a_byte_identical_chart():
    at = run_app()
    first = at.get("plotly_chart")[0].proto.spec
    at.run()
    assert at.get("plotly_chart")[0].proto.spec == first


def test_upload_source_without_a_file_says_where_to_upload():
    at = run_app(source="upload")
    assert not at.exception
    assert t("warn.upload_missing") in texts(at.warning)
    assert not at.get("plotly_chart")


def test_uploaded_data_are_fitted():
    X = np.random.default_rng(0).normal(size=(60, 2)) + np.repeat([[0, 0], [6, 6]], 30, axis=0)
    at = run_app(upload(X, ["u", "v"]), source="upload", k=2)
    assert_clean(at)
    assert chart_spec(at)["layout"]["xaxis"]["title"]["text"] == "u"


def test_more_components_than_samples_warns_and_keeps_the_last_figure():
    at = run_app()
    good = chart_spec(at)
    at.session_state["uploaded_dataset"] = DataSet("tiny.csv", np.arange(10.0).reshape(5, 2), ("a", "b"))
    at.session_state["upload_id"] = "tiny"
    at.selectbox(key="source").set_value("upload")
    at.slider(key="k").set_value(8)
    at.run()
    assert not at.exception
    assert t("warn.k_gt_n", k=8, n=5) in texts(at.warning)
    assert t("error.kept") in texts(at.info)
    assert chart_spec(at) == good


def test_a_failing_fit_shows_the_error_and_keeps_the_last_figure():
    points = np.vstack([np.zeros((10, 2)), np.random.default_rng(0).normal(size=(20, 2)) * 5])
    at = run_app(upload(points, ["a", "b"]), source="upload", reg=1e-6)
    good = chart_spec(at)
    at.select_slider(key="reg").set_value(0.0).run()
    assert not at.exception
    assert "not positive definite" in texts(at.error) and "reg_covar" in texts(at.error)
    assert t("error.kept") in texts(at.info)
    assert chart_spec(at) == good


def test_degenerate_data_warn_about_each_constant_feature():
    at = run_app(upload(np.ones((40, 3)), ["a", "b", "c"]), source="upload")
    assert not at.exception and not at.error
    warnings = texts(at.warning)
    assert all(t("warn.constant_column", name=name) in warnings for name in "abc")
    assert len(chart_spec(at)["frames"]) == 2 * iterations(at) + 1


def test_a_constant_column_is_named():
    X = np.column_stack([np.random.default_rng(1).normal(size=50), np.full(50, 2.5)])
    at = run_app(upload(X, ["height", "batch"]), source="upload", k=2)
    assert not at.exception
    assert texts(at.warning) == t("warn.constant_column", name="batch")


def test_tol_zero_runs_every_iteration_and_says_so():
    at = run_app(tol=0.0, max_iter=300)
    assert_clean(at)
    assert t("warn.tol_zero", max_iter=300) in texts(at.info)
    assert iterations(at) == 300


def test_a_projection_of_one_dimensional_data_is_explained():
    at = run_app(d=1, view="pca")
    assert_clean(at)
    assert t("play.projection_1d") in texts(at.info)
    assert chart_spec(at)["data"][0]["name"] == t("anim.histogram")


def test_large_data_are_subsampled_for_display_and_the_page_says_so():
    at = run_app(n=5000)
    assert_clean(at)
    assert t("warn.subsampled", shown=3000, n=5000) in texts(at.caption)
    spec = chart_spec(at)
    points = next(trace for trace in spec["data"] if trace.get("name") == "points")
    assert len(base64.b64decode(points["x"]["bdata"])) == 3000 * 4  # 3,000 float32 values


def test_truth_toggle_only_when_the_truth_is_known():
    synthetic = run_app()
    assert [toggle.key for toggle in synthetic.toggle if toggle.key == "truth"] == ["truth"]
    for query in ({"source": "old_faithful"}, {"source": "iris"}):
        at = run_app(**query)
        assert_clean(at)
        assert "truth" not in [toggle.key for toggle in at.toggle]


@pytest.mark.parametrize(
    ("page", "query", "offered"),
    [
        ("app.py", {"source": "iris"}, {"view", "fx", "fy", "big"}),
        ("pages/1_Step_through.py", {}, {"truth", "big"}),
        ("pages/2_How_the_data_is_made.py", {"d": "3"}, {"view", "fx", "fy", "big"}),  # draws the truth itself
        ("pages/2_How_the_data_is_made.py", {"source": "iris"}, {"big"}),  # the story of real data is not told
        ("pages/3_How_many_components.py", {}, {"truth", "big"}),
        ("pages/4_When_EM_goes_wrong.py", {}, {"truth", "big"}),
        ("pages/6_Why_EM_works.py", {"source": "iris"}, {"big"}),  # no view of the data on this page
        ("pages/5_Your_own_data.py", {}, {"big"}),  # a preview of the file, no fit
    ],
)
def test_each_page_offers_only_the_view_controls_that_change_it(page, query, offered):
    """A control that changes nothing on a page would tell a student their choice was ignored."""
    at = open_page(page, **query)
    shown = {widget.key for widget in [*at.toggle, *at.radio, *at.selectbox]} & {"truth", "big", "view", "fx", "fy"}
    assert shown == offered


def test_a_view_setting_survives_pages_that_do_not_offer_it():
    at = open_page("app.py", truth="false")
    assert at.toggle(key="truth").value is False
    for page in ("pages/6_Why_EM_works.py", "pages/2_How_the_data_is_made.py"):
        at.switch_page(page).run()
        assert_clean(at)
        assert "truth" not in [toggle.key for toggle in at.toggle]
    at.switch_page("app.py").run()
    assert at.toggle(key="truth").value is False, "the Playground still hides the truth"


def test_few_samples_per_component_warn_but_still_fit():
    points = np.random.default_rng(1).normal(size=(6, 2))
    at = run_app(upload(points, ["a", "b"]), source="upload", k=3)
    assert t("warn.few_samples", n=6, k=3, per=5) in texts(at.warning)
    assert at.get("plotly_chart")


@pytest.mark.parametrize(
    "path",
    [
        "app.py",
        "pages/2_How_the_data_is_made.py",
        "pages/3_How_many_components.py",
        "pages/5_Your_own_data.py",
        "emlab/shared/controls.py",
        "emlab/shared/cache.py",
        "emlab/your_data/state.py",
    ],
)
def test_session_state_keys_are_declared_once_not_typed_in_place(path):
    """Keys come from emlab/shared/state_keys.py or a feature's keys module, never a string literal at the use."""
    source = (Path(APP).parent / path).read_text()
    literal_uses = re.findall(r"""session_state(?:\[|\.get\(|\.setdefault\()\s*f?["']""", source)
    assert not literal_uses, f"{path}: {literal_uses}"
