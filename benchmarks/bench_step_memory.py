"""Benchmark: memory of one student's step-through walk in the worst case the sidebar allows.

N = 5,000 samples, K = 10 components, D = 6 features, full covariances, 300 iterations (tol = 0,
max_iter = 300): every half-step of the longest walk a student can make. Measured two ways, in
one process:

- "every state": the walk as it was before issue 13, a tuple of ``em_steps`` states, each E and M
  state holding the (N, K) responsibilities of its E-step (what ``run_em`` returns);
- "parameters only": ``emlab.step_through.walk.Walk`` today, which keeps each half-step's
  parameters and numbers and recomputes responsibilities from them when a state is looked at
  (keeping the last two).

Each is measured as pickled bytes (what a session store would hold) and as memory retained after
building it (``tracemalloc``). The walk's own data (``PreparedData``: the data and its quadratic
features, shared with nothing else) is counted with it. Target: at most 10 MB per session.
Also prints how long recomputing one state's responsibilities takes (what a click pays now).

Run by hand from the project root; exits non-zero when the target is missed:

    python benchmarks/bench_step_memory.py
    python benchmarks/bench_step_memory.py --n 5000 --k 10 --d 6 --iterations 300
"""

from __future__ import annotations

import argparse
import gc
import pickle
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from emlab.step_through import walk as stepper  # noqa: E402
from gmm_core import PreparedData, initialize, run_em, sample_mixture  # noqa: E402

TARGET_BYTES = 10 * 2**20
MB = 2**20


def retained(build):
    """What ``build()`` returns, and the bytes still allocated once it returned (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    result = build()
    gc.collect()
    after, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, after - before, peak - before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--d", type=int, default=6)
    parser.add_argument("--iterations", type=int, default=300)
    args = parser.parse_args()

    X = sample_mixture(args.n, min(args.k, 8), args.d, random_state=0).X
    data = PreparedData(X)
    params = initialize(data, args.k, "random_from_data", covariance_type="full", random_state=1)
    settings = {"tol": 0.0, "max_iter": args.iterations}

    history, history_kept, history_peak = retained(lambda: tuple(run_em(data, params, **settings)))
    history_bytes = len(pickle.dumps(history, protocol=pickle.HIGHEST_PROTOCOL))
    del history
    gc.collect()

    def build_walk():
        fresh = PreparedData(X)  # counted with the walk: it is this session's own
        start = stepper.start_walk(fresh, params, reg_covar=1e-6, **settings)
        return stepper.run_to_convergence(start)

    walk, walk_kept, walk_peak = retained(build_walk)
    walk_bytes = len(pickle.dumps(walk, protocol=pickle.HIGHEST_PROTOCOL))
    steps_bytes = len(pickle.dumps(walk.steps, protocol=pickle.HIGHEST_PROTOCOL))
    data_bytes = len(pickle.dumps(walk.data, protocol=pickle.HIGHEST_PROTOCOL))

    walk.recent._arrays.clear()
    start = time.perf_counter()
    walk.state(walk.cursor - 1)  # an E state nobody looked at: one e_step
    recompute = time.perf_counter() - start

    print(f"worst-case walk: N = {args.n}, K = {args.k}, D = {args.d}, full, {args.iterations} iterations")
    print(f"half-steps: {len(walk.steps)}")
    print(f"{'':<34}{'pickled MB':>12}{'retained MB':>13}{'peak MB':>10}")
    for label, pickled, kept, peak in (
        ("every state (before issue 13)", history_bytes, history_kept, history_peak),
        ("parameters only (now), with data", walk_bytes, walk_kept, walk_peak),
    ):
        print(f"{label:<34}{pickled / MB:>12.2f}{kept / MB:>13.2f}{peak / MB:>10.1f}")
    print(f"{'  of which the half-steps':<34}{steps_bytes / MB:>12.2f}")
    print(f"{'  of which the prepared data':<34}{data_bytes / MB:>12.2f}")
    print(f"ratio before/now (pickled): {history_bytes / walk_bytes:.0f}x")
    print(f"recomputing one state's responsibilities: {recompute * 1e3:.1f} ms")
    worst = max(walk_bytes, walk_kept)
    print(f"target: at most {TARGET_BYTES / MB:.0f} MB per session: {'met' if worst <= TARGET_BYTES else 'missed'}")
    return 0 if worst <= TARGET_BYTES else 1


if __name__ == "__main__":
    raise SystemExit(main())
