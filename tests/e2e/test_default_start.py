"""The start checkbox in a real browser: unticking writes after_m1=false to the URL, the link reopens it.

AppTest sees the URL only as the server reads it; writing a bound widget's value into the address
bar is the browser's part of ``bind="query-params"``, so it is checked here.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from emlab.shared.text import t
from tests.e2e.helpers import assert_no_exception, open_page, wait_for_app, wait_for_charts

pytestmark = pytest.mark.e2e

CAPTION_START = t("model.after_m1.caption", label="").split(":")[0]  # "The fit is drawn from its first M-step on"


def start_checkbox(page):
    return page.locator('[data-testid="stCheckbox"]').filter(has_text=t("model.after_m1"))


def test_unticking_writes_the_url_and_the_link_reopens_the_point_like_start(page, app_url, browser):
    open_page(page, app_url)
    wait_for_charts(page)
    assert start_checkbox(page).locator("input").is_checked()
    assert page.get_by_text(CAPTION_START).count() == 1
    start_checkbox(page).locator("label").click()
    page.wait_for_url("**after_m1=false**")
    wait_for_app(page)
    # The address bar changes with the click, before the rerun's output arrives: wait for the caption.
    expect(page.get_by_text(CAPTION_START)).to_have_count(0, timeout=60_000)
    link = page.url

    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    open_page(other, link)
    wait_for_charts(other)
    assert_no_exception(other)
    assert not start_checkbox(other).locator("input").is_checked()
    assert other.get_by_text(CAPTION_START).count() == 0
    start_checkbox(other).locator("label").click()
    other.wait_for_function("() => !window.location.search.includes('after_m1')")  # the default is left out
    wait_for_app(other)
    expect(other.get_by_text(CAPTION_START)).to_have_count(1, timeout=60_000)
    other.context.close()
