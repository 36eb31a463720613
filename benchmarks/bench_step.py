"""Benchmark: the step-through page's rerun time per button, warm, at N = 1,000 and K = 4 (AppTest).

Target (issue 4): every step button's rerun under 0.15 s warm. Also counts the core calls each
click makes, to show that nothing recomputes EM from the start (an E-step click runs one e_step,
an M-step click one m_step; Back and Reset run no m_step, and at most one e_step for the
responsibilities on screen, which a walk recomputes instead of keeping: see bench_step_memory.py).

Run by hand from the project root; it prints a table and exits non-zero if a median misses the target:

    python benchmarks/bench_step.py
    python benchmarks/bench_step.py --repeats 20 --n 1000 --k 4
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

import gmm_core.em  # noqa: E402
from emlab.step_through import walk as stepper  # noqa: E402
from emlab.step_through.keys import KEYS  # noqa: E402

TARGET_SECONDS = 0.15
# Each round ends where it started in phase (after an M-step), so rounds repeat the same work.
ROUND = ("e_step", "m_step", "em_iteration", "step_back", "step_back", "em_iteration")


def counting_core_calls() -> Counter:
    """Wrap the e_step/m_step a walk runs (gmm_core.next_state, its own recomputing) to count each click's work."""
    calls: Counter = Counter()
    for module, name in ((gmm_core.em, "e_step"), (gmm_core.em, "m_step"), (stepper, "e_step")):
        original = getattr(module, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        setattr(module, name, counted)
    return calls


def open_page(n: int, k: int) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"n": str(n), "k": str(k), "tol": "0.0", "max_iter": "300"})
    at.switch_page("pages/1_Step_through.py")
    at.run()
    if at.exception:
        raise SystemExit(f"The page failed: {at.exception[0].value}")
    return at


def click(at: AppTest, key: str) -> float:
    start = time.perf_counter()
    at.button(key=key).click().run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"{key} failed: {at.exception[0].value}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--k", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=10, help="rounds of E, M, iteration, back, back, iteration")
    args = parser.parse_args()

    calls = counting_core_calls()
    at = open_page(args.n, args.k)
    for key in ROUND:  # warm up: caches, imports, the first plotly figure
        click(at, key)
    times: dict[str, list[float]] = {key: [] for key in dict.fromkeys(ROUND)}
    core: dict[str, Counter] = {key: Counter() for key in times}
    for _ in range(args.repeats):
        for key in ROUND:
            before = Counter(calls)
            times[key].append(click(at, key))
            core[key] += Counter(calls) - before
    times["reset"] = [click(at, "reset") for _ in range(3)]
    core["reset"] = Counter()

    walk = at.session_state[KEYS.session].walk
    print(f"N = {args.n}, K = {args.k}, {walk.cursor} half-steps on screen, {len(walk.steps)} computed")
    print(f"{'button':<20}{'median s':>10}{'max s':>10}  core calls per click")
    failed = False
    for key, values in times.items():
        median = statistics.median(values)
        per_click = {name: count / len(values) for name, count in core[key].items()}
        failed |= median >= TARGET_SECONDS
        print(f"{key:<20}{median:>10.3f}{max(values):>10.3f}  {per_click or 'none'}")
    start = time.perf_counter()
    at.button(key="run_to_convergence").click().run()
    elapsed = time.perf_counter() - start
    last = at.session_state[KEYS.session].walk.current.iteration
    print(f"{'run_to_convergence':<20}{elapsed:>10.3f}  (tol=0: on to iteration {last}; no target)")
    print("core calls are averages: a step forward over states already computed (after Back) computes nothing")
    print(f"target: median < {TARGET_SECONDS} s per step button: {'missed' if failed else 'met'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
