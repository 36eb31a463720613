"""The fit summary, the fitted-versus-true table, and the downloads read back."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from emlab.playground.animation import animated_figure
from emlab.playground.export import data_csv, history_csv, history_json, settings_dict, standalone_html
from emlab.playground.model import build_playground
from emlab.playground.tables import class_parameters, parameter_table, summarize_fit
from emlab.shared.light_blocks import markdown_table
from emlab.shared.pipeline import constant_features, fit_history, load_data
from emlab.shared.settings import DataSettings, ModelSettings, ViewSettings
from gmm_core import GMMParams


@pytest.fixture(scope="module")
def synthetic_fit():
    data = load_data(DataSettings())
    return data, fit_history(data, ModelSettings())


def test_summary_of_the_default_fit_finds_the_truth(synthetic_fit):
    data, history = synthetic_fit
    summary = summarize_fit(history, data)
    assert summary.converged and summary.iterations == history[-1].iteration
    assert summary.ari > 0.9
    assert summary.reference_source == "truth"
    assert sorted(summary.order.tolist()) == [0, 1, 2]
    assert np.isfinite(summary.bic) and summary.log_likelihood == pytest.approx(history[-1].log_likelihood, abs=1e-3)


def test_table_puts_each_fitted_component_beside_its_matched_true_one(synthetic_fit):
    data, history = synthetic_fit
    summary = summarize_fit(history, data)
    table = parameter_table(summary, history[-1].params)
    assert list(table["Component"]) == ["C1", "C2", "C3"]
    assert table["Points assigned"].sum() == data.n_samples
    for fitted, row in table.iterrows():
        true_index = int(row["Matched to"].split()[-1]) - 1
        assert summary.order[true_index] == fitted
        fitted_mean = np.array(row["Mean"].strip("()").split(", "), dtype=float)
        true_mean = np.array(row["True mean"].strip("()").split(", "), dtype=float)
        assert np.linalg.norm(fitted_mean - true_mean) < 0.5  # matched components are close


def test_more_fitted_than_true_components_leaves_one_unmatched():
    data = load_data(DataSettings(k_true=2))
    history = fit_history(data, ModelSettings(k=3))
    table = parameter_table(summarize_fit(history, data), history[-1].params)
    assert (table["Matched to"] == "(none)").sum() == 1


def test_labelled_data_are_compared_with_their_classes():
    data = load_data(DataSettings(source="iris"))
    history = fit_history(data, ModelSettings())
    summary = summarize_fit(history, data)
    assert summary.reference_source == "classes" and summary.ari is not None
    np.testing.assert_allclose(summary.reference.weights, [1 / 3] * 3)
    np.testing.assert_allclose(summary.reference.means[0], data.X[data.labels == 0].mean(axis=0))


def test_unlabelled_data_have_no_reference():
    data = load_data(DataSettings(source="old_faithful"))
    history = fit_history(data, ModelSettings(k=2))
    summary = summarize_fit(history, data)
    assert summary.ari is None and summary.reference is None
    assert "Matched to" not in parameter_table(summary, history[-1].params).columns


def test_class_parameters_are_an_m_step_on_the_labels():
    X = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 10.0], [10.0, 12.0]])
    params = class_parameters(X, np.array([0, 0, 1, 1]))
    assert isinstance(params, GMMParams)
    np.testing.assert_allclose(params.means, [[1.0, 0.0], [10.0, 11.0]])
    np.testing.assert_allclose(params.covariances[0], [[1.0 + 1e-6, 0.0], [0.0, 1e-6]], atol=1e-9)


def test_data_csv_round_trips_with_labels(synthetic_fit):
    data, history = synthetic_fit
    labels = summarize_fit(history, data).labels
    table = pd.read_csv(io.BytesIO(data_csv(data, labels)))
    assert list(table.columns) == ["x1", "x2", "true_component", "fitted_component"]
    np.testing.assert_allclose(table[["x1", "x2"]].to_numpy(), data.X, rtol=1e-9)
    assert table["fitted_component"].min() == 1


def test_history_csv_has_a_row_per_half_step_and_component(synthetic_fit):
    data, history = synthetic_fit
    table = pd.read_csv(io.BytesIO(history_csv(history, data.feature_names)))
    assert len(table) == len(history) * 3
    assert {"mean[x1]", "cov[x1,x2]", "weight", "phase", "log_likelihood"} <= set(table.columns)
    last = table[table["step"] == len(history) - 1].sort_values("component")
    np.testing.assert_allclose(last["mean[x2]"], history[-1].params.means[:, 1], rtol=1e-9)
    np.testing.assert_allclose(last.groupby("step")["weight"].sum(), 1.0)


def test_history_json_rebuilds_the_parameters(synthetic_fit):
    data, history = synthetic_fit
    settings = settings_dict(DataSettings(), ModelSettings())
    document = json.loads(history_json(history, data.feature_names, settings))
    assert document["settings"]["ModelSettings"]["k"] == 3
    assert len(document["states"]) == len(history)
    assert GMMParams.from_dict(document["states"][-1]["params"]).allclose(history[-1].params)
    assert document["states"][0]["log_likelihood"] is None


def test_standalone_html_embeds_plotly_and_does_not_autoplay(synthetic_fit):
    data, history = synthetic_fit
    page = standalone_html(animated_figure(history, data, ViewSettings()), "EM <Lab>").decode()
    # Booleans first: pytest would otherwise print megabytes of plotly.js on a failure.
    has_title = "<title>EM &lt;Lab&gt;</title>" in page
    loads_from_network = '<script src="http' in page
    autoplays = "Plotly.animate" in page
    assert page.startswith("<!doctype html>") and has_title
    assert len(page) > 3_000_000 and not loads_from_network  # plotly.js itself is inside
    assert ("Plotly.addFrames" in page) and not autoplays


def test_constant_features_are_named():
    data = load_data(DataSettings())
    X = data.X.copy()
    X[:, 1] = 3.0
    constant = type(data)("c", X, ("a", "b"))
    assert constant_features(constant) == ("b",)
    assert constant_features(data) == ()


def test_build_playground_reports_what_it_leaves_out():
    data = load_data(DataSettings(n=3500))
    history = fit_history(data, ModelSettings(max_iter=5, tol=0))
    result = build_playground(history, data, ViewSettings())
    assert (result.n_points, result.shown_points) == (3500, 3000)
    assert result.iterations == result.shown_iterations == 5
    assert not result.one_feature and len(result.table) == 3


def test_markdown_table_has_a_header_a_rule_and_a_row_per_component(synthetic_fit):
    data, history = synthetic_fit
    table = parameter_table(summarize_fit(history, data), history[-1].params)
    lines = markdown_table(table).splitlines()
    assert len(lines) == 2 + 3
    assert lines[0].startswith("| Component | Points assigned |")
    assert lines[1].startswith("|:--|--:|")
    assert all(line.count("|") == lines[0].count("|") for line in lines)
