"""Load test through the balancer: the same students as benchmarks/load_test.py, at 1, 2 and 3 replicas.

Each round starts ``deploy/run_local.sh R PORT`` (R replicas behind HAProxy), lets N concurrent
headless-Chromium students do the load test's work through HAProxy (open the playground with their
own data seed, move a slider, open the step-through page, step five times: eight interactions),
and records the replicas' CPU time per interaction, p50/p95 interaction times, peak memory per
replica, and throughput (interactions per second of wall time). The scaling factor is the
throughput at 3 replicas over that at 1.

    python benchmarks/load_test_balancer.py                  # 12 students at 1, 2, 3 replicas
    python benchmarks/load_test_balancer.py --sessions 20 --replicas 1 3
    python benchmarks/load_test_balancer.py --first-open     # bytes on first open, direct vs balancer

The browsers run on the same machine as the replicas: on a 2-core machine every replica beyond
the second competes with the browsers for the same cores, so the scaling factor measured here is
a floor, not what separate machines (students' laptops, one core per replica) would give.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load_test import MemorySampler, cpu_seconds, percentile, resident_mib, run_load  # noqa: E402
from tests.e2e.balancer import Cluster, NetworkLog  # noqa: E402
from tests.e2e.conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402
from tests.e2e.helpers import open_page, wait_for_charts  # noqa: E402

PAGES = [
    ("", 1),
    ("Step_through", 1),
    ("How_the_data_is_made", 1),
    ("How_many_components", 1),
    ("When_EM_goes_wrong", 1),
    ("Your_own_data", 0),
]


def one_round(replicas: int, sessions: int) -> dict:
    cluster = Cluster(replicas, check_inter="2s", check_fall=3, check_rise=2).start()
    try:
        names = sorted(cluster.status())
        pids = {name: cluster.replica_pid(name) for name in names}
        idle = {name: resident_mib(pid) for name, pid in pids.items()}
        samplers = {name: MemorySampler(pid) for name, pid in pids.items()}
        for sampler in samplers.values():
            sampler.start()
        cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        started = time.perf_counter()
        outcome = asyncio.run(run_load(cluster.url, sessions))
        wall = time.perf_counter() - started
        cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
        peaks = {name: sampler.stop() for name, sampler in samplers.items()}
    finally:
        cluster.stop()
    times = [value for values in outcome["times"].values() for value in values]
    return {
        "replicas": replicas,
        "sessions": sessions,
        "wall": wall,
        "interactions": len(times),
        "cpu": cpu,
        "idle": idle,
        "peaks": peaks,
        "times": outcome["times"],
        "all_times": times,
        "failures": outcome["failures"],
    }


def mib(values: dict[str, float]) -> str:
    return ", ".join(f"{value:.0f}" for value in values.values())


def load_table(rounds: list[dict]) -> None:
    print(
        "| replicas | students | interactions | failed | wall s | interactions/s | server CPU s | CPU per "
        "interaction s | p50 s | p95 s | idle RSS per replica MiB | peak RSS per replica MiB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for r in rounds:
        total_cpu = sum(r["cpu"].values())
        values = r["all_times"] or [float("nan")]
        print(
            f"| {r['replicas']} | {r['sessions']} | {r['interactions']} | {len(r['failures'])} | {r['wall']:.0f} | "
            f"{r['interactions'] / r['wall']:.2f} | {total_cpu:.1f} | {total_cpu / max(r['interactions'], 1):.3f} | "
            f"{statistics.median(values):.2f} | {percentile(values, 0.95):.2f} | "
            f"{mib(r['idle'])} | {mib(r['peaks'])} |"
        )
    print("\nPer interaction kind (p50 / p95 s):")
    for r in rounds:
        parts = [f"{name} {statistics.median(v):.2f}/{percentile(v, 0.95):.2f}" for name, v in r["times"].items() if v]
        print(f"- {r['replicas']} replica(s): " + "; ".join(parts))
        print(f"  CPU per replica s: {', '.join(f'{k} {v:.1f}' for k, v in r['cpu'].items())}")
        for failure in r["failures"][:3]:
            print(f"  failure: {type(failure).__name__}: {str(failure)[:200]}")
    if len(rounds) > 1:
        first, last = rounds[0], rounds[-1]
        factor = (last["interactions"] / last["wall"]) / (first["interactions"] / first["wall"])
        print(f"\nThroughput {last['replicas']} vs {first['replicas']} replica(s): x{factor:.2f}")


def first_open_bytes() -> None:
    """Bytes a new student downloads on first opening each page: one replica directly, then through HAProxy."""
    from playwright.sync_api import sync_playwright

    cluster = Cluster(1).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
            print("| page | direct HTTP bytes | through HAProxy HTTP bytes | ratio | websocket bytes |")
            print("|---|---:|---:|---:|---:|")
            for path, charts in PAGES:
                measured = []
                for base in (cluster.replica_url("r1"), cluster.url):
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    network = NetworkLog().attach(context, page)
                    open_page(page, f"{base}/{path}", timeout_ms=180_000)
                    if charts:
                        wait_for_charts(page, charts, timeout_ms=180_000)
                    page.wait_for_timeout(1000)
                    measured.append(network)
                    context.close()
                direct, balanced = measured
                print(
                    f"| {path or 'Playground'} | {direct.http_bytes:,} | {balanced.http_bytes:,} | "
                    f"{balanced.http_bytes / direct.http_bytes:.2f} | {balanced.websocket_bytes:,} |"
                )
            browser.close()
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=12)
    parser.add_argument("--replicas", type=int, nargs="*", default=[1, 2, 3])
    parser.add_argument("--first-open", action="store_true", help="only the bytes-on-first-open table")
    args = parser.parse_args()
    if args.first_open:
        first_open_bytes()
        return
    rounds = []
    for replicas in args.replicas:
        rounds.append(one_round(replicas, args.sessions))
        print(f"done: {replicas} replica(s)", file=sys.stderr)
    load_table(rounds)


if __name__ == "__main__":
    main()
