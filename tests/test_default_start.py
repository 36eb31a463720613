"""Issue 11, "a start a student can read": the default fit is drawn from its first M-step on, and says so.

At the sidebar's defaults (2-D and 1-D) the first frame must show every component's ellipses, the
1-D density must stay within a few times the histogram's height, every log-likelihood must be on
the curve's scale (the app's own rule) and there must be at least ten iterations to watch. The
point-like start of ``random_from_data`` stays one checkbox away (``after_m1=false``).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from emlab.shared.figures import first_value_off_scale
from emlab.shared.panels import histogram
from emlab.shared.pipeline import fit_history, load_data, starting_params
from emlab.shared.settings import DataSettings, ModelSettings
from emlab.shared.state_keys import PARAM
from emlab.shared.text import t
from emlab.step_through.keys import KEYS
from emlab.step_through.walk import ManualStart
from gmm_core import INIT_METHODS, component_densities_1d, e_step, ellipse_radius, initialize, m_step, prepare
from tests.app_pages import open_page

VISIBLE = 0.01  # smallest 95% half-axis, as a fraction of the larger data span: about five pixels
DENSITY_LIMIT = 3.0  # "within a few times the histogram's height"
MIN_ITERATIONS = 10
POINT_LIKE = replace(ModelSettings(), after_first_m_step=False)


def smallest_half_axis(params, X) -> float:
    """The shortest 95% ellipse half-axis of any component, over the larger span of the data (first two features)."""
    smallest_variance = np.linalg.eigvalsh(params.full_covariances()[:, :2, :2])[:, 0].min()
    return float(ellipse_radius(0.95) * np.sqrt(smallest_variance) / np.ptp(X[:, :2], axis=0).max())


def density_over_histogram(params, x) -> float:
    """The mixture density's highest point (means included) over the histogram's highest bar (the app's bins)."""
    grid = np.concatenate([np.linspace(x.min(), x.max(), 4000), params.means[:, 0]])
    heights, _ = histogram(x, density=True)
    return float(component_densities_1d(params, grid).sum(axis=0).max() / heights.max())


def curve(history) -> list[float]:
    """The log-likelihood curve of a fit: one value per iteration."""
    return [state.log_likelihood for state in history if state.phase == "E"]


@pytest.fixture(scope="module")
def data_2d():
    return load_data(DataSettings())


@pytest.fixture(scope="module")
def data_1d():
    return load_data(DataSettings(d=1))


# --------------------------------------------------------------------------- the four criteria


def test_at_the_defaults_the_2d_start_shows_every_ellipse_on_scale_with_ten_iterations(data_2d):
    history = fit_history(data_2d, ModelSettings())
    assert smallest_half_axis(history[0].params, data_2d.X) >= VISIBLE
    assert not first_value_off_scale(curve(history))
    assert len(curve(history)) >= MIN_ITERATIONS


def test_at_the_defaults_the_1d_density_stays_near_the_histogram_and_on_scale(data_1d):
    history = fit_history(data_1d, ModelSettings())
    assert density_over_histogram(history[0].params, data_1d.X[:, 0]) <= DENSITY_LIMIT
    assert not first_value_off_scale(curve(history))


def test_the_checks_above_can_fail_the_point_like_start_fails_every_one(data_2d, data_1d):
    history_2d, history_1d = fit_history(data_2d, POINT_LIKE), fit_history(data_1d, POINT_LIKE)
    assert smallest_half_axis(history_2d[0].params, data_2d.X) < VISIBLE / 10
    assert density_over_histogram(history_1d[0].params, data_1d.X[:, 0]) > 100 * DENSITY_LIMIT
    assert first_value_off_scale(curve(history_2d)) and first_value_off_scale(curve(history_1d))


# --------------------------------------------------------------------------- one rule: starting_params


@pytest.mark.parametrize("init", INIT_METHODS)
def test_unticked_is_the_method_s_start_and_ticked_is_one_e_and_m_step_from_it(data_2d, init):
    model = replace(ModelSettings(), init=init, cov="diag")
    X, k, seed = prepare(data_2d.X), model.k, model.model_seed
    method_start = initialize(X, k, init, covariance_type="diag", reg_covar=model.reg_covar, random_state=seed)
    unticked = starting_params(data_2d, replace(model, after_first_m_step=False))
    for name in ("weights", "means", "covariances"):
        np.testing.assert_array_equal(getattr(unticked, name), getattr(method_start, name))
    _, responsibilities = e_step(data_2d.X, method_start)
    one_iteration = m_step(data_2d.X, responsibilities, covariance_type="diag", reg_covar=model.reg_covar)
    ticked = starting_params(data_2d, model)
    for name in ("weights", "means", "covariances"):
        np.testing.assert_allclose(getattr(ticked, name), getattr(one_iteration, name), rtol=1e-12, atol=1e-15)


def test_the_ticked_fit_is_the_unticked_fit_from_its_second_iteration_on(data_2d):
    ticked, unticked = curve(fit_history(data_2d, ModelSettings())), curve(fit_history(data_2d, POINT_LIKE))
    assert len(ticked) == len(unticked) - 1
    np.testing.assert_allclose(ticked, unticked[1:], rtol=1e-12)


# --------------------------------------------------------------------------- said so on screen


def caption_text(lang: str) -> str:
    return t("model.after_m1.caption", lang, label=t("model.after_m1", lang))


def run(page: str, **query: str) -> AppTest:
    """``page`` as a fresh tab opens it (through app.py, as the sidebar links do) with URL ``query``."""
    at = open_page(page, **query)
    assert not at.error, [e.value for e in at.error]
    return at


PAGES = ("app.py", "pages/1_Step_through.py", "pages/6_Why_EM_works.py")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", PAGES)
def test_the_caption_says_where_the_fit_starts_and_leaves_when_unticked(page, lang):
    query = {"lang": lang} if lang == "zh" else {}
    at = run(page, **query)
    captions = [caption.value for caption in at.caption]
    assert captions.count(caption_text(lang)) == 1
    checkbox = at.checkbox(key=PARAM.after_first_m_step)
    assert checkbox.value is True and checkbox.label == t("model.after_m1", lang)
    unticked = run(page, **query, after_m1="false")
    assert unticked.checkbox(key=PARAM.after_first_m_step).value is False
    assert caption_text(lang) not in [caption.value for caption in unticked.caption]


def test_the_checkbox_is_bound_to_the_url_and_left_out_at_its_default():
    at = run("app.py")
    proto = at.checkbox(key="after_m1").proto
    assert proto.query_param_key == "after_m1" and proto.default is True  # the browser writes after_m1=false
    assert "after_m1" not in at.query_params
    assert run("app.py", after_m1="true").checkbox(key="after_m1").value is True
    at.checkbox(key="after_m1").uncheck().run()
    assert caption_text("en") not in [caption.value for caption in at.caption]
    at.checkbox(key="after_m1").check().run()
    assert [caption.value for caption in at.caption].count(caption_text("en")) == 1


def test_a_walk_from_clicked_points_is_not_said_to_start_after_an_m_step():
    at = run("pages/1_Step_through.py")
    at.radio(key=KEYS.start).set_value("manual").run()
    at.session_state[KEYS.manual] = ManualStart((DataSettings(), ""), (100, 250, 400))
    at.run()
    at.button(key="step_manual_go").click().run()
    assert not at.exception
    start = at.session_state[KEYS.session].walk.steps[0].params
    np.testing.assert_array_equal(start.means, load_data(DataSettings()).X[[100, 250, 400]])  # the points themselves
    assert caption_text("en") not in [caption.value for caption in at.caption]


def test_the_step_page_starts_from_the_first_m_step_and_never_calls_it_single_points():
    at = run("pages/1_Step_through.py")
    status = next(m.value for m in at.markdown if m.value.startswith("**Iteration 0"))
    assert t("step.start.points") not in status
    unticked = run("pages/1_Step_through.py", after_m1="false")
    assert t("step.start.points") in next(m.value for m in unticked.markdown if m.value.startswith("**Iteration 0"))
