"""The "When EM goes wrong" page: its five experiments as pure builders, and the page with AppTest."""

from __future__ import annotations

import base64
import io
import json
import pickle
import re
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from PIL import Image
from streamlit.testing.v1 import AppTest

from emlab.pitfalls import runs as pitfall_runs
from emlab.pitfalls.layers import hard_rgba
from emlab.pitfalls.raster import OVERSAMPLE, paint_points, points_image
from emlab.shared.layers import blended_colors, ellipse_path
from emlab.shared.text import t
from gmm_core import ellipse_outlines
from gmm_core.experiments import SeedFit
from tests.plotly_json import decode

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/4_When_EM_goes_wrong.py"
# The charts each experiment draws; one experiment is shown at a time.
SECTION_CHARTS = {
    "lo": ("pit_lo_gallery_chart", "pit_lo_values_chart", "pit_lo_best_worst_chart"),
    "sing": ("pit_sing_picture_chart", "pit_sing_curves_chart"),
    "ls": ("pit_ls_chart",),
    "hs": ("pit_hs_chart",),
    "seed": ("pit_seed_curves_chart", "pit_seed_covariance_chart"),
}
CHART_KEYS = tuple(key for keys in SECTION_CHARTS.values() for key in keys)


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


# --------------------------------------------------------------------------- the light drawing pieces


def test_blended_colour_is_what_the_overlaid_layers_composite_to():
    """Grey at 35%, then each component at 90% of its responsibility, alpha-composited in order."""
    resp = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.0, 0.0]])
    colours = blended_colors(resp, 4)
    grey, blue, orange = (
        np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)]) for c in ("#9a9a9a", "#0072B2", "#E69F00")
    )

    def over(top, top_alpha, bottom, bottom_alpha):
        alpha = top_alpha + bottom_alpha * (1 - top_alpha)
        return (top * top_alpha + bottom * bottom_alpha * (1 - top_alpha)) / alpha, alpha

    def rgba_of(text):
        *rgb, alpha = (float(v) for v in text[5:-1].split(","))
        return np.array(rgb), alpha

    rgb, alpha = rgba_of(colours[0])
    want, want_alpha = over(blue, 0.9, grey, 0.35)
    np.testing.assert_allclose(rgb, want, atol=0.5)
    assert alpha == pytest.approx(want_alpha, abs=1e-3)
    half_blue = over(blue, 0.9 * 128 / 255, grey, 0.35)
    want, want_alpha = over(orange, 0.9 * 128 / 255, *half_blue)
    rgb, alpha = rgba_of(colours[2])
    np.testing.assert_allclose(rgb, want, atol=0.5)
    assert alpha == pytest.approx(want_alpha, abs=1e-3)
    assert colours[3] == "rgba(154,154,154,0.350)" == blended_colors(None, 1)[0]


def test_painted_points_composite_as_the_browser_draws_overlapping_markers():
    """Discs of the marker's diameter, anti-aliased edges, each laid "over" the ones before it."""
    colour = np.array([0.0, 114.0, 178.0, 0.85])
    one = paint_points(np.array([[20.0, 20.0]]), colour[None], (40, 40), diameter=12)
    assert one[..., 3].sum() / 255 == pytest.approx(np.pi * 6**2 * 0.85, rel=0.02), "area of a 12-px disc at 85%"
    assert tuple(one[20, 20]) == (0, 114, 178, round(0.85 * 255)) and one[0, 0, 3] == 0
    corner = paint_points(np.array([[0.0, 0.0]]), colour[None], (40, 40), diameter=12)
    assert corner[..., 3].sum() / 255 == pytest.approx(np.pi * 6**2 * 0.85 / 4, rel=0.03), "a quarter on the picture"
    two = paint_points(np.array([[20.0, 20.0], [20.0, 20.0]]), np.array([colour, colour]), (40, 40), diameter=12)
    assert two[20, 20, 3] == round((0.85 + 0.85 * 0.15) * 255), "two markers on one spot show through each other"
    orange = np.array([230.0, 159.0, 0.0, 1.0])
    last_on_top = paint_points(np.array([[20.0, 20.0], [20.0, 20.0]]), np.array([colour, orange]), (40, 40), 12)
    assert tuple(last_on_top[20, 20]) == (230, 159, 0, 255)


def read_image(image: dict) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(image["source"].split(",", 1)[1]))).convert("RGBA"))


def test_a_painted_point_lands_where_its_marker_would_be():
    # x to the right, y upwards (image rows run downwards), 10 screen pixels per unit, OVERSAMPLE finer
    points, colours = np.array([[1.0, 4.0], [3.0, 1.0]]), hard_rgba(np.array([0, 1]), 2)
    image = points_image(points, colours, [0.0, 5.0], [0.0, 5.0], pixels_per_unit=10, diameter=6)
    assert (image["x"], image["y"], image["sizex"], image["sizey"]) == (0.0, 5.0, 5.0, 5.0)
    assert image["sizing"] == "stretch" and image["layer"] == "above", "points above the traces, below the shapes"
    pixels = read_image(image)
    assert pixels.shape == (50 * OVERSAMPLE, 50 * OVERSAMPLE, 4)
    for (x, y), colour in zip(points, colours, strict=True):
        row, column = int((5 - y) * 10 * OVERSAMPLE), int(x * 10 * OVERSAMPLE)
        np.testing.assert_allclose(pixels[row, column], [*colour[:3], colour[3] * 255], atol=3)
    assert pixels[:, :, 3].astype(bool).sum() < 2 * np.pi * (3 * OVERSAMPLE + 1) ** 2, "two discs, nothing else"


def test_ellipse_path_stays_on_the_ellipse_between_its_quarter_points():
    mean, covariance = np.array([1.0, -2.0]), np.array([[4.0, 1.5], [1.5, 1.0]])
    outline = ellipse_outlines(mean[None], covariance[None], 0.95, 4)[0]
    path = ellipse_path(outline, mean)
    numbers = np.array([float(v) for v in re.findall(r"-?[\d.]+(?:e-?\d+)?", path)]).reshape(-1, 2)
    start, curves = numbers[0], numbers[1:].reshape(4, 3, 2)
    precision = np.linalg.inv(covariance)
    for first, second, end in curves:
        for u in np.linspace(0, 1, 9):  # points along the cubic Bezier arc
            point = (1 - u) ** 3 * start + 3 * (1 - u) ** 2 * u * first + 3 * (1 - u) * u**2 * second + u**3 * end
            radius = np.sqrt((point - mean) @ precision @ (point - mean))
            assert radius == pytest.approx(np.sqrt(-2 * np.log(0.05)), rel=1e-3)
        start = end


def test_every_figure_draws_one_trace_per_layer():
    """Soft colours in one trace (not K + 1), ellipses as shapes (not 2K traces per panel)."""
    fitted = pitfall_runs.label_switching("C2-C3-C1").figure
    point_traces = [trace for trace in fitted.data if trace.name == "points"]
    assert len(point_traces) == 3, "one point trace per panel"
    assert len(fitted.layout.shapes) == 3 * 2 * 3, "three panels, two levels, three components"
    assert len(fitted.data) <= 12


def test_the_gallery_paints_each_starts_points_as_one_picture():
    """Issue 10: 8 panels x 600 points were 4,800 SVG markers; now one picture per panel, no marker trace."""
    result = pitfall_runs.local_optima("random_from_data", 8)
    gallery = result.gallery.to_plotly_json()
    assert not [trace for trace in gallery["data"] if len(decode(trace.get("x", []))) > 10], "no point markers"
    images = gallery["layout"]["images"]
    assert [(image["xref"], image["yref"]) for image in images] == [("x", "y")] + [
        (f"x{index}", f"y{index}") for index in range(2, 9)
    ]
    painted = read_image(images[0])
    palette = hard_rgba(np.arange(6), 6)[:, :3]
    covered = painted[painted[..., 3] >= 0.85 * 255 - 1, :3]  # inside a marker or a pile of them
    assert len(covered) > 5_000
    nearest = np.abs(covered[:, None, :].astype(int) - palette[None].astype(int)).sum(axis=2).min(axis=1)
    assert np.mean(nearest <= 6) > 0.95, "in the components' colours (blends only where two overlap)"
    shapes = gallery["layout"]["shapes"]
    assert sum(shape["line"].get("dash") == "dash" for shape in shapes) == 8 * 6, "the truth, dashed, per panel"


def test_a_cached_copy_of_a_figure_is_the_same_figure():
    """Figures are unpickled without validation (every session gets a copy): nothing may change."""
    figure = pitfall_runs.local_optima("kmeans", 8).gallery
    copy = pickle.loads(pickle.dumps(figure))
    assert copy.to_json() == figure.to_json()


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


def show(at: AppTest, section: str) -> dict[str, dict]:
    """Pick ``section`` with the page's control; its charts, and only its charts, are drawn."""
    at.button_group(key="pit_section").set_value(section).run()
    assert_clean(at)
    charts = specs(at)
    assert set(charts) == set(SECTION_CHARTS[section])
    assert at.query_params["pit_section"] == section, "the URL links to the experiment shown"
    return charts


def test_default_page_draws_the_first_experiment_only():
    at = run_page()
    assert_clean(at)
    assert set(specs(at)) == set(SECTION_CHARTS["lo"])
    assert at.button_group(key="pit_section").value == "lo"


def test_every_experiment_one_click_away_at_default_settings():
    at = run_page()
    charts = show(at, "sing")
    assert at.info[0].value.startswith(t("pit.sing.broke", iteration=5)[:30])
    labels = charts["pit_sing_curves_chart"]["data"][-1]
    assert sum(size > 0 for size in labels["marker"]["size"]) == 1, "only reg_covar = 0 breaks down"
    show(at, "ls")
    titles = [a["text"] for a in show(at, "hs")["pit_hs_chart"]["layout"]["annotations"]]
    kmeans, em_score = (float(title.rsplit(" ", 1)[1]) for title in titles)
    assert em_score > kmeans
    script, em = (decode(trace["y"]) for trace in show(at, "seed")["pit_seed_curves_chart"]["data"])
    assert script[-1] < script[0] - 0.3 and em[-1] > em[0] + 0.1


def test_the_truth_toggle_hides_and_shows_the_true_clusters():
    """The sidebar's "Show true components" means the same here as on every page."""
    at = run_page()
    shown = specs(at)
    at.toggle(key="truth").set_value(False).run()
    assert_clean(at)
    hidden = specs(at)

    def dashed(spec: dict) -> int:
        return sum(shape["line"].get("dash") == "dash" for shape in spec["layout"].get("shapes", []))

    def truth_traces(spec: dict) -> int:
        return sum(trace.get("name") == t("fig.truth", level="95%") for trace in spec["data"])

    assert dashed(shown["pit_lo_gallery_chart"]) == 8 * 6 and dashed(hidden["pit_lo_gallery_chart"]) == 0
    assert truth_traces(shown["pit_lo_best_worst_chart"]) == 2 and truth_traces(hidden["pit_lo_best_worst_chart"]) == 0
    assert at.caption[0].value == t("pit.lo.no_truth", shown=8)
    at.toggle(key="truth").set_value(True).run()
    assert specs(at)["pit_lo_gallery_chart"] == shown["pit_lo_gallery_chart"]
    assert at.caption[0].value == t("pit.lo.gallery", shown=8)


def test_the_default_page_draws_few_point_markers():
    """Every point marker is an SVG node the browser draws: the gallery's are painted (issue 10).

    Before, the default page drew 6,026 markers (8 x 600 in the gallery, 2 x 600 for best vs worst,
    26 final values) in 7,600 SVG nodes; the best-vs-worst panels keep theirs.
    """
    charts = specs(run_page())
    markers = sum(
        len(decode(trace["x"]))
        for chart in charts.values()
        for trace in chart["data"]
        if "markers" in trace.get("mode", "") and "x" in trace
    )
    assert markers <= 1_300, f"{markers} point markers drawn"
    assert len(charts["pit_lo_gallery_chart"]["layout"]["images"]) == 8


# Plotly traces and figure JSON bytes each experiment draws at default settings (issue 10: the
# nine charts were 279 traces and 756 kB, all drawn at once). A guard, see tests/test_page_weight.py.
SECTION_BUDGETS = {
    "lo": (18, 245_000),
    "sing": (12, 45_000),
    "ls": (12, 72_000),
    "hs": (13, 52_000),
    "seed": (12, 100_000),
}


@pytest.mark.parametrize("section", SECTION_CHARTS)
def test_every_experiment_has_its_own_link_and_stays_light(section):
    at = run_page(pit_section=section)
    assert_clean(at)
    charts = specs(at)
    assert set(charts) == set(SECTION_CHARTS[section])
    traces = sum(len(chart["data"]) for chart in charts.values())
    size = sum(len(json.dumps(chart)) for chart in charts.values())
    trace_budget, byte_budget = SECTION_BUDGETS[section]
    assert traces <= trace_budget and size <= byte_budget, f"{traces} traces, {size} bytes"


def test_a_link_with_an_experiments_controls_but_no_section_opens_that_experiment():
    at = run_page(pit_hs_elong=8.0)
    assert_clean(at)
    assert set(specs(at)) == {"pit_hs_chart"}
    assert at.slider(key="pit_hs_elong").value == 8.0


def test_a_hidden_experiment_keeps_its_settings():
    at = run_page()
    at.select_slider(key="pit_lo_starts").set_value(8).run()
    show(at, "hs")
    charts = show(at, "lo")
    assert at.select_slider(key="pit_lo_starts").value == 8
    assert len(decode(charts["pit_lo_values_chart"]["data"][0]["x"])) <= 8


LOW_END = {
    "pit_lo_init": "kmeans",
    "pit_lo_starts": 8,
    "pit_sing_kind": "line",
    "pit_sing_reg": 0,
    "pit_ls_perm": "C1-C3-C2",
    "pit_hs_elong": 1.0,
    "pit_hs_sep": 1.0,
    "pit_hs_seed": 0,
    "pit_seed_epochs": 10,
}
HIGH_END = {
    "pit_lo_init": "k-means++",
    "pit_lo_starts": 48,
    "pit_sing_kind": "point",
    "pit_sing_reg": "1e-01",
    "pit_ls_perm": "C3-C2-C1",
    "pit_hs_elong": 8.0,
    "pit_hs_sep": 6.0,
    "pit_hs_seed": 9999,
    "pit_seed_epochs": 300,
}


def test_every_control_at_its_low_end():
    """One link carrying every experiment's controls: each experiment reads its own when shown."""
    at = run_page(**LOW_END)
    assert_clean(at)
    assert len(specs(at)["pit_lo_values_chart"]["data"][0]["x"]) <= 8
    show(at, "sing")
    assert "collapsed onto the line" in at.info[0].value
    show(at, "ls")
    assert at.selectbox(key="pit_ls_perm").value == "C1-C3-C2"
    show(at, "hs")
    assert at.slider(key="pit_hs_sep").value == 1.0
    script, em = (decode(trace["y"]) for trace in show(at, "seed")["pit_seed_curves_chart"]["data"])
    assert len(script) == 11 and len(em) == 10


def test_every_control_at_its_high_end():
    at = run_page(**HIGH_END)
    assert_clean(at)
    assert len(decode(specs(at)["pit_lo_values_chart"]["data"][0]["x"])) >= 40
    show(at, "sing")
    assert at.info[0].value.startswith("With reg_covar = 0.1")
    show(at, "ls")
    assert at.selectbox(key="pit_ls_perm").value == "C3-C2-C1"
    show(at, "hs")
    assert at.number_input(key="pit_hs_seed").value == 9999
    script, _ = (decode(trace["y"]) for trace in show(at, "seed")["pit_seed_curves_chart"]["data"])
    assert len(script) == 301 and script[-1] < script[100]


def test_presentation_mode_enlarges_the_text():
    small = specs(run_page(pit_section="ls"))["pit_ls_chart"]["layout"]["font"]["size"]
    st.cache_data.clear()
    large = specs(run_page(pit_section="ls", big="true"))["pit_ls_chart"]["layout"]["font"]["size"]
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
    assert len(at.get("plotly_chart")) == len(SECTION_CHARTS["lo"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_when_every_start_breaks_down_the_page_says_so_in_its_language(monkeypatch, lang):
    def all_broke(X, n_components, seeds, **kwargs):
        broke = {"params": None, "responsibilities": None, "log_likelihood": float("nan"), "n_iter": 3}
        return [SeedFit(seed=seed, **broke, error="a component collapsed") for seed in seeds]

    st.cache_data.clear()
    monkeypatch.setattr(pitfall_runs, "fits_from_seeds", all_broke)
    at = run_page(lang=lang)
    assert not at.exception
    assert [warning.value for warning in at.warning] == [t("pit.lo.all_broke", lang)]
    assert not at.get("plotly_chart"), "no chart of a run that did not happen"
