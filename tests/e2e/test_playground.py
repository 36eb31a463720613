"""The Playground in a real browser: the animation plays inside the chart, with no server round-trip."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import CHART, assert_no_exception, open_page, screenshot, wait_for_charts

pytestmark = pytest.mark.e2e

# What plotly.js is drawing right now (``_fullData`` is the state after every frame applied so far).
MEANS_SHOWN = f"""() => {{
    const chart = document.querySelector('{CHART}');
    const means = chart._fullData.find(trace => trace.name === 'means');
    return Array.from(means.x).concat(Array.from(means.y));
}}"""
SHADES_SHOWN = f"""() => {{
    const chart = document.querySelector('{CHART}');
    const points = chart._fullData.find(trace => trace.name === 'points');
    return new Set(Array.from(points.marker.color)).size - 1;  // palette colours beyond the one grey of the start
}}"""
STEP_LABEL = ".slider-group > .slider-label"  # the current value, above the rail


def press(page, label: str) -> None:
    page.locator(f"{CHART} .updatemenu-button").filter(has_text=label).click()


def test_play_moves_the_means_and_recolours_the_points(page, app_url):
    sent_to_server = []
    page.on("websocket", lambda socket: socket.on("framesent", lambda payload: sent_to_server.append(payload)))
    open_page(page, app_url)
    wait_for_charts(page)
    assert_no_exception(page)
    start = page.evaluate(MEANS_SHOWN)
    assert page.evaluate(SHADES_SHOWN) == 0  # before the first E-step no point belongs to anyone
    assert page.locator(STEP_LABEL).text_content().startswith("Start")

    sent_before_play = len(sent_to_server)
    assert sent_before_play > 0  # the listener works: opening the page asked the server for a run
    press(page, "Play")
    page.wait_for_function(
        f"() => document.querySelector('{STEP_LABEL}').textContent.includes('Iteration 6')", timeout=30_000
    )
    press(page, "Pause")
    moved = page.evaluate(MEANS_SHOWN)
    assert max(abs(a - b) for a, b in zip(start, moved, strict=True)) > 0.1
    assert page.evaluate(SHADES_SHOWN) > 0
    assert len(sent_to_server) == sent_before_play  # every frame is already in the page: no rerun, no request
    assert_no_exception(page)
    screenshot(page, "playground_playing", full_page=False)


def test_a_shared_link_opens_the_same_model(page, app_url):
    open_page(page, f"{app_url}/?k=4&cov=diag&init=kmeans&model_seed=3&big=true")
    wait_for_charts(page)
    assert_no_exception(page)
    assert page.get_by_role("combobox", name="Covariance type").input_value() == "diag"
    means = page.evaluate(MEANS_SHOWN)
    assert len(means) == 2 * 4
    screenshot(page, "playground_shared_link", full_page=False)


def test_the_downloaded_animation_plays_offline(browser, app_url, tmp_path):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    open_page(page, app_url)
    wait_for_charts(page)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Animation (HTML, plays offline)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)

    context.set_offline(True)
    offline = context.new_page()
    offline.goto(saved.as_uri())
    offline.wait_for_selector(f"{CHART} .main-svg")
    start = offline.evaluate(MEANS_SHOWN)
    press(offline, "Play")
    offline.wait_for_function(
        f"() => document.querySelector('{STEP_LABEL}').textContent.includes('Iteration 3')", timeout=30_000
    )
    assert offline.evaluate(MEANS_SHOWN) != start
    context.close()
