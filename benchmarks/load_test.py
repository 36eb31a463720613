"""Load test: N concurrent browser sessions against one local server.

Each simulated student opens the playground, changes the number of components, opens the
step-through page and steps five times. We record the time of every interaction (action until
the app has settled again) and the server's resident memory, for N = 5, 10, 20 by default.

Run by hand (it starts its own server on a free loopback port):

    python benchmarks/load_test.py            # N = 5, 10, 20
    python benchmarks/load_test.py --sessions 5 --rounds 1

Only loopback traffic; every loop is bounded. The browser runs on the same 2-core machine as
the server, so the numbers are pessimistic for a real deployment (there the browsers are the
students' own machines).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM_ARGS, chromium_path, free_port, start_server, stop_server  # noqa: E402
from tests.e2e.helpers import SETTLED  # noqa: E402

STEP_BUTTONS = ("e_step", "m_step", "e_step", "m_step", "e_step")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far, in seconds (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def resident_mib(pid: int) -> float:
    """Resident memory of a process in MiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class MemorySampler(threading.Thread):
    """Samples a process's resident memory every ``interval`` seconds, keeping the peak."""

    def __init__(self, pid: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak, self._halt = pid, interval, 0.0, threading.Event()

    def run(self):
        while not self._halt.is_set():
            self.peak = max(self.peak, resident_mib(self.pid))
            time.sleep(self.interval)

    def stop(self) -> float:
        self._halt.set()
        self.join()
        return self.peak


async def settle(page, timeout_ms: int = 120_000) -> None:
    await page.wait_for_timeout(150)
    await page.wait_for_selector(SETTLED, timeout=timeout_ms)


async def timed(times: dict, name: str, action) -> None:
    start = time.perf_counter()
    await action()
    times.setdefault(name, []).append(time.perf_counter() - start)


async def student(browser, base_url: str, index: int, times: dict) -> None:
    """One student's session: open, change a slider, step five times."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    try:

        async def open_playground():
            await page.goto(f"{base_url}/?data_seed={index}", wait_until="domcontentloaded")
            await settle(page)
            await page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)

        await timed(times, "open playground", open_playground)

        async def change_k():
            thumb = page.locator(".st-key-k input[type=range]")
            await thumb.focus()
            await thumb.press("ArrowRight")
            await settle(page)

        await timed(times, "change slider", change_k)

        async def open_step_page():
            await page.goto(f"{base_url}/Step_through?data_seed={index}", wait_until="domcontentloaded")
            await settle(page)

        await timed(times, "open step-through", open_step_page)
        for key in STEP_BUTTONS:

            async def press(key=key):
                await page.locator(f".st-key-{key} button").first.click()
                await settle(page)

            await timed(times, "step", press)
    finally:
        await context.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def run_load(base_url: str, sessions: int) -> dict:
    from playwright.async_api import async_playwright

    times: dict[str, list[float]] = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            results = await asyncio.gather(
                *(student(browser, base_url, i, times) for i in range(sessions)), return_exceptions=True
            )
        finally:
            await browser.close()
    failures = [r for r in results if isinstance(r, Exception)]
    return {"times": times, "failures": failures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="*", default=[5, 10, 20])
    args = parser.parse_args()
    port = free_port()
    server = start_server(port)
    base_url = f"http://127.0.0.1:{port}"
    try:
        idle = resident_mib(server.pid)
        print(f"server idle RSS: {idle:.0f} MiB\n")
        print("| sessions | interaction | count | p50 s | p95 s | max s |")
        print("|---:|---|---:|---:|---:|---:|")
        peaks = []
        for sessions in args.sessions:
            sampler = MemorySampler(server.pid)
            sampler.start()
            started, cpu_before = time.perf_counter(), cpu_seconds(server.pid)
            outcome = asyncio.run(run_load(base_url, sessions))
            wall, cpu = time.perf_counter() - started, cpu_seconds(server.pid) - cpu_before
            peak = sampler.stop()
            interactions = sum(len(v) for v in outcome["times"].values())
            peaks.append((sessions, peak, resident_mib(server.pid), wall, len(outcome["failures"]), cpu, interactions))
            for name, values in outcome["times"].items():
                print(
                    f"| {sessions} | {name} | {len(values)} | {statistics.median(values):.2f} | "
                    f"{percentile(values, 0.95):.2f} | {max(values):.2f} |"
                )
            for failure in outcome["failures"][:3]:
                print(f"  failure: {type(failure).__name__}: {str(failure)[:200]}")
        print(
            "\n| sessions | wall s | server CPU s | server CPU per interaction s | peak server RSS MiB "
            "| RSS after MiB | failed sessions |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for sessions, peak, after, wall, failed, cpu, interactions in peaks:
            print(
                f"| {sessions} | {wall:.1f} | {cpu:.1f} | {cpu / max(interactions, 1):.3f} | {peak:.0f} | "
                f"{after:.0f} | {failed} |"
            )
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
