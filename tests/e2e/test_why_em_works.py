"""The "Why EM works" page in a real browser: opened cold by URL with the Playground's query string, charts read."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import free_port, start_server, stop_server
from tests.e2e.helpers import SCREENSHOT_DIR, assert_no_exception, open_page, screenshot, wait_for_app

# The Playground's query string for a 3-D fit with diagonal covariances, in presentation mode.
PLAYGROUND_QUERY = "n=600&k_true=3&d=3&k=3&cov=diag&init=random_from_data&model_seed=5&big=true"
CHARTS = ("why_slice", "why_decomposition", "why_landscape")
DRAWN = """(key) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  return Boolean(gd && gd._fullLayout && gd.querySelector('.main-svg'));
}"""
TRACES = """(key) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  return gd._fullData.map(trace => ({type: trace.type, name: trace.name, points: trace._length}));
}"""
# Screen position of a point (mu1, mu2) on the landscape.
LANDSCAPE_POINT = """([mu1, mu2]) => {
  const gd = document.querySelector('.st-key-why_landscape .js-plotly-plot');
  const plot = gd.querySelector('.nsewdrag').getBoundingClientRect();
  return {x: plot.left + gd._fullLayout.xaxis.l2p(mu1), y: plot.top + gd._fullLayout.yaxis.l2p(mu2)};
}"""


@pytest.fixture(scope="module")
def fresh_url():
    """A server nobody has opened yet, so the deep link below is its very first request."""
    server = start_server(free_port())
    port = server.args[server.args.index("--server.port") + 1]
    yield f"http://127.0.0.1:{port}"
    stop_server(server)


def test_opened_cold_by_url_draws_the_three_charts(browser, fresh_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        open_page(page, f"{fresh_url}/Why_EM_works?{PLAYGROUND_QUERY}", timeout_ms=120_000)
        for key in CHARTS:
            page.wait_for_function(DRAWN, arg=key, timeout=120_000)
        assert_no_exception(page)
        slice_traces = page.evaluate(TRACES, "why_slice")
        assert [trace["points"] for trace in slice_traces[:2]] == [201, 201], "bound and log-likelihood along s"
        decomposition = page.evaluate(TRACES, "why_decomposition")
        assert len(decomposition) == 2 and decomposition[0]["points"] >= 4, "bound and log-likelihood per half-step"
        landscape = page.evaluate(TRACES, "why_landscape")
        assert landscape[0]["type"] == "contour" and {"EM", "gradient ascent"} <= {t["name"] for t in landscape}
        assert "big=true" in page.evaluate("() => location.search"), "the Playground's settings stay in the URL"
        screenshot(page, "why_em_works_cold")
        for key in CHARTS:
            chart = page.locator(f".st-key-{key}")
            chart.scroll_into_view_if_needed()
            chart.screenshot(path=str(SCREENSHOT_DIR / f"{key}.png"))
    finally:
        context.close()


def test_a_click_on_the_landscape_chooses_the_start(page, fresh_url):
    open_page(page, f"{fresh_url}/Why_EM_works", timeout_ms=120_000)
    page.wait_for_function(DRAWN, arg="why_landscape", timeout=120_000)
    chart = page.locator(".st-key-why_landscape")
    chart.scroll_into_view_if_needed()
    target = page.evaluate(LANDSCAPE_POINT, [3.0, -1.0])
    page.mouse.click(target["x"], target["y"])
    page.wait_for_function(
        "() => document.querySelector('.st-key-why_mu1 input').value === '3.0'"
        " && document.querySelector('.st-key-why_mu2 input').value === '-1.0'",
        timeout=60_000,
    )
    wait_for_app(page)
    assert_no_exception(page)
