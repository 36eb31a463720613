"""The "Why EM works" page (AppTest) and its pure model: every control, the sidebar's settings, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from emlab.shared.pipeline import fit_history, load_data
from emlab.shared.settings import DataSettings, ModelSettings
from emlab.shared.text import t
from emlab.why_em_works import figures, formulas, landscape
from emlab.why_em_works import model as why
from gmm_core import COVARIANCE_TYPES, DataSet
from tests.plotly_json import decode

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "6_Why_EM_works.py")
CHART_KEYS = ("why_slice", "why_decomposition", "why_landscape")


def run_page(session: dict | None = None, **query) -> AppTest:
    """Run the page once with ``query`` as URL parameters (the Playground's names) and ``session`` in state."""
    at = AppTest.from_file(PAGE, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = str(value)
    for key, value in (session or {}).items():
        at.session_state[key] = value
    return at.run()


def charts(at: AppTest) -> dict[str, dict]:
    """Every chart's spec by its key."""
    found = {}
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        key = next((k for k in CHART_KEYS if k in chart.proto.id), None)
        found[key] = spec
    return found


def texts(elements) -> str:
    return " | ".join(str(element.value) for element in elements)


def metric(at: AppTest, label_key: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == t(label_key))


def assert_clean(at: AppTest) -> None:
    assert not at.exception, at.exception[0].value
    assert not at.error, texts(at.error)


# --------------------------------------------------------------------------- the page


def test_defaults_draw_the_three_charts_with_the_numbers_and_formulas():
    at = run_page()
    assert_clean(at)
    specs = charts(at)
    assert set(specs) == set(CHART_KEYS)
    slice_spec, decomposition, landscape = (specs[key] for key in CHART_KEYS)
    for curve in slice_spec["data"][:2]:  # both along S_VALUES, sent as a start and a step
        s_values = curve["x0"] + curve["dx"] * np.arange(decode(curve["y"]).size)
        np.testing.assert_allclose(s_values, why.S_VALUES, atol=1e-12)
    assert len(decomposition["data"]) == 2 and decomposition["data"][1]["fill"] == "tonexty", "one trace per layer"
    assert landscape["data"][0]["type"] == "contour" and len(landscape["data"]) == 5
    annotations = " ".join(a["text"] for a in slice_spec["layout"]["annotations"])
    assert "guaranteed gain" in annotations and "bonus" in annotations
    history = fit_history(load_data(DataSettings()), ModelSettings())
    assert at.slider(key="why_iteration").value == why.readable_iteration(history) == 1  # drawn from the first M-step
    assert float(metric(at, "why.metric.before")) == pytest.approx(history[1].log_likelihood, abs=1e-6)
    assert any(r"\theta_{2}" in latex.value for latex in at.latex)
    assert t("why.reg.shortfall", reg=1e-6, shortfall=0).split("{")[0][:40] in texts(at.caption)
    assert metric(at, "why.ga.ascent_steps") == "229"
    assert metric(at, "why.ga.em_steps") == "8"


def test_the_iteration_slider_moves_every_number_of_section_one():
    at = run_page()
    before = metric(at, "why.metric.before")
    at.slider(key="why_iteration").set_value(5).run()
    assert_clean(at)
    assert metric(at, "why.metric.before") != before
    assert any(r"\theta_{6}" in latex.value for latex in at.latex)
    band = charts(at)["why_decomposition"]["layout"]["shapes"][0]
    assert band["x0"] < 5 < band["x1"] < 6, "the decomposition marks the iteration on screen"


def test_iteration_one_from_single_points_is_drawn_off_the_scale_and_said():
    at = run_page(after_m1="false")  # the fit starts from the K points themselves
    assert at.slider(key="why_iteration").value == 2, "the first iteration whose start is on the scale"
    at.slider(key="why_iteration").set_value(1).run()
    assert_clean(at)
    assert t("why.bound.off_scale") in texts(at.caption)
    assert any("far below" in a["text"] for a in charts(at)["why_slice"]["layout"]["annotations"])


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_every_covariance_type_from_the_playgrounds_query_string(covariance_type):
    at = run_page(n=400, k_true=3, d=2, k=3, cov=covariance_type, init="kmeans", model_seed=1)
    assert_clean(at)
    assert set(charts(at)) == set(CHART_KEYS)
    assert at.selectbox(key="cov").value == covariance_type


@pytest.mark.parametrize("dimensions", [1, 4])
def test_one_feature_and_more_than_two(dimensions):
    at = run_page(d=dimensions, n=300)
    assert_clean(at)
    spec = charts(at)["why_slice"]
    assert all(np.isfinite(decode(trace["y"])).all() for trace in spec["data"][:2])


def test_presentation_mode_makes_every_chart_larger():
    small = charts(run_page())
    large = charts(run_page(big="true"))
    for key in CHART_KEYS:
        assert large[key]["layout"]["font"]["size"] > small[key]["layout"]["font"]["size"]
        assert large[key]["layout"]["height"] > small[key]["layout"]["height"]


@pytest.mark.parametrize(
    ("rate", "outcome"), [(1e-3, "crawls"), (0.1, "smooth"), (3.0, "overshoots"), (5.0, "diverges")]
)
def test_every_learning_rate_gets_its_sentence(rate, outcome):
    at = run_page()
    at.select_slider(key="why_learning_rate").set_value(rate).run()
    assert_clean(at)
    comparison = why.compare_ascents(*why.DEFAULT_START, rate)
    sentence = t(f"why.ascent.{outcome}", rate=rate, steps=comparison.ascent.n_steps)
    assert comparison.ascent_outcome == outcome and sentence in texts(at.markdown)
    if outcome in ("crawls", "diverges"):
        assert metric(at, "why.ga.ascent_steps") == t("why.ga.not_reached", max_steps=why.MAX_STEPS)


def test_equal_starting_means_stop_both_on_the_saddle():
    at = run_page()
    at.number_input(key="why_mu1").set_value(1.0)
    at.number_input(key="why_mu2").set_value(1.0).run()
    assert_clean(at)
    assert "saddle" in texts(at.markdown)
    path = charts(at)["why_landscape"]["data"][1]
    np.testing.assert_array_equal(decode(path["x"]), decode(path["y"]), err_msg="EM's path stays on mu1 = mu2")


def test_the_landscape_answers_a_click_everywhere_but_draws_one_target():
    # Issue 10: 2,401 invisible markers were 2,401 SVG nodes; plotly hovers and selects over all
    # points of a trace and draws only `maxdisplayed` of them.
    figure = landscape.landscape_figure(*why.landscape(), why.compare_ascents(*why.DEFAULT_START, 0.1))
    targets = figure.data[-1]
    assert targets.marker.maxdisplayed == 1 and targets.marker.color == "rgba(0,0,0,0)"
    ticks = np.linspace(*why.MU_RANGE, landscape.CLICK_GRID)
    assert set(np.round(targets.x, 6)) == set(np.round(ticks, 6)) and len(targets.x) == landscape.CLICK_GRID**2
    contour = figure.data[0]
    assert (contour.x0, contour.dx, contour.z.shape) == (why.MU_RANGE[0], 12 / (why.GRID_POINTS - 1), (65, 65))


def test_a_chosen_half_step_is_explained_below_the_chart():
    at = run_page(session={"why_half_step": 3})
    assert_clean(at)
    assert t("why.dec.label", iteration=2, phase="M") in texts(at.info)


def test_more_components_than_samples_warns_and_keeps_the_last_pictures():
    at = run_page()
    good = charts(at)
    at.session_state["uploaded_dataset"] = DataSet("tiny.csv", np.arange(10.0).reshape(5, 2), ("a", "b"))
    at.session_state["upload_id"] = "tiny"
    at.selectbox(key="source").set_value("upload")
    at.slider(key="k").set_value(8)
    at.run()
    assert not at.exception
    assert t("warn.k_gt_n", k=8, n=5) in texts(at.warning)
    assert t("error.kept") in texts(at.info)
    assert charts(at)["why_slice"] == good["why_slice"]


def test_a_collapsing_component_is_an_error_and_the_last_pictures_stay():
    points = np.vstack([np.zeros((10, 2)), np.random.default_rng(0).normal(size=(20, 2)) * 5])
    upload = {"uploaded_dataset": DataSet("upload.csv", points, ("a", "b")), "upload_id": "collapse"}
    at = run_page(upload, source="upload", reg=1e-6)
    assert_clean(at)
    good = charts(at)
    at.select_slider(key="reg").set_value(0.0).run()
    assert not at.exception
    assert at.error, "reg_covar = 0 lets the component on the ten equal points collapse"
    assert t("error.kept") in texts(at.info)
    assert charts(at)["why_slice"] == good["why_slice"]


# --------------------------------------------------------------------------- the model and its figures


@pytest.fixture(scope="module")
def default_fit():
    data = load_data(DataSettings(n=300))
    return data, fit_history(data, ModelSettings())


def test_the_decomposition_closes_the_gap_at_every_e_step_and_lifts_the_bound_at_every_m_step(default_fit):
    data, history = default_fit
    decomposition = why.decompose(data.X, history)
    phases = np.array(decomposition.phases)
    assert np.all(decomposition.gap[phases == "E"] <= 1e-10)
    bound_rise = decomposition.lower_bound[phases == "M"] - decomposition.lower_bound[phases == "E"]
    assert np.all(bound_rise >= -1e-6)  # reg_covar = 1e-6 may cost a hair (measured in test_bound)
    assert np.all(np.diff(decomposition.log_likelihood) >= -1e-6)
    sentences = figures.half_step_sentences(decomposition)
    assert len(sentences) == len(phases) and "M-step 1" in sentences[1] and "E-step 2" in sentences[2]


def test_a_slice_matches_the_decomposition_and_its_formulas_say_so(default_fit):
    data, history = default_fit
    decomposition = why.decompose(data.X, history)
    piece = why.iteration_slice(data.X, history, 3, 1e-6)
    assert piece.before == pytest.approx(decomposition.log_likelihood[4], abs=1e-10)
    assert piece.bound_after == pytest.approx(decomposition.lower_bound[5], abs=1e-10)
    assert piece.gain == pytest.approx(piece.guaranteed_gain + piece.bonus)
    assert piece.guaranteed_gain > 0 and piece.bonus >= 0
    chain = formulas.chain_latex(piece)
    assert chain.count(r"\ge") == 2 and f"{piece.after:.7g}"[:6] in chain
    with pytest.raises(ValueError, match="iteration"):
        why.iteration_slice(data.X, history, why.n_iterations(history) + 1, 1e-6)


def test_clicks_are_read_into_a_start_and_a_half_step():
    event = {"selection": {"points": [{"x": 2.96, "y": -7.3, "curve_number": 4}]}}
    assert why.start_from_selection(event) == (3.0, -6.0)
    assert why.start_from_selection({"selection": {"points": []}}) is None
    assert why.start_from_selection(None) is None
    assert why.half_step_from_selection({"selection": {"points": [{"x": 2.5, "y": -3.0}]}}, 5) == (3, 2)
    assert why.half_step_from_selection({"selection": {"points": [{"x": 9.0, "y": -3.0}]}}, 5) == (9, 5)
