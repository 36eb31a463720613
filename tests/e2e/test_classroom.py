"""What a lecture needs from a real browser: every page opens cold by URL, links reproduce views, small screens work."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import free_port, start_server, stop_server
from tests.e2e.helpers import (
    CHART,
    assert_no_exception,
    cut_off_texts,
    open_page,
    screenshot,
    wait_for_app,
    wait_for_charts,
)

# (URL path, number of charts the page shows on default settings)
PAGES = [
    ("", 1),
    ("Step_through", 1),
    ("How_the_data_is_made", 1),
    ("How_many_components", 1),
    ("When_EM_goes_wrong", 1),
    ("Your_own_data", 0),
    ("Why_EM_works", 1),
]
LECTURER_QUERY = "?source=synthetic&n=800&k_true=4&k=4&cov=diag&data_seed=3&model_seed=2&alpha=2.0"

FIGURE_FINGERPRINT = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const round = (values) => Array.from(values || [], (v) => (v === null ? null : Math.round(v * 1e4) / 1e4));
  return JSON.stringify({
    traces: gd.data.map((trace) => [trace.name, round(trace.x), round(trace.y)]),
    frames: (gd._transitionData && gd._transitionData._frames || []).length,
  });
}"""


def page_name(path: str) -> str:
    return path or "Playground"


@pytest.mark.parametrize(("path", "charts"), PAGES, ids=[page_name(p) for p, _ in PAGES])
def test_page_opens_cold_by_url_with_the_playground_query(browser, path, charts):
    """A deep link with a lecturer's query string is the very first request a new server sees."""
    server = start_server(free_port())
    port = server.args[server.args.index("--server.port") + 1]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        open_page(page, f"http://127.0.0.1:{port}/{path}{LECTURER_QUERY}", timeout_ms=120_000)
        if charts:
            wait_for_charts(page, charts, timeout_ms=120_000)
        assert_no_exception(page)
        page.locator('[data-testid="stSidebar"]').wait_for(state="visible")
        screenshot(page, f"cold_{page_name(path)}")
    finally:
        context.close()
        stop_server(server)


@pytest.mark.parametrize(("path", "charts"), PAGES, ids=[page_name(p) for p, _ in PAGES])
def test_page_opens_without_query_parameters(page, app_url, path, charts):
    page.set_viewport_size({"width": 1280, "height": 720})  # a projector's resolution
    open_page(page, f"{app_url}/{path}")
    if charts:
        wait_for_charts(page, charts)
    assert_no_exception(page)
    assert not cut_off_texts(page), "a label is cut off at 1280x720: shorten it or give it room"
    screenshot(page, f"default_{page_name(path)}")


def test_lecturers_link_reproduces_the_same_figure_in_another_browser(browser, app_url):
    fingerprints = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            open_page(page, f"{app_url}/{LECTURER_QUERY}")
            wait_for_charts(page)
            assert_no_exception(page)
            fingerprints.append(page.evaluate(FIGURE_FINGERPRINT))
        finally:
            context.close()
    assert fingerprints[0] == fingerprints[1]
    assert '"frames":0' not in fingerprints[0]


def slider_value(page, key: str) -> str:
    return page.locator(f".st-key-{key} input[type=range]").get_attribute("value")


def selectbox_value(page, key: str) -> str:
    return page.locator(f".st-key-{key} input[role=combobox]").input_value()


def test_sidebar_links_carry_the_settings_between_pages(page, app_url):
    """From a lecturer's link to the step-through page and back: data and model follow the student."""
    open_page(page, f"{app_url}/{LECTURER_QUERY}")
    wait_for_charts(page)
    page.locator('[data-testid="stSidebar"] a[href*="Step_through"]').first.click()
    page.wait_for_url("**/Step_through**")
    wait_for_charts(page)
    assert_no_exception(page)
    assert slider_value(page, "n") == "800"
    assert slider_value(page, "k") == "4"
    assert selectbox_value(page, "cov") == "diag"
    thumb = page.locator(".st-key-k input[type=range]")
    thumb.focus()
    thumb.press("ArrowLeft")
    page.wait_for_function("() => document.querySelector('.st-key-k input[type=range]').value === '3'")
    # The slider sends its value after a short pause; leave only once the link has lost k=4 and
    # the page has rerun with k=3 (a click before that would leave the page it never saw).
    page.wait_for_function("() => new URLSearchParams(location.search).get('k') !== '4'")
    wait_for_app(page)
    wait_for_charts(page)
    page.locator('[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]').first.click()
    page.wait_for_timeout(500)
    wait_for_charts(page)
    assert_no_exception(page)
    assert slider_value(page, "k") == "3", "a change back to the default value must not be undone"
    assert slider_value(page, "n") == "800"
    assert selectbox_value(page, "cov") == "diag"


SIDEBAR = '[data-testid="stSidebar"]'


def sidebar_folded(page) -> bool:
    return page.locator(SIDEBAR).get_attribute("data-collapsed") == "true"


def chart_width(page) -> float:
    return page.locator(CHART).first.bounding_box()["width"]


PROSE = "[data-testid=stMain] [data-testid=stMarkdownContainer] p"
METRIC_VALUE = "[data-testid=stMain] [data-testid=stMetricValue] p"


def font_size(page, selector: str) -> float:
    """The font size of the first element ``selector`` finds, in pixels."""
    return page.evaluate(f"() => parseFloat(getComputedStyle(document.querySelector('{selector}')).fontSize)")


def presentation_toggle(page):
    return page.locator(SIDEBAR).get_by_text("Presentation mode")


def test_presentation_mode_folds_the_sidebar_away_and_one_click_brings_it_back(browser, app_url):
    """On a projector the charts take the width and the text grows: a link in presentation mode opens with
    the sidebar folded, and switching the mode on folds it; the arrow at the top left opens it again."""
    for how in ("link", "toggle"):
        context = browser.new_context(viewport={"width": 1280, "height": 720})  # a browser new to the app
        try:
            page = context.new_page()
            open_page(page, f"{app_url}/{LECTURER_QUERY}" + ("&big=true" if how == "link" else ""))
            wait_for_charts(page)
            if how == "toggle":
                assert not sidebar_folded(page), "only presentation mode folds the sidebar"
                assert font_size(page, PROSE) == 16
                presentation_toggle(page).click()
                page.wait_for_function(f"() => document.querySelector('{SIDEBAR}').dataset.collapsed === 'true'")
                wait_for_app(page)
            assert sidebar_folded(page)
            assert font_size(page, PROSE) > 20, "the page's text grows for the back row too"
            assert font_size(page, METRIC_VALUE) == 36, "a metric's value is large already"
            assert_no_exception(page)
            folded_width = chart_width(page)
            screenshot(page, f"presentation_{how}_1280x720", full_page=False)

            page.get_by_test_id("stExpandSidebarButton").click()
            presentation_toggle(page).wait_for(state="visible")
            assert selectbox_value(page, "cov") == "diag"
            narrower = f"() => document.querySelector('{CHART}').getBoundingClientRect().width < {folded_width - 150}"
            page.wait_for_function(narrower)  # the folded sidebar gave the chart its width
            # Once the student has opened it, the sidebar stays as they left it (Streamlit remembers the choice).
            for _ in range(2):
                presentation_toggle(page).click()
                wait_for_app(page)
            assert not sidebar_folded(page)
        finally:
            context.close()


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (390, 844)], ids=["laptop_720p", "phone"])
def test_playground_is_usable_on_small_screens(browser, app_url, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        open_page(page, app_url)
        wait_for_charts(page)
        assert_no_exception(page)
        chart = page.locator(CHART).first
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 0.6 * min(width, 1280) - 80
        on_top = page.evaluate(
            "([x, y]) => !!document.elementFromPoint(x, y)?.closest('.js-plotly-plot')",
            [box["x"] + box["width"] / 2, min(box["y"] + box["height"] / 2, height - 10)],
        )
        assert on_top, "something (the sidebar?) covers the chart"
        screenshot(page, f"playground_{width}x{height}", full_page=False)
    finally:
        context.close()


def primary_step(page) -> str:
    """Which half-step button the step-through page offers as the next one."""
    offered = [key for key in ("e_step", "m_step") if page.locator(f".st-key-{key} button[kind='primary']").count()]
    assert len(offered) == 1, offered
    return offered[0]


def test_two_students_at_once_never_see_each_others_state(browser, app_url):
    """Two live sessions with different settings, stepping in turns: each keeps its own data and walk."""
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(2)]
    try:
        alice, bob = (context.new_page() for context in contexts)
        open_page(alice, f"{app_url}/Step_through?n=300&k=2&data_seed=11")
        open_page(bob, f"{app_url}/Step_through?n=900&k=5&cov=spherical&data_seed=12")
        for key in ("e_step", "m_step", "e_step"):
            alice.locator(f".st-key-{key} button").first.click()
            wait_for_app(alice)
        bob.locator(".st-key-e_step button").first.click()
        wait_for_app(bob)
        alice.locator(".st-key-step_back button").first.click()  # a rerun of Alice's session after Bob's
        wait_for_app(alice)
        for page in (alice, bob):
            assert_no_exception(page)
        assert (slider_value(alice, "n"), slider_value(alice, "k")) == ("300", "2")
        assert (slider_value(bob, "n"), slider_value(bob, "k")) == ("900", "5")
        assert selectbox_value(bob, "cov") == "spherical" and selectbox_value(alice, "cov") == "full"
        # Each walk is where its own student left it: Bob after an E-step (M next), Alice back at an
        # M-step (E next).
        assert primary_step(bob) == "m_step"
        assert primary_step(alice) == "e_step"
    finally:
        for context in contexts:
            context.close()
