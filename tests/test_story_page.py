"""The "How the data is made" page run headless with AppTest: the story's numbers are the Playground's data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from emlab.shared.pipeline import load_data
from emlab.shared.settings import DataSettings
from emlab.shared.text import t
from tests.markdown_tables import page_table
from tests.plotly_json import decode, spec

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/2_How_the_data_is_made.py"
LINK_LABEL = t("story.playground")


def run_page(**query) -> AppTest:
    """Open the page with ``query`` as URL parameters (the entry point is app.py, as in the browser)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(PAGE)
    for key, value in query.items():
        at.query_params[key] = str(value)
    return at.run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, at.exception[0].value
    assert not at.error, [e.value for e in at.error]


def test_default_story_shows_the_playgrounds_own_draw():
    at = run_page()
    assert_clean(at)
    truth = load_data(DataSettings())
    dirichlet = spec(at, "story_dirichlet_chart")
    assert [trace["type"] for trace in dirichlet["data"]] == ["scatterternary", "scatterternary"]
    others, this = dirichlet["data"]
    assert len(decode(others["a"])) == 200
    np.testing.assert_allclose([this["a"][0], this["b"][0], this["c"][0]], truth.true_params.weights)
    counts = spec(at, "story_counts_chart")
    np.testing.assert_array_equal(decode(counts["data"][0]["y"]), truth.counts)
    np.testing.assert_allclose(decode(counts["data"][1]["y"]), truth.n_samples * truth.true_params.weights)
    samples = spec(at, "story_samples_chart")
    assert samples["layout"]["yaxis"]["scaleanchor"] == "x"
    assert any(trace.get("name") == "means" for trace in samples["data"])
    table = page_table(at, t("story.table.count"))
    assert table[t("story.table.count")] == [str(count) for count in truth.counts]
    assert table[t("story.table.theta")] == [f"{weight:.3f}" for weight in truth.true_params.weights]


def test_link_carries_the_data_settings_to_the_playground_but_not_the_page_controls():
    at = run_page(n=300, alpha=0.5, k_true=4, story_draws=500, big="true")
    assert_clean(at)
    links = [button.proto for button in at.get("link_button")]
    assert [link.label for link in links] == [LINK_LABEL, LINK_LABEL]
    path, query = links[0].url.split("?")
    assert path == "./"
    assert dict(pair.split("=") for pair in query.split("&")) == {
        "n": "300",
        "alpha": "0.5",
        "k_true": "4",
        "big": "true",
    }


def test_link_on_default_settings_opens_the_plain_playground():
    at = run_page()
    assert [button.proto.url for button in at.get("link_button")] == ["./", "./"]


@pytest.mark.parametrize(
    ("query", "kind", "n_classes"),
    [
        ({"k_true": 1}, "bar", 1),
        ({"k_true": 2, "alpha": 0.1}, "bar", 2),
        ({"k_true": 8, "alpha": 100.0, "n": 5000, "story_draws": 1000}, "bar", 8),
        ({"n": 20, "story_draws": 50}, "scatterternary", 3),
        ({"sep": 0.5, "elong": 1.0, "data_seed": 0}, "scatterternary", 3),
        ({"sep": 10.0, "elong": 8.0, "data_seed": 9999}, "scatterternary", 3),
        ({"layout": "seed_script", "k_true": 8, "d": 6, "data_seed": 9999}, "bar", 8),
    ],
)
def test_control_extremes(query, kind, n_classes):
    at = run_page(**query)
    assert_clean(at)
    dirichlet = spec(at, "story_dirichlet_chart")
    assert dirichlet["data"][0]["type"] == kind
    counts = spec(at, "story_counts_chart")
    assert len(decode(counts["data"][0]["y"])) == n_classes
    assert decode(counts["data"][0]["y"]).sum() == int(query.get("n", 500))
    if n_classes == 1:
        assert t("story.stage1.single") in [c.value for c in at.caption]


def test_one_feature_data_is_a_stacked_histogram():
    at = run_page(d=1, k_true=3)
    assert_clean(at)
    samples = spec(at, "story_samples_chart")
    assert samples["layout"]["barmode"] == "stack"
    assert sum(decode(trace["y"]).sum() for trace in samples["data"]) == 500


def test_six_features_shows_two_of_them():
    at = run_page(d=6)
    assert_clean(at)
    assert t("story.stage3.view", d=6) in [c.value for c in at.caption]


def test_seed_script_preset_switches_the_layout_and_says_what_it_cannot_make():
    at = run_page()
    at.button(key="story_preset_seed").click().run()
    assert_clean(at)
    assert at.radio(key="layout").value == "seed_script"
    assert t("story.seed_layout") in [m.value for m in at.markdown]
    means = load_data(DataSettings(layout="seed_script")).true_params.means
    table_means = page_table(at, t("story.table.mean"))[t("story.table.mean")]
    assert table_means == ["(" + ", ".join(f"{v:.2f}" for v in mean) + ")" for mean in means]
    at.button(key="story_preset_spread").click().run()
    assert at.radio(key="layout").value == "spread"


def test_real_data_source_offers_to_switch_back():
    at = run_page(source="iris")
    assert_clean(at)
    assert not at.get("plotly_chart")
    assert at.info[0].value == t("story.not_synthetic", source="iris")
    at.button(key="story_use_synthetic").click().run()
    assert_clean(at)
    assert at.selectbox(key="source").value == "synthetic"
    assert len(at.get("plotly_chart")) == 3
