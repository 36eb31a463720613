"""Measure candidate default starts against the criteria of "a start a student can read".

For each candidate (an initialisation method, drawn from its first M-step on as the app does by
default, ``ModelSettings.after_first_m_step``, or from the method's start itself: "from the start")
and each model seed, at the sidebar's default data (2-D) and the same with one feature (1-D), the
first frame and the curve exactly as the app builds them (``fit_history``):

* ellipses: the smallest 95% ellipse half-axis of any component in the first frame, as a fraction
  of the chart's larger data span (a few thousandths is a dot; 0.01 is about five pixels);
* density: in 1-D, the highest point of the first frame's mixture density over the highest bar of
  the histogram (the app's shared bins);
* on scale: whether every log-likelihood of the fit is on the curve's scale (the app's rule,
  ``first_value_off_scale``);
* iterations: how many the student gets to watch at the default (2-D) data (1-D fits are shorter;
  their count is printed beside it).

Run by hand from the project root (a few seconds per candidate):

    python benchmarks/measure_default_start.py --seeds 10
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy.stats import chi2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from emlab.shared.figures import first_value_off_scale, histogram_edges  # noqa: E402
from emlab.shared.pipeline import fit_history, load_data  # noqa: E402
from emlab.shared.settings import DataSettings, ModelSettings  # noqa: E402

# (label, init, after_first_m_step); the first is the app's default (ModelSettings()).
CANDIDATES = (
    ("random_from_data (default)", "random_from_data", True),
    ("random_from_data from start", "random_from_data", False),
    ("k-means++", "k-means++", True),
    ("k-means++ from start", "k-means++", False),
    ("random", "random", True),
    ("kmeans", "kmeans", True),
)
VISIBLE = 0.01  # smallest ellipse half-axis, as a fraction of the data span, that reads as an ellipse
DENSITY_LIMIT = 3.0  # "within a few times the histogram's height"
MIN_ITERATIONS = 10


def first_frame(history):
    """(params in the first frame, log-likelihoods on the curve, iterations to watch)."""
    values = [state.log_likelihood for state in history if state.phase == "E"]
    return history[0].params, values, len(values)


def smallest_half_axis(params, X) -> float:
    span = float(np.ptp(X, axis=0).max())
    covariances = params.full_covariances()[:, :2, :2]
    smallest = np.linalg.eigvalsh(covariances)[:, 0]
    return float(np.sqrt(chi2.ppf(0.95, df=2) * smallest.min()) / span)


def density_ratio(params, X) -> float:
    x = X[:, 0]
    grid = np.unique(np.concatenate([np.linspace(x.min(), x.max(), 4000), params.means[:, 0]]))
    variances = params.full_covariances()[:, 0, 0]
    density = (
        params.weights[:, None]
        * np.exp(-0.5 * (grid[None] - params.means[:, :1]) ** 2 / variances[:, None])
        / np.sqrt(2 * np.pi * variances[:, None])
    ).sum(axis=0)
    heights, _ = np.histogram(x, bins=histogram_edges(x), density=True)
    return float(density.max() / heights.max())


def measure(init: str, after_first_m_step: bool, seed: int, data_2d, data_1d) -> dict:
    model = replace(ModelSettings(), init=init, model_seed=seed, after_first_m_step=after_first_m_step)
    params_2d, values_2d, iterations_2d = first_frame(fit_history(data_2d, model))
    params_1d, values_1d, iterations_1d = first_frame(fit_history(data_1d, model))
    return {
        "ellipse": smallest_half_axis(params_2d, data_2d.X),
        "density": density_ratio(params_1d, data_1d.X),
        "on_scale": not first_value_off_scale(values_2d) and not first_value_off_scale(values_1d),
        "iterations": iterations_2d,
        "iterations_1d": iterations_1d,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    data_2d = load_data(DataSettings())
    data_1d = load_data(replace(DataSettings(), d=1))
    default = ModelSettings()
    default_seed = default.model_seed
    assert CANDIDATES[0][1:] == (default.init, default.after_first_m_step), "the first candidate is the default"
    print(f"default data (N={data_2d.n_samples}, 2-D and 1-D), seeds 0..{args.seeds - 1}; * = the default seed")
    print(f"{'candidate':28s} {'seed':>5s} {'ellipse':>8s} {'density':>8s} {'scale':>6s} {'iterations 2-D/1-D':>19s}")
    for label, init, after_first_m_step in CANDIDATES:
        rows = [measure(init, after_first_m_step, seed, data_2d, data_1d) for seed in range(args.seeds)]
        at_seed = measure(init, after_first_m_step, default_seed, data_2d, data_1d)
        print(
            f"{label:28s} {default_seed:>4d}* {at_seed['ellipse']:8.4f} {at_seed['density']:8.1f}"
            f" {at_seed['on_scale']!s:>6s} {at_seed['iterations']:>10d}/{at_seed['iterations_1d']:<8d}"
        )
        passed = [
            row["ellipse"] >= VISIBLE
            and row["density"] <= DENSITY_LIMIT
            and row["on_scale"]
            and row["iterations"] >= MIN_ITERATIONS
            for row in rows
        ]
        iterations = [row["iterations"] for row in rows]
        print(
            f"{'':28s} all seeds: ellipse min {min(r['ellipse'] for r in rows):.4f},"
            f" density max {max(r['density'] for r in rows):.1f},"
            f" on scale {sum(r['on_scale'] for r in rows)}/{len(rows)},"
            f" iterations median {int(np.median(iterations))} (min {min(iterations)}),"
            f" every criterion {sum(passed)}/{len(rows)} seeds: {[s for s, ok in enumerate(passed) if ok]}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
