"""Small named helpers for browser tests, so tests read as what a user does."""

from __future__ import annotations

from pathlib import Path

SETTLED = '[data-testid="stApp"][data-test-script-state="notRunning"]'
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHART = ".js-plotly-plot"


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """Wait until the script has finished running and no spinner or skeleton is left."""
    page.wait_for_selector(SETTLED, timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSpinner\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')",
        timeout=timeout_ms,
    )
    page.wait_for_selector(SETTLED, timeout=timeout_ms)


def open_page(page, url: str, timeout_ms: int = 60_000) -> None:
    """Go to ``url`` and wait for the app to settle."""
    page.goto(url, wait_until="domcontentloaded")
    wait_for_app(page, timeout_ms)


def wait_for_charts(page, count: int = 1, timeout_ms: int = 60_000) -> None:
    """Wait until at least ``count`` plotly charts have been drawn."""
    page.wait_for_function(
        f"() => document.querySelectorAll('{CHART} .main-svg').length >= {count}", timeout=timeout_ms
    )


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save a screenshot as artifacts/screenshots/<name>.png and return its path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def exception_texts(page) -> list[str]:
    """Texts of any Streamlit exception boxes on the page."""
    return page.locator('[data-testid="stException"]').all_inner_texts()


def assert_no_exception(page) -> None:
    """Fail with the traceback text if the page shows a Streamlit exception."""
    texts = exception_texts(page)
    assert not texts, f"The page shows an exception: {texts[0][:500]}"


def cut_off_texts(page) -> list[str]:
    """Texts the page shortens with an ellipsis because they do not fit (button labels, metric labels).

    A folded sidebar is left out: its elements have no width while it is out of sight.
    """
    return page.evaluate(
        """() => [...document.querySelectorAll('*')]
            .filter(e => getComputedStyle(e).textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1)
            .filter(e => !e.closest('[data-testid="stSidebar"][data-collapsed="true"]'))
            .map(e => e.textContent.trim()).filter(text => text)"""
    )


def open_popover(page, label_start: str):
    """Open the sidebar popover whose label starts with ``label_start``; returns its open body.

    Rarely moved settings wait in popovers, whose widgets are drawn only once it is open.
    """
    button = page.locator('[data-testid="stSidebar"] [data-testid="stPopover"] button').filter(has_text=label_start)
    button.first.click()
    body = page.locator('[data-testid="stPopoverBody"]')
    body.wait_for(state="visible")
    return body
