"""'Your own data' in a real browser: upload through the file input, then open the Playground on it.

Screenshots land in artifacts/screenshots/upload_*.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from emlab.your_data.upload import MAX_UPLOAD_BYTES
from tests.e2e.helpers import assert_no_exception, open_page, screenshot, wait_for_app, wait_for_charts

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "two_clusters.csv"
FILE_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
TALL = {"width": 1280, "height": 1500}

pytestmark = pytest.mark.e2e


def choose_file(page, name: str, content: bytes) -> None:
    page.locator(FILE_INPUT).set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    page.wait_for_timeout(300)
    wait_for_app(page)


def shows(page, text: str) -> None:
    """Wait until the page shows ``text`` (a rerun may not have started when an action returns)."""
    expect(page.locator('[data-testid="stMain"]')).to_contain_text(text, timeout=30_000)
    wait_for_app(page)


def test_a_good_file_goes_to_the_playground(page, app_url):
    page.set_viewport_size(TALL)
    open_page(page, f"{app_url}/Your_own_data")
    choose_file(page, "two_clusters.csv", EXAMPLE.read_bytes())
    wait_for_charts(page)
    shows(page, "Read 200 row(s) and 2 column(s)")
    assert_no_exception(page)
    screenshot(page, "upload_good_file")

    page.get_by_role("button", name="Use this data").click()
    shows(page, "In use: two_clusters.csv, 200 rows x 2 column(s)")
    page.locator('[data-testid="stMain"] a[href$="?source=upload"]').first.click()
    page.wait_for_url("**/?source=upload")
    wait_for_app(page)
    wait_for_charts(page)
    assert page.get_by_role("combobox", name="Data source").input_value() == "upload"
    assert_no_exception(page)
    screenshot(page, "upload_in_playground")


def test_bad_files_get_messages_and_the_page_keeps_working(page, app_url):
    page.set_viewport_size(TALL)
    open_page(page, f"{app_url}/Your_own_data")
    choose_file(page, "picture.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    shows(page, "This does not look like a text CSV file")
    assert_no_exception(page)
    screenshot(page, "upload_binary_file")

    choose_file(page, "names.csv", b"name,town\nann,oslo\nbob,rome\n")
    shows(page, "No column holds numbers")

    choose_file(page, "too_big.csv", b"x,y\n" + b"1,2\n" * (MAX_UPLOAD_BYTES // 4))
    # Streamlit's uploader refuses it in the browser (server.maxUploadSize); the server never sees it.
    expect(page.locator('[data-testid="stFileUploader"] [role="alert"]')).to_contain_text("must be 5.0MB or smaller")
    assert_no_exception(page)
    screenshot(page, "upload_too_big")

    page.get_by_role("button", name="Try the example file").click()
    shows(page, "Read 200 row(s)")
    wait_for_charts(page)
    assert_no_exception(page)
