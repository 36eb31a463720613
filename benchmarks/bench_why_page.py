"""Benchmark: the "Why EM works" page at N = 2,000: warm rerun, reruns after each control, chart sizes.

Target: a warm rerun (nothing changed, everything cached) under 0.3 s (median, AppTest, as the
server runs the script). Also printed: the reruns that compute something new (another iteration,
another learning rate, another start) and each chart's JSON size and trace count, the numbers that
decide how fast a browser draws it.

Run by hand from the project root; it exits non-zero if the warm rerun misses the target:

    python benchmarks/bench_why_page.py
    python benchmarks/bench_why_page.py --repeats 20 --n 2000
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

PAGE = str(ROOT / "pages" / "6_Why_EM_works.py")
TARGET_SECONDS = 0.3
CHARTS = ("why_slice", "why_decomposition", "why_landscape")


def timed_run(at: AppTest) -> float:
    begin = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - begin
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()

    at = AppTest.from_file(PAGE, default_timeout=300)
    at.query_params["n"] = str(args.n)
    cold = timed_run(at)
    warm = [timed_run(at) for _ in range(args.repeats)]
    n_iterations = int(at.slider(key="why_iteration").max)
    changes = {}
    for label, change in (
        ("another iteration", lambda value: at.slider(key="why_iteration").set_value(1 + value % n_iterations)),
        ("another learning rate", lambda value: at.select_slider(key="why_learning_rate").set_value(
            (1e-3, 1e-2, 0.5, 1.0, 2.0, 3.0, 5.0)[value % 7])),
        ("another start", lambda value: at.number_input(key="why_mu1").set_value(round(-5.0 + 0.7 * value, 1))),
    ):  # fmt: skip
        times = []
        for value in range(min(args.repeats, 7)):
            change(value)
            times.append(timed_run(at))
        changes[label] = times

    print(f"Why EM works page, N={args.n}, {n_iterations} iterations, {args.repeats} warm reruns")
    print(f"  first run (cold caches, imports):   {cold:7.2f} s")
    print(f"  warm rerun: median {statistics.median(warm) * 1e3:6.0f} ms, min {min(warm) * 1e3:6.0f} ms")
    for label, times in changes.items():
        print(f"  {label:22s} median {statistics.median(times) * 1e3:6.0f} ms, max {max(times) * 1e3:6.0f} ms")
    for chart in at.get("plotly_chart"):
        key = next((k for k in CHARTS if k in chart.proto.id), "?")
        spec = json.loads(chart.proto.spec)
        print(f"  chart {key:18s} {len(chart.proto.spec) / 1024:7.1f} kB JSON, {len(spec['data'])} traces")
    ok = statistics.median(warm) < TARGET_SECONDS
    print(f"target {TARGET_SECONDS * 1e3:.0f} ms warm rerun: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
