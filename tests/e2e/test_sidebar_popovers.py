"""The sidebar's popovers in a real browser: a link's values in the label, a move writes the URL, it stays open.

AppTest cannot see the address bar or whether a popover stays open while the app reruns under it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from emlab.shared.controls import unbreakable
from emlab.shared.text import t
from tests.e2e.helpers import assert_no_exception, open_page, open_popover, wait_for_app, wait_for_charts

pytestmark = pytest.mark.e2e

SHAPE = t("data.shape.label", values="").strip()  # "Shape:"


def test_a_popover_takes_a_link_writes_the_url_and_stays_open_while_the_app_reruns(page, app_url):
    open_page(page, f"{app_url}/?d=3&alpha=2.0")
    wait_for_charts(page)
    shape = page.locator('[data-testid="stSidebar"] [data-testid="stPopover"] button').filter(has_text=SHAPE)
    expect(shape).to_contain_text(unbreakable("D = 3") + " · " + unbreakable("α = 2"))
    body = open_popover(page, SHAPE)
    body.locator(".st-key-d input[type=range]").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_url("**d=4**")
    wait_for_app(page)
    expect(shape).to_contain_text(unbreakable("D = 4") + " · " + unbreakable("α = 2"), timeout=60_000)
    expect(body).to_be_visible()
    assert body.locator(".st-key-alpha").count() == 1
    assert "alpha=2.0" in page.url
    assert_no_exception(page)
