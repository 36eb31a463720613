"""Benchmark: what a student waits for in the browser, as ratios to a bare Streamlit chart (issue 10).

Starts EM Lab (``app.py``) and the floor app (``benchmarks/floor_app.py``: one title, one
500-point plotly scatter, one button) on loopback ports and measures, in one run with the loads
interleaved, in headless Debian Chromium:

1. every page (``app.py`` and ``pages/*.py``, discovered, so a new page is measured too):
   time until every chart is drawn (each ``.js-plotly-plot`` has ``_fullLayout`` and a
   ``.main-svg``) in a new browser context, and again on reload with the JavaScript cached;
   bytes over HTTP (CDP ``Network.loadingFinished.encodedDataLength``) and over the websocket;
   charts, plotly traces drawn (``_fullData``), animation frames and SVG nodes drawn; and, for
   reference, the floor app with EM Lab's settings sidebar beside its chart (``floor_app.py?sidebar=1``:
   what the controls a student uses cost before any page draws anything of its own);
2. a click until the chart is redrawn: Step through EM's ``e_step`` / ``m_step`` buttons and the
   Playground's N slider (``gd._fullData`` remembered before, waited until it is another object),
   against the floor app's button until the app settles (the budget) and, for reference, the
   floor app's button redrawing its one chart (``floor_app.py?redraw=1``: what any chart change
   costs in bare Streamlit, which remounts a chart whose figure changed and draws it anew);
3. the achieved frame interval during Play and Slow (``plotly_animatingframe`` events against
   ``layout.updatemenus[0].buttons[i].args[1].frame.duration``) at the default settings and at
   N = 2000, K = 5.

It prints one table with ratios to the floor app and exits non-zero when a budget is missed:
open <= 1.3x, reload <= 1.5x, bytes on first open <= 1.1x, a step click <= 2x the floor's
button, Play and Slow median interval <= 1.15x and p95 <= 1.5x the configured one. Counts
(bytes, traces, SVG nodes) are exact; times drift with the machine's load, ratios much less.

Long because it is one script run by hand: the two servers, the three kinds of measurement and the
table that compares them stay together so a reader sees every budget next to how it is measured.

Run by hand from the project root (needs Debian's chromium and Playwright):

    python benchmarks/bench_browser.py
    python benchmarks/bench_browser.py --pages When_EM --repeats 2     # quick: one page and the floor
"""

from __future__ import annotations

import argparse
import base64
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOOR_APP = Path(__file__).resolve().parent / "floor_app.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 300_000
PLAYGROUND = "Playground"
STEP_PAGE = "Step_through"
STEP_CHART = ".st-key-step_chart .js-plotly-plot"
FLOOR_CHART = ".st-key-floor_chart .js-plotly-plot"
PLAY_CHART = ".st-key-play_chart .js-plotly-plot"
LARGE_ANIMATION = "n=2000&k=5"
BUDGETS = {
    "open": 1.3,
    "reload": 1.5,
    "bytes": 1.1,
    "click": 2.0,
    "frame_median": 1.15,
    "frame_p95": 1.5,
}

# True once the script has run, no skeleton is left and every chart on the page is drawn.
DRAWN = """(expected) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (!document.querySelector('h1') || document.querySelector('[data-testid="stSkeleton"]')) return false;
  const charts = [...document.querySelectorAll('.js-plotly-plot')];
  const boxes = document.querySelectorAll('[data-testid="stPlotlyChart"]').length;
  return charts.length >= expected && charts.length >= boxes
    && charts.every(gd => gd._fullLayout && gd.querySelector('.main-svg'));
}"""
COUNTS = """() => {
  const charts = [...document.querySelectorAll('.js-plotly-plot')];
  const frames = gd => ((gd._transitionData && gd._transitionData._frames) || []).length;
  const nodes = gd => [...gd.querySelectorAll('.main-svg')].reduce((n, svg) => n + svg.querySelectorAll('*').length, 0);
  return {
    charts: charts.length,
    traces: charts.reduce((n, gd) => n + gd._fullData.length, 0),
    frames: charts.reduce((n, gd) => n + frames(gd), 0),
    svg: charts.reduce((n, gd) => n + nodes(gd), 0),
  };
}"""
# Every websocket message's arrival time, so "settled" can be read off the last message of a rerun
# (the script-state attribute may never show "running" for a rerun faster than one React commit).
RECORD_MESSAGES = """(() => {
  const Native = window.WebSocket;
  window.__messages = [];
  window.WebSocket = function (...args) {
    const socket = new Native(...args);
    socket.addEventListener('message', () => window.__messages.push(performance.now()));
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();"""
CLICK = """(selector) => { window.__t0 = performance.now(); document.querySelector(selector).click(); }"""
# Settled: a message came after the click, none for 500 ms since, and the script is not running.
SETTLED = """() => {
  const last = window.__messages[window.__messages.length - 1];
  const state = document.querySelector('[data-testid="stApp"]').getAttribute('data-test-script-state');
  return last > window.__t0 && performance.now() - last > 500 && state === 'notRunning';
}"""
# Remember the chart's _fullData, then time from the next keydown or click to a new, drawn _fullData.
ARM_REDRAW = """(chart) => {
  window.__before = document.querySelector(chart)._fullData;
  window.__t0 = null;
  window.__t1 = null;
  const start = () => { if (window.__t0 === null) window.__t0 = performance.now(); };
  document.addEventListener('keydown', start, {capture: true, once: true});
  document.addEventListener('click', start, {capture: true, once: true});
}"""
REDRAWN = """(chart) => {
  const gd = document.querySelector(chart);
  if (gd && gd._fullData && gd._fullData !== window.__before && gd.querySelector('.main-svg')) {
    window.__t1 = performance.now();
    return true;
  }
  return false;
}"""
ARM_ANIMATION = """([chart, button, frames]) => {
  const gd = document.querySelector(chart);
  window.__anim = {configured: gd.layout.updatemenus[0].buttons[button].args[1].frame.duration, times: [], done: false};
  gd.on('plotly_animatingframe', () => {
    window.__anim.times.push(performance.now());
    if (window.__anim.times.length > frames) window.__anim.done = true;
  });
  gd.on('plotly_animated', () => { window.__anim.done = true; });
}"""


@dataclass
class Target:
    """One page to measure: its name, the server it lives on and its URL path."""

    name: str
    url: str
    charts: int = 0
    open_s: list[float] = field(default_factory=list)
    reload_s: list[float] = field(default_factory=list)
    http_bytes: list[int] = field(default_factory=list)
    ws_bytes: list[int] = field(default_factory=list)
    reference: bool = False  # shown with its ratios, not held to the budgets
    counts: dict = field(default_factory=lambda: {"charts": 0, "traces": 0, "frames": 0, "svg": 0})


def discover_pages() -> list[tuple[str, str]]:
    """(name, URL path) of app.py and every script in pages/, as Streamlit names them."""
    pages = [(PLAYGROUND, "")]
    for script in sorted((ROOT / "pages").glob("*.py")):
        name = script.stem.split("_", 1)[1] if script.stem.split("_", 1)[0].isdigit() else script.stem
        pages.append((name, name))
    return pages


def free_port() -> int:
    """A free loopback port in 8600-8999 (the range this machine's engineers share), chosen at random."""
    for port in random.sample(range(8600, 9000), 400):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8600-8999")


def start_server(script: Path, port: int) -> subprocess.Popen:
    """``streamlit run script`` headless on ``port``; returns once its health check answers."""
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
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
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"{script.name} did not start on port {port}")


class Traffic:
    """Bytes a page receives: HTTP bodies as sent (encoded) and websocket frames, from a CDP session."""

    def __init__(self, context, page):
        self.http = 0
        self.websocket = 0
        session = context.new_cdp_session(page)
        session.on("Network.loadingFinished", self._http)
        session.on("Network.webSocketFrameReceived", self._frame)
        session.send("Network.enable")
        self.session = session

    def _http(self, event: dict) -> None:
        self.http += int(event.get("encodedDataLength", 0))

    def _frame(self, event: dict) -> None:
        response = event["response"]
        payload = response.get("payloadData", "")
        self.websocket += len(base64.b64decode(payload)) if response.get("opcode") == 2 else len(payload.encode())


def wait_drawn(page, expected: int) -> float:
    """Seconds until every chart is drawn (the caller starts the clock)."""
    page.wait_for_function(DRAWN, arg=expected, polling=50, timeout=TIMEOUT_MS)
    return time.perf_counter()


def measure_open(browser, target: Target) -> None:
    """Open ``target`` in a new browser context (nothing cached), then reload it (JavaScript cached)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        traffic = Traffic(context, page)
        start = time.perf_counter()
        page.goto(target.url, wait_until="commit", timeout=TIMEOUT_MS)
        target.open_s.append(wait_drawn(page, target.charts) - start)
        page.wait_for_timeout(300)  # late frames of the first load belong to it
        target.http_bytes.append(traffic.http)
        target.ws_bytes.append(traffic.websocket)
        target.counts = page.evaluate(COUNTS)
        start = time.perf_counter()
        page.reload(wait_until="commit", timeout=TIMEOUT_MS)
        target.reload_s.append(wait_drawn(page, target.charts) - start)
    finally:
        context.close()


def warm_up(browser, target: Target) -> None:
    """One untimed load: fills the server's caches and learns how many charts the page draws."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(target.url, wait_until="commit", timeout=TIMEOUT_MS)
        wait_drawn(page, 0)
        page.wait_for_timeout(500)
        wait_drawn(page, 0)
        target.charts = page.evaluate(COUNTS)["charts"]
    finally:
        context.close()


def opened(browser, url: str, charts: int):
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(RECORD_MESSAGES)
    page = context.new_page()
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    wait_drawn(page, charts)
    return context, page


def js_click(page, selector: str) -> None:
    page.evaluate("(selector) => document.querySelector(selector).click()", selector)


def timed_redraw(page, chart: str, action) -> float:
    """Seconds from the click or key press ``action`` does until ``chart`` is redrawn; then let the app settle."""
    page.evaluate(ARM_REDRAW, chart)
    action()
    page.wait_for_function(REDRAWN, arg=chart, polling="raf", timeout=TIMEOUT_MS)
    seconds = page.evaluate("() => (window.__t1 - window.__t0) / 1000")
    wait_drawn(page, 1)
    return seconds


def measure_clicks(browser, base: str, floor_url: str, clicks: int, playground: bool, step: bool) -> dict:
    """Floor button until settled, step-through E/M until redrawn, Playground N slider until redrawn, interleaved."""
    found = {"floor": [], "floor_redraw": [], "step": [], "slider": []}
    contexts = []
    try:
        floor_context, floor_page = opened(browser, floor_url, 1)
        redraw_context, redraw_page = opened(browser, floor_url + "?redraw=1", 1)
        contexts += [floor_context, redraw_context]
        if step:
            step_context, step_page = opened(browser, f"{base}/{STEP_PAGE}", 1)
            contexts.append(step_context)
        if playground:
            play_context, play_page = opened(browser, base + "/", 1)
            contexts.append(play_context)
            slider = play_page.locator('.st-key-n input[type="range"]').first
        for index in range(clicks):
            floor_page.evaluate(CLICK, ".st-key-floor_button button")
            floor_page.wait_for_function(SETTLED, polling=50, timeout=TIMEOUT_MS)
            found["floor"].append(floor_page.evaluate("() => (window.__messages.at(-1) - window.__t0) / 1000"))
            found["floor_redraw"].append(
                timed_redraw(redraw_page, FLOOR_CHART, lambda: js_click(redraw_page, ".st-key-floor_button button"))
            )
            if step:
                key = ("e_step", "m_step")[index % 2]
                button = f".st-key-{key} button"
                found["step"].append(
                    timed_redraw(
                        step_page,
                        STEP_CHART,
                        lambda b=button: step_page.evaluate(f"() => document.querySelector('{b}').click()"),
                    )
                )
            if playground:
                slider.focus()
                arrow = ("ArrowRight", "ArrowLeft")[index % 2]
                found["slider"].append(timed_redraw(play_page, PLAY_CHART, lambda a=arrow: play_page.keyboard.press(a)))
    finally:
        for context in contexts:
            context.close()
    return found


def measure_animation(browser, url: str, button: int, frames: int) -> dict:
    """Achieved intervals between animation frames after pressing play button ``button`` (0 Play, 1 Slow)."""
    context, page = opened(browser, url, 1)
    try:
        page.wait_for_timeout(500)
        page.evaluate(ARM_ANIMATION, [PLAY_CHART, button, frames])
        page.locator(f"{PLAY_CHART} .updatemenu-button").nth(button).click()
        page.wait_for_function("() => window.__anim.done", polling=100, timeout=TIMEOUT_MS)
        found = page.evaluate("() => window.__anim")
    finally:
        context.close()
    times = found["times"]
    intervals = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    return {"configured": found["configured"], "intervals": intervals}


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def p95(values) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))] if ordered else float("nan")


class Report:
    """Rows of the table and the budgets missed."""

    def __init__(self):
        self.rows: list[str] = []
        self.missed: list[str] = []

    def flush(self) -> None:
        """Print the rows so far (a long run shows its tables as they are done)."""
        print("\n".join(self.rows), flush=True)
        self.rows = []

    def check(self, what: str, ratio: float, budget_name: str) -> str:
        budget = BUDGETS[budget_name]
        if not ratio <= budget:
            self.missed.append(f"{what}: {ratio:.2f}x > {budget}x")
            return f"{ratio:.2f}!"
        return f"{ratio:.2f}"


def page_table(report: Report, floor: Target, targets: list[Target]) -> None:
    header = (
        f"{'page':<24}{'charts':>7}{'traces':>8}{'frames':>8}{'SVG nodes':>11}{'open s':>8}{'x':>7}"
        f"{'reload s':>10}{'x':>7}{'HTTP MB':>9}{'x':>7}{'WS KB':>9}"
    )
    report.rows += [header, "-" * len(header)]
    floor_open, floor_reload, floor_bytes = median(floor.open_s), median(floor.reload_s), median(floor.http_bytes)
    for target in [floor, *targets]:
        is_floor = target is floor
        opening, reloading, http = median(target.open_s), median(target.reload_s), median(target.http_bytes)
        found = {"open": opening / floor_open, "reload": reloading / floor_reload, "bytes": http / floor_bytes}
        if is_floor:
            ratios = ("", "", "")
        elif target.reference:
            ratios = tuple(f"{ratio:.2f}" for ratio in found.values())
        else:
            ratios = tuple(report.check(f"{target.name} {what}", ratio, what) for what, ratio in found.items())
        counts = target.counts
        report.rows.append(
            f"{target.name:<24}{counts['charts']:>7}{counts['traces']:>8}{counts['frames']:>8}{counts['svg']:>11}"
            f"{opening:>8.2f}{ratios[0]:>7}{reloading:>10.2f}{ratios[1]:>7}{http / 1e6:>9.2f}{ratios[2]:>7}"
            f"{median(target.ws_bytes) / 1e3:>9.1f}"
        )


def click_table(report: Report, clicks: dict) -> None:
    floor = median(clicks["floor"])
    report.rows += ["", f"{'click until redrawn':<40}{'median s':>10}{'max s':>8}{'x floor':>9}"]
    report.rows.append(f"{'floor app: button until settled':<40}{floor:>10.3f}{max(clicks['floor']):>8.3f}")
    for key, label, budget in (
        ("floor_redraw", "floor app: button redraws chart (ref.)", None),
        ("step", "Step through: e_step / m_step", "click"),
        ("slider", "Playground: N slider", None),
    ):
        values = clicks[key]
        if not values:
            continue
        ratio = median(values) / floor
        shown = report.check(label, ratio, budget) if budget else f"{ratio:.2f}"
        report.rows.append(f"{label:<40}{median(values):>10.3f}{max(values):>8.3f}{shown:>9}")


def animation_table(report: Report, animations: dict) -> None:
    report.rows += [
        "",
        f"{'Play: frame interval':<40}{'config ms':>10}{'median ms':>10}{'x':>7}{'p95 ms':>9}{'x':>7}{'n':>4}",
    ]
    for label, found in animations.items():
        configured, intervals = found["configured"], found["intervals"]
        middle, high = median(intervals), p95(intervals)
        report.rows.append(
            f"{label:<40}{configured:>10}{middle:>10.0f}"
            f"{report.check(label + ' median', middle / configured, 'frame_median'):>7}"
            f"{high:>9.0f}{report.check(label + ' p95', high / configured, 'frame_p95'):>7}{len(intervals):>4}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="", help="comma-separated parts of page names to measure (default: all)")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved loads of every page (default 3)")
    parser.add_argument("--clicks", type=int, default=8, help="clicks per click measurement (default 8)")
    parser.add_argument("--frames", type=int, default=16, help="Play frames recorded per animation (Slow: half)")
    parser.add_argument("--skip-pages", action="store_true", help="only clicks and Play, no page loads")
    args = parser.parse_args()
    wanted = [part for part in args.pages.split(",") if part]
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    app_port, floor_port = free_port(), free_port()
    servers = [start_server(ROOT / "app.py", app_port), start_server(FLOOR_APP, floor_port)]
    base, floor_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{floor_port}/"
    pages = [(name, path) for name, path in discover_pages() if not wanted or any(w in name for w in wanted)]
    report = Report()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            floor = Target("floor app", floor_url)
            targets = [Target(name, f"{base}/{path}") for name, path in pages]
            targets.append(Target("floor + sidebar (ref.)", floor_url + "?sidebar=1", reference=True))
            for target in [floor, *targets]:
                warm_up(browser, target)
            for _ in range(0 if args.skip_pages else args.repeats):
                for target in targets:
                    measure_open(browser, floor)
                    try:
                        measure_open(browser, target)
                    except PlaywrightTimeout:
                        report.missed.append(f"{target.name}: not drawn within {TIMEOUT_MS / 1000:.0f} s")
            if not args.skip_pages:
                page_table(report, floor, targets)
                report.flush()
            names = [name for name, _ in pages]
            if STEP_PAGE in names or PLAYGROUND in names:
                try:
                    clicks = measure_clicks(
                        browser, base, floor_url, args.clicks, playground=PLAYGROUND in names, step=STEP_PAGE in names
                    )
                    click_table(report, clicks)
                except PlaywrightTimeout as error:
                    report.missed.append(f"clicks: {str(error).splitlines()[0]}")
                report.flush()
            if PLAYGROUND in names:
                animations = {}
                for query, label in (("", "default"), (LARGE_ANIMATION, "N=2000, K=5")):
                    for button, speed, frames in ((0, "Play", args.frames), (1, "Slow", max(4, args.frames // 2))):
                        url = f"{base}/?{query}" if query else f"{base}/"
                        try:
                            animations[f"{speed}, {label}"] = measure_animation(browser, url, button, frames)
                        except PlaywrightTimeout as error:
                            report.missed.append(f"{speed}, {label}: {str(error).splitlines()[0]}")
                animation_table(report, animations)
                report.flush()
            browser.close()
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    report.flush()
    print()
    if report.missed:
        print("Budgets missed:\n  " + "\n  ".join(report.missed))
        return 1
    print("Every budget met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
