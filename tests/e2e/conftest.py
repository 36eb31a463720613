"""Browser-test fixtures: a fresh Streamlit server on a free loopback port and Debian's Chromium.

The tests are marked ``e2e``. Where no Chromium is installed they are skipped with a visible
reason (``.ci/run`` installs Debian's ``chromium`` so CI always runs them).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from emlab.playground.slides import CHROMIUM_ARGS, find_chromium

ROOT = Path(__file__).resolve().parents[2]


def chromium_path() -> str | None:
    """The Chromium the app's own slide export would use (one lookup rule: emlab.playground.slides)."""
    return find_chromium()


def pytest_collection_modifyitems(config, items):
    reason = None
    if chromium_path() is None:
        reason = "no Chromium found (install Debian's 'chromium' or set EMLAB_CHROMIUM)"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            reason = "Playwright for Python is not installed (pip install -r requirements-dev.txt)"
    for item in items:
        if "e2e" in item.nodeid.split("::")[0]:
            item.add_marker(pytest.mark.e2e)
            # With pytest-xdist (``-n``) the browser tests run on one worker (one server, one
            # Chromium) and the balancer's lecture (three replicas, twenty tabs) on one worker,
            # so the rest of the suite fills the other cores around them.
            group = "balancer" if "test_balancer" in item.nodeid else "browser"
            item.add_marker(pytest.mark.xdist_group(group))
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    """Start ``streamlit run app.py`` headless on ``port`` and wait until it answers its health check."""
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{process.stdout.read()}")
        if answers_health_check(port):
            return process
        time.sleep(0.3)
    process.kill()
    raise RuntimeError("streamlit did not answer its health check within 60 s")


def answers_health_check(port: int) -> bool:
    """Whether a Streamlit server on ``port`` (loopback) says it is healthy."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def app_url():
    """Base URL of a freshly started server (cold: no page has run yet when the first test opens one)."""
    process = start_server(free_port())
    port = process.args[process.args.index("--server.port") + 1]
    yield f"http://127.0.0.1:{port}"
    stop_server(process)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=list(CHROMIUM_ARGS))
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    """A page in a fresh browser context (no shared cookies or storage), 1280x900."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    new_page = context.new_page()
    yield new_page
    context.close()
