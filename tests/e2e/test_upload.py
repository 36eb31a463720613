"""'Your own data' in a real browser: upload through the file input, then open the Playground on it.

Screenshots land in artifacts/screenshots/upload_*.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from emlab.upload import MAX_UPLOAD_BYTES
from tests.e2e.helpers import assert_no_exception, open_page, screenshot, wait_for_app, wait_for_charts

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "two_clusters.csv"
FILE_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
TALL = {"width": 1280, "height": 1500}

pytestmark = pytest.mark.e2e


def choose_file(page, name: str, content: bytes) -> None:
    page.locator(FILE_INPUT).set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    page.wait_for_timeout(300)
    wait_for_app(page)


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def test_a_good_file_goes_to_the_playground(page, app_url):
    page.set_viewport_size(TALL)
    open_page(page, f"{app_url}/Your_own_data")
    choose_file(page, "two_clusters.csv", EXAMPLE.read_bytes())
    wait_for_charts(page)
    assert "Read 200 row(s) and 2 column(s)" in main_text(page)
    assert_no_exception(page)
    screenshot(page, "upload_good_file")

    page.get_by_role("button", name="Use this data").click()
    wait_for_app(page)
    assert "In use: two_clusters.csv, 200 rows x 2 column(s)" in main_text(page)
    page.locator('[data-testid="stMain"] a[href$="?source=upload"]').first.click()
    wait_for_app(page)
    wait_for_charts(page)
    assert page.url.endswith("/?source=upload")
    assert page.get_by_role("combobox", name="Data source").input_value() == "upload"
    assert_no_exception(page)
    screenshot(page, "upload_in_playground")


def test_bad_files_get_messages_and_the_page_keeps_working(page, app_url):
    page.set_viewport_size(TALL)
    open_page(page, f"{app_url}/Your_own_data")
    choose_file(page, "picture.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert "This does not look like a text CSV file" in main_text(page)
    assert_no_exception(page)
    screenshot(page, "upload_binary_file")

    choose_file(page, "names.csv", b"name,town\nann,oslo\nbob,rome\n")
    assert "No column holds numbers" in main_text(page)

    choose_file(page, "too_big.csv", b"x,y\n" + b"1,2\n" * (MAX_UPLOAD_BYTES // 4))
    # Streamlit's uploader refuses it in the browser (server.maxUploadSize); the server never sees it.
    refusal = page.locator('[data-testid="stFileUploader"] [role="alert"]').inner_text()
    assert "must be 5.0MB or smaller" in refusal
    assert_no_exception(page)
    screenshot(page, "upload_too_big")

    page.get_by_role("button", name="Try the example file").click()
    wait_for_app(page)
    wait_for_charts(page)
    assert "Read 200 row(s)" in main_text(page)
    assert_no_exception(page)
