"""The "How many components?" page run headless with AppTest: curves, winner, controls at their extremes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest
from threadpoolctl import threadpool_limits

from emlab.shared.pipeline import load_data
from emlab.shared.settings import DataSettings
from emlab.shared.text import t
from gmm_core import GaussianMixtureEM
from tests.plotly_json import decode, spec

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/3_How_many_components.py"


def run_page(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page(PAGE)
    for key, value in query.items():
        at.query_params[key] = value if isinstance(value, list) else str(value)
    return at.run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, at.exception[0].value
    assert not at.error, [e.value for e in at.error]


def curves(figure: dict) -> dict[tuple[str, str], np.ndarray]:
    """(covariance type, axis) -> the plotted scores."""
    return {
        (trace["name"], trace.get("xaxis", "x")): decode(trace["y"])
        for trace in figure["data"]
        if trace.get("mode") == "lines+markers"
    }


def test_default_page_draws_bic_and_aic_for_four_types_and_the_winner():
    at = run_page()
    assert_clean(at)
    criteria = spec(at, "ck_criteria_chart")
    lines = curves(criteria)
    assert {name for name, _ in lines} == {"full", "tied", "diag", "spherical"}
    assert {axis for _, axis in lines} == {"x", "x2"}
    assert all(len(values) == 10 for values in lines.values())
    true_k_lines = [shape for shape in criteria["layout"]["shapes"] if shape["type"] == "line"]
    assert [shape["x0"] for shape in true_k_lines] == [3, 3]
    winner = next(trace for trace in criteria["data"] if trace.get("name") == t("ck.fig.winner"))
    fit = spec(at, "ck_fit_chart")
    assert any(trace.get("name") == "means" for trace in fit["data"])
    success = at.success[0].value
    assert f"K = {winner['x'][0]}" in success and t("ck.truth", k_true=3) in success


def test_page_choice_equals_gaussian_mixture_em_on_the_same_data():
    at = run_page(ck_types=["full"], ck_n_init=2, ck_seed=0)
    assert_clean(at)
    data = load_data(DataSettings())
    with threadpool_limits(limits=1):
        model = GaussianMixtureEM(n_components=None, covariance_type="full", n_init=2, random_state=0).fit(data.X)
    bic = curves(spec(at, "ck_criteria_chart"))[("full", "x")]
    np.testing.assert_allclose(bic, model.selection_.bic, rtol=1e-6)
    assert f"K = {model.selection_.best_k}" in at.success[0].value
    code = at.get("html")[0].proto.body
    assert f"# {model.selection_.best_k}\n" in code and "n_init=2," in code


def test_warm_rerun_reuses_the_finished_search(monkeypatch):
    import emlab.choose_k.model

    calls = []
    original = emlab.choose_k.model.compare_models

    def counting(*args, **kwargs):
        calls.append(args[1])
        return original(*args, **kwargs)

    monkeypatch.setattr(emlab.choose_k.model, "compare_models", counting)
    at = run_page(ck_types=["spherical"], ck_kmax=4, ck_n_init=1)
    assert_clean(at)
    before = spec(at, "ck_criteria_chart")
    at.run()
    assert_clean(at)
    assert len(calls) == 1, "the second run must not fit the models again"
    assert spec(at, "ck_criteria_chart") == before
    assert not at.get("progress")


@pytest.mark.parametrize(
    "query",
    [
        {"ck_kmax": 2, "ck_n_init": 1},
        {"ck_kmax": 15, "ck_n_init": 1, "ck_types": ["spherical"]},
        {"ck_kmax": 3, "ck_n_init": 5, "ck_types": ["tied"], "ck_seed": 9999},
        {"ck_criterion": "AIC", "ck_kmax": 5},
    ],
)
def test_control_extremes(query):
    at = run_page(**query)
    assert_clean(at)
    lines = curves(spec(at, "ck_criteria_chart"))
    assert all(len(values) == int(query["ck_kmax"]) for values in lines.values())
    if query.get("ck_criterion") == "AIC":
        assert "AIC" in at.success[0].value


def test_no_covariance_type_asks_for_one():
    at = run_page(ck_kmax=2, ck_n_init=1)
    at.multiselect(key="ck_types").set_value([]).run()
    assert not at.exception
    assert at.warning[0].value == t("ck.no_types")
    assert not at.get("plotly_chart")


@pytest.mark.parametrize(("source", "true_k"), [("old_faithful", None), ("iris", 3)])
def test_real_data(source, true_k):
    at = run_page(source=source, ck_kmax=4, ck_n_init=1)
    assert_clean(at)
    criteria = spec(at, "ck_criteria_chart")
    shapes = [shape for shape in criteria["layout"].get("shapes", []) if shape["type"] == "line"]
    if true_k is None:
        assert not shapes
        assert t("ck.truth_unknown") in at.success[0].value
    else:
        assert [shape["x0"] for shape in shapes] == [true_k, true_k]


def test_one_feature_data_draws_a_histogram_with_the_mixture():
    at = run_page(d=1, ck_kmax=4, ck_n_init=1)
    assert_clean(at)
    fit = spec(at, "ck_fit_chart")
    assert fit["data"][0]["type"] == "bar"
    assert fit["data"][-1]["name"] == t("ck.fig.mixture")


def test_upload_without_a_file_says_where_to_get_one():
    at = run_page(source="upload")
    assert not at.exception
    assert at.warning[0].value == t("warn.upload_missing")
