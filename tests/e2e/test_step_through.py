"""The step-through page in a real browser: opened cold by URL, E then M, keyboard, clicks, separate tabs."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import free_port, start_server, stop_server
from tests.e2e.helpers import assert_no_exception, open_page, screenshot, wait_for_app, wait_for_charts

STEP_CHART = ".st-key-step_chart .js-plotly-plot"
STATUS = '[data-testid="stMarkdownContainer"] p:has(strong:text-matches("^Iteration"))'

# Screen position and data row of drawn point number ``index`` (the one trace that carries the rows).
CLICK_TARGET = """(index) => {
  const gd = document.querySelector('.st-key-step_chart .js-plotly-plot');
  const targets = gd._fullData.find(trace => trace.customdata && trace.name === 'points');
  const plot = gd.querySelector('.nsewdrag').getBoundingClientRect();
  const xaxis = gd._fullLayout.xaxis, yaxis = gd._fullLayout.yaxis;
  return {
    x: plot.left + xaxis.l2p(targets.x[index]),
    y: plot.top + yaxis.l2p(targets.y[index]),
    row: targets.customdata[index],
  };
}"""
ARROWS = """() => (document.querySelector('.st-key-step_chart .js-plotly-plot').layout.annotations || []).length"""


@pytest.fixture(scope="module")
def fresh_url():
    """A server nobody has opened yet, so the deep link below is its very first request."""
    server = start_server(free_port())
    port = server.args[server.args.index("--server.port") + 1]
    yield f"http://127.0.0.1:{port}"
    stop_server(server)


def press(page, key: str) -> None:
    page.locator(f".st-key-{key} button").first.click()
    page.mouse.move(2, 2)  # leave no tooltip over the chart


def status(page) -> str:
    return page.locator(STATUS).first.inner_text()


def expect_status(page, beginning: str) -> None:
    """Wait (the rerun a key press starts may not have begun yet) until the status line starts with ``beginning``."""
    expect(page.locator(STATUS).first).to_have_text(re.compile("^" + re.escape(beginning)), timeout=30_000)
    wait_for_app(page)


def test_open_cold_by_url_then_e_and_m(browser, fresh_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        # From the k-means start itself (after_m1=false): its first M-step moves the means far enough
        # to draw arrows; from the default start (already past that M-step) they barely move.
        open_page(page, f"{fresh_url}/Step_through?n=600&k=3&init=kmeans&after_m1=false", timeout_ms=120_000)
        wait_for_charts(page, 1, timeout_ms=120_000)
        assert_no_exception(page)
        assert status(page).startswith("Iteration 0")

        press(page, "e_step")
        expect_status(page, "Iteration 1, after the E-step")
        assert page.locator(".st-key-m_step button[kind='primary']").count() >= 1  # M is the next step
        assert page.locator(".st-key-e_step button[kind='primary']").count() == 0
        assert page.locator(".katex").count() >= 2  # the responsibility formula with its numbers
        assert_no_exception(page)
        screenshot(page, "step_through_after_E")

        press(page, "m_step")
        expect_status(page, "Iteration 1, after the M-step")
        assert page.evaluate(ARROWS) >= 2  # each arrow is drawn on a white halo
        assert_no_exception(page)
        screenshot(page, "step_through_after_M")
    finally:
        context.close()


def test_keyboard_click_selection_and_separate_tabs(browser, fresh_url):
    first = browser.new_context(viewport={"width": 1400, "height": 1000})
    second = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = first.new_page()
        open_page(page, f"{fresh_url}/Step_through")
        wait_for_charts(page, 1)
        page.keyboard.press("e")
        expect_status(page, "Iteration 1, after the E-step")
        page.keyboard.press("e")  # a second E-step is not the next step: nothing changes but a notice
        expect(page.locator('[data-testid="stAlert"]').first).to_contain_text("already done", timeout=30_000)
        assert status(page).startswith("Iteration 1, after the E-step")

        target = page.evaluate(CLICK_TARGET, 123)
        page.mouse.click(target["x"], target["y"])
        page.wait_for_function(
            "(row) => document.querySelector('.st-key-step_point input').value === String(row)", arg=target["row"]
        )
        wait_for_app(page)
        assert page.locator(".katex", has_text=f"x{target['row']}").count() >= 1

        page.keyboard.press("m")
        expect_status(page, "Iteration 1, after the M-step")
        page.keyboard.press("n")
        expect_status(page, "Iteration 2, after the M-step")
        page.keyboard.press("b")
        expect_status(page, "Iteration 2, after the E-step")

        other = second.new_page()
        open_page(other, f"{fresh_url}/Step_through")
        assert status(other).startswith("Iteration 0")  # another tab has its own walk
        assert_no_exception(page)
    finally:
        first.close()
        second.close()
