"""Benchmark: bound_along for 200 values of s at N = 2,000, K = 3, D = 2 ("why EM works" page).

Target: under 0.05 s (median), with BLAS on one thread, as the app runs it (``emlab`` pins every
thread pool to one thread at import). The unpinned time is printed as well: on a busy two-core
machine OpenBLAS's worker threads can make the same call several times slower.

Run by hand from the project root; it prints the times and exits non-zero if the median misses the target:

    python benchmarks/bench_bound.py
    python benchmarks/bench_bound.py --repeats 50 --n 2000 --k 3 --points 200
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gmm_core import bound_along, e_step, initialize, m_step, prepare  # noqa: E402

TARGET_SECONDS = 0.05


def timings(X, start, end, responsibilities, s, repeats: int) -> list[float]:
    bound_along(X, start, end, responsibilities, s)  # warm up
    times = []
    for _ in range(repeats):
        begin = time.perf_counter()
        bound_along(X, start, end, responsibilities, s)
        times.append(time.perf_counter() - begin)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--points", type=int, default=200)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    centres = rng.normal(scale=3.0, size=(args.k, 2))
    X = np.concatenate([rng.normal(c, 0.7, size=(args.n // args.k + 1, 2)) for c in centres])[: args.n]
    X = prepare(X)
    start = initialize(X, args.k, "random", covariance_type="full", random_state=0)
    _, responsibilities = e_step(X, start)
    end = m_step(X, responsibilities, covariance_type="full")
    s = np.linspace(-1.0, 2.0, args.points)

    with threadpool_limits(limits=1):
        pinned = timings(X, start, end, responsibilities, s, args.repeats)
    free = timings(X, start, end, responsibilities, s, args.repeats)
    print(f"bound_along: {args.points} values of s, N={args.n}, K={args.k}, D=2, {args.repeats} repeats")
    print(
        f"  one BLAS thread (as the app): median {statistics.median(pinned) * 1e3:6.1f} ms,"
        f" min {min(pinned) * 1e3:6.1f} ms"
    )
    print(
        f"  default BLAS threads:         median {statistics.median(free) * 1e3:6.1f} ms, min {min(free) * 1e3:6.1f} ms"
    )
    ok = statistics.median(pinned) < TARGET_SECONDS
    print(f"target {TARGET_SECONDS * 1e3:.0f} ms: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
