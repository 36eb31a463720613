"""The "When EM goes wrong" page: its five experiments as pure builders, and the page with AppTest."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from emlab.pitfalls import runs as pitfall_runs
from emlab.shared.text import t
from tests.plotly_json import decode

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/4_When_EM_goes_wrong.py"
CHART_KEYS = (
    "pit_lo_gallery_chart",
    "pit_lo_values_chart",
    "pit_lo_best_worst_chart",
    "pit_sing_picture_chart",
    "pit_sing_curves_chart",
    "pit_ls_chart",
    "pit_hs_chart",
    "pit_seed_curves_chart",
    "pit_seed_covariance_chart",
)


# --------------------------------------------------------------------------- the builders


@pytest.mark.parametrize("init", ["random", "kmeans"])
def test_every_initialisation_gives_a_gallery(init):
    result = pitfall_runs.local_optima(init, 8)
    assert result.failed == 0 and 1 <= result.best_count <= 8
    assert len(result.gallery.to_plotly_json()["layout"]["annotations"]) == 8


def test_local_optima_finds_different_optima_and_draws_eight():
    result = pitfall_runs.local_optima("random_from_data", 16)
    titles = [a["text"] for a in result.gallery.to_plotly_json()["layout"]["annotations"]]
    assert len(titles) == 8 and titles[0].startswith("seed 0:")
    values = decode(result.values.data[0].x)
    assert len(values) == 16 - result.failed
    assert values.max() - values.min() > 0.05
    assert 1 <= result.best_count <= 16


def test_singularity_breaks_on_a_point_and_climbs_on_a_line():
    broke = pitfall_runs.singularity("point", 0.0)
    assert broke.broke_at is not None and broke.broke_at < 10
    line = pitfall_runs.singularity("line", 0.0)
    assert line.broke_at is None and line.smallest_variance < 1e-20
    floored = pitfall_runs.singularity("line", 1e-2)
    assert floored.smallest_variance >= 1e-2
    assert line.final_log_likelihood > floored.final_log_likelihood + 0.5


def test_label_switching_keeps_the_likelihood_and_matching_undoes_it():
    result = pitfall_runs.label_switching("C2-C3-C1")
    assert result.relabelled_log_likelihood == result.fitted_log_likelihood
    # C1 became C2, C2 became C3, C3 became C1; matching finds where each fitted component went.
    assert result.matching_order == (1, 2, 0)
    panels = result.figure.to_plotly_json()["data"]
    means = [trace for trace in panels if trace.get("name") == "means"]
    first, relabelled, matched = (np.column_stack([decode(m["x"]), decode(m["y"])]) for m in means)
    np.testing.assert_allclose(matched, first)
    np.testing.assert_allclose(relabelled[[1, 2, 0]], first)
    assert not np.allclose(relabelled, first)


def test_permutation_labels_leave_out_the_identity():
    labels = pitfall_runs.permutation_labels(3)
    assert len(labels) == 5 and "C1-C2-C3" not in labels
    np.testing.assert_array_equal(pitfall_runs.parse_permutation("C3-C1-C2"), [2, 0, 1])


def test_em_beats_kmeans_on_elongated_clusters_but_not_necessarily_on_round_ones():
    elongated = pitfall_runs.hard_soft(8.0, 2.5, 0)
    assert elongated.em_agreement > elongated.kmeans_agreement + 0.3
    round_and_apart = pitfall_runs.hard_soft(1.0, 6.0, 0)
    assert round_and_apart.kmeans_agreement > 0.9


def test_script_lesson_goes_down_while_em_goes_up():
    result = pitfall_runs.script_lesson(100)
    assert result.script_values[0] == pytest.approx(-4.3172, abs=1e-4)
    assert result.script_values[-1] == pytest.approx(-4.6186, abs=1e-4)
    assert np.all(np.diff(result.em_values) >= -1e-12)
    assert result.em_values[-1] == pytest.approx(-4.167, abs=1e-3)
    assert len(result.script_values) == 101 and len(result.em_values) == 100
    assert result.em_converged_at == 3  # the core's (and scikit-learn's) rule: the first change below 1e-6
    np.testing.assert_allclose(result.wrong_covariance, np.full((2, 2), 2.7893), atol=1e-4)
    assert np.linalg.matrix_rank(result.wrong_covariance) == 1


# --------------------------------------------------------------------------- the page


def run_page(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(PAGE)
    for key, value in query.items():
        at.query_params[key] = str(value)
    return at.run()


def specs(at: AppTest) -> dict[str, dict]:
    found = {}
    for chart in at.get("plotly_chart"):
        key = next(key for key in CHART_KEYS if key in chart.proto.id)
        found[key] = json.loads(chart.proto.spec)
    return found


def assert_clean(at: AppTest) -> None:
    assert not at.exception, at.exception[0].value
    assert not at.error, [e.value for e in at.error]


def test_default_page_runs_every_experiment():
    at = run_page()
    assert_clean(at)
    charts = specs(at)
    assert set(charts) == set(CHART_KEYS)
    assert at.info[0].value.startswith(t("pit.sing.broke", iteration=5)[:30])
    crosses = [trace for trace in charts["pit_sing_curves_chart"]["data"] if trace.get("mode") == "text+markers"]
    assert len(crosses) == 1, "only reg_covar = 0 breaks down"
    script, em = (decode(trace["y"]) for trace in charts["pit_seed_curves_chart"]["data"])
    assert script[-1] < script[0] - 0.3 and em[-1] > em[0] + 0.1
    titles = [a["text"] for a in charts["pit_hs_chart"]["layout"]["annotations"]]
    kmeans, em_score = (float(title.rsplit(" ", 1)[1]) for title in titles)
    assert em_score > kmeans


def test_every_control_at_its_low_end():
    at = run_page(
        pit_lo_init="kmeans",
        pit_lo_starts=8,
        pit_sing_kind="line",
        pit_sing_reg=0,
        pit_ls_perm="C1-C3-C2",
        pit_hs_elong=1.0,
        pit_hs_sep=1.0,
        pit_hs_seed=0,
        pit_seed_epochs=10,
    )
    assert_clean(at)
    charts = specs(at)
    assert len(charts["pit_lo_values_chart"]["data"][0]["x"]) <= 8
    assert "collapsed onto the line" in at.info[0].value
    script, em = (decode(trace["y"]) for trace in charts["pit_seed_curves_chart"]["data"])
    assert len(script) == 11 and len(em) == 10


def test_every_control_at_its_high_end():
    at = run_page(
        pit_lo_init="k-means++",
        pit_lo_starts=48,
        pit_sing_kind="point",
        pit_sing_reg="1e-01",
        pit_ls_perm="C3-C2-C1",
        pit_hs_elong=8.0,
        pit_hs_sep=6.0,
        pit_hs_seed=9999,
        pit_seed_epochs=300,
    )
    assert_clean(at)
    charts = specs(at)
    values = charts["pit_lo_values_chart"]["data"][0]["x"]
    assert len(decode(values)) >= 40
    assert at.info[0].value.startswith("With reg_covar = 0.1")
    script, _ = (decode(trace["y"]) for trace in charts["pit_seed_curves_chart"]["data"])
    assert len(script) == 301 and script[-1] < script[100]


def test_presentation_mode_enlarges_the_text():
    small = specs(run_page())["pit_ls_chart"]["layout"]["font"]["size"]
    st.cache_data.clear()
    large = specs(run_page(big="true"))["pit_ls_chart"]["layout"]["font"]["size"]
    assert large > small


def test_warm_rerun_is_served_from_the_cache(monkeypatch):
    at = run_page()
    assert_clean(at)

    def fail(*args, **kwargs):
        raise AssertionError("an experiment ran again on a warm rerun")

    for name in ("local_optima", "singularity", "label_switching", "hard_soft", "script_lesson"):
        monkeypatch.setattr(pitfall_runs, name, fail)
    at.run()
    assert_clean(at)
    assert len(at.get("plotly_chart")) == len(CHART_KEYS)
