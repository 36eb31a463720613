"""The pages in Chinese in a real browser: each opens cold by URL with ``lang=zh`` and draws its charts.

Each page is the first request of a freshly started server. The page must show Chinese text,
draw its charts with Chinese glyphs from a CJK font (the figure's font family names one), and
nothing may overflow the 1280x720 window sideways or be cut off with an ellipsis; screenshots at
1280x720 and in presentation mode (``big=true``) go to artifacts/screenshots/zh_*.png for a person
to look at.
"""

from __future__ import annotations

import re

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

# (name, URL path and query, button to press first (its key) or None, charts drawn)
CHINESE_PAGES = [
    ("playground", "?lang=zh", None, 1),
    ("step_through", "Step_through?lang=zh", None, 1),
    ("story", "How_the_data_is_made?lang=zh", None, 3),
    ("choose_k", "How_many_components?lang=zh&ck_kmax=8&ck_n_init=1", None, 2),
    ("pitfalls", "When_EM_goes_wrong?lang=zh", None, 3),
    ("your_data", "Your_own_data?lang=zh", "up_example", 1),
    ("why", "Why_EM_works?lang=zh", None, 3),
]
WINDOW = {"width": 1280, "height": 720}
TALL = {"width": 1280, "height": 3600}
HAN = re.compile(r"[\u4e00-\u9fff]")


def press(page, key: str) -> None:
    page.locator(f".st-key-{key} button").first.click()
    wait_for_app(page, 180_000)


def chart_texts(page) -> list[str]:
    """The text drawn inside the charts' SVG (titles, axes, legends, slider labels)."""
    return page.eval_on_selector_all(f"{CHART} .main-svg text", "nodes => nodes.map(n => n.textContent)")


def chart_fonts(page) -> list[str]:
    return page.eval_on_selector_all(CHART, "nodes => nodes.map(n => n._fullLayout.font.family)")


def wait_for_title(page, chinese: bool) -> None:
    """Wait until the page's title is in Chinese (or not), then until the app has settled."""
    test = "/[\\u4e00-\\u9fff]/.test(document.querySelector('h1')?.innerText || '')"
    page.wait_for_function(f"() => {'' if chinese else '!'}{test}", timeout=60_000)
    wait_for_app(page, 180_000)


def overflow(page) -> int:
    """How many pixels the page is wider than the window (0: nothing sticks out sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize(("name", "path", "button", "charts"), CHINESE_PAGES, ids=[p[0] for p in CHINESE_PAGES])
def test_page_in_chinese_opens_cold_by_url(browser, name, path, button, charts):
    server = start_server(free_port())
    port = server.args[server.args.index("--server.port") + 1]
    context = browser.new_context(viewport=WINDOW)
    try:
        page = context.new_page()
        for big in (False, True):
            url = f"http://127.0.0.1:{port}/{path}" + ("&big=true" if big else "")
            open_page(page, url, timeout_ms=180_000)
            if button:
                press(page, button)
            wait_for_charts(page, charts, timeout_ms=180_000)
            assert_no_exception(page)
            assert HAN.search(page.locator("h1").first.inner_text())
            if name != "your_data":  # its one chart is the file's own columns, named in the file
                assert any(HAN.search(text) for text in chart_texts(page)), "no Chinese in the charts"
            assert all("Noto Sans CJK SC" in family for family in chart_fonts(page))
            assert page.evaluate("() => document.fonts.check('16px \"Noto Sans CJK SC\"', '期望最大化')")
            assert overflow(page) <= 0
            assert not cut_off_texts(page), "a label is cut off: shorten it in the catalogue"
            assert "lang=zh" in page.url
            suffix = "_big" if big else ""
            page.mouse.move(0, WINDOW["height"] - 1)  # no tooltip of the last button pressed in the picture
            screenshot(page, f"zh_{name}{suffix}", full_page=False)
            page.set_viewport_size(TALL)  # the app scrolls inside its own container: show all of it
            page.wait_for_timeout(500)  # plotly redraws at the new width (a settle, not an assertion)
            screenshot(page, f"zh_{name}{suffix}_tall", full_page=False)
            page.set_viewport_size(WINDOW)
    finally:
        context.close()
        stop_server(server)


def test_the_language_control_switches_in_place_and_follows_the_student_to_the_next_page(page, app_url):
    open_page(page, f"{app_url}/?lang=zh&k=4", timeout_ms=180_000)
    wait_for_charts(page)
    control = page.locator('[data-testid="stSidebar"] [data-testid="stButtonGroup"]').first
    control.get_by_text("English", exact=True).click()
    wait_for_title(page, chinese=False)
    assert "lang=" not in page.url and "k=4" in page.url
    control.get_by_text("中文", exact=True).click()
    wait_for_title(page, chinese=True)
    assert "lang=zh" in page.url and "k=4" in page.url
    page.locator('[data-testid="stSidebarNav"], [data-testid="stSidebar"]').get_by_role("link").nth(1).click()
    wait_for_app(page, 180_000)
    wait_for_charts(page)
    assert_no_exception(page)
    assert "Step_through" in page.url and "lang=zh" in page.url
    assert HAN.search(page.locator("h1").first.inner_text())
