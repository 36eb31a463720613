"""What the "Why EM works" page computes, from an EM history (pure: numpy and gmm_core only).

Three pictures, three results:

* :func:`iteration_slice`: one iteration t of the student's fit seen along the path of parameters
  from theta_t to theta_{t+1} (``gmm_core.params_along``): the log-likelihood, and the lower bound
  for the E-step's q_t, which touches it at theta_t and peaks at theta_{t+1}.
* :func:`decompose`: every half-step of the fit as log-likelihood = bound + gap.
* :func:`compare_ascents`: EM against gradient ascent on a fixed 1-D data set with only the two
  means free, over the landscape :func:`landscape` of the mean log-likelihood.

All values are means per sample, as everywhere in the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from emlab.shared.figures import first_value_off_scale
from gmm_core import (
    AscentPath,
    BoundPath,
    EMState,
    GMMParams,
    bound_along,
    e_step,
    em_means_path,
    gradient_ascent,
    lower_bound,
    mean_log_likelihood_grid,
    prepare,
    reg_covar_effect,
)

# Positions on the path: 0 is theta_t, 1 is theta_{t+1}; a little either side shows the bound's peak and tangent.
S_VALUES = np.round(np.linspace(-0.5, 1.5, 201), 10)
S_VALUES.setflags(write=False)
# An iteration that raises the log-likelihood by less than this (per sample) has nothing left to show.
NEGLIGIBLE_GAIN = 1e-6


def iteration_pairs(history: list[EMState]) -> list[tuple[EMState, EMState]]:
    """(E state, M state) of every iteration of ``history`` (the starting state left out)."""
    states = history[1:]
    return list(zip(states[::2], states[1::2], strict=False))


def n_iterations(history: list[EMState]) -> int:
    """Iterations with both half-steps in ``history``."""
    return len(iteration_pairs(history))


def start_off_scale(history: list[EMState], iteration: int = 1) -> bool:
    """Whether theta_t's log-likelihood lies far below the rest of the fit (a start from single points).

    The app's one rule for this (:func:`emlab.shared.figures.first_value_off_scale`), applied to the
    log-likelihoods from iteration ``iteration`` on.
    """
    values = [e.log_likelihood for e, _ in iteration_pairs(history)[iteration - 1 :]]
    return first_value_off_scale(values)


def readable_iteration(history: list[EMState]) -> int:
    """The first iteration whose start is on the fit's scale: 1, or 2 after a start from single points."""
    return 2 if n_iterations(history) >= 2 and start_off_scale(history) else 1


# --------------------------------------------------------------------------- 1. one iteration


@dataclass(frozen=True, eq=False)
class IterationSlice:
    """One iteration seen along the path from theta_t (s = 0) to theta_{t+1} (s = 1).

    Attributes
    ----------
    iteration : int
        t, counted from 1.
    path : BoundPath
        Log-likelihood and bound (for q_t, the E-step's posterior at theta_t) at ``S_VALUES``.
    before : float
        Log-likelihood at theta_t.
    bound_before : float
        The bound at theta_t: equal to ``before`` to rounding (the E-step closed the gap).
    bound_after : float
        The bound at theta_{t+1}: its top when reg_covar = 0.
    after : float
        Log-likelihood at theta_{t+1}.
    reg_covar : float
    shortfall : float or None
        How far below the bound's true top the M-step with reg_covar > 0 lands (None for
        reg_covar = 0, or when the exact maximiser does not exist because a component collapses).
    off_scale : bool
        theta_t's log-likelihood lies far below the rest of the fit (drawn off the chart's scale).
    """

    iteration: int
    path: BoundPath
    before: float
    bound_before: float
    bound_after: float
    after: float
    reg_covar: float
    shortfall: float | None
    off_scale: bool

    @property
    def guaranteed_gain(self) -> float:
        """What the M-step is guaranteed: the bound's rise from theta_t to theta_{t+1}."""
        return self.bound_after - self.bound_before

    @property
    def bonus(self) -> float:
        """What it gets on top: the gap that reopens at theta_{t+1}, KL(q_t || p(z | x, theta_{t+1}))."""
        return self.after - self.bound_after

    @property
    def gain(self) -> float:
        """The log-likelihood's rise in this iteration, ``guaranteed_gain + bonus``."""
        return self.after - self.before


def iteration_slice(X, history: list[EMState], iteration: int, reg_covar: float) -> IterationSlice:
    """The bound and the log-likelihood along iteration ``iteration`` of ``history`` (t from 1).

    Raises ValueError when there is no such iteration.
    """
    pairs = iteration_pairs(history)
    if not 1 <= iteration <= len(pairs):
        raise ValueError(f"iteration must be between 1 and {len(pairs)}; got {iteration}.")
    e_state, m_state = pairs[iteration - 1]
    data = prepare(X)
    q = e_state.responsibilities
    path = bound_along(data, e_state.params, m_state.params, q, S_VALUES)
    at_start, at_end = int(np.flatnonzero(S_VALUES == 0.0)[0]), int(np.flatnonzero(S_VALUES == 1.0)[0])
    shortfall = None
    if reg_covar > 0:
        try:
            kind = m_state.params.covariance_type
            shortfall = reg_covar_effect(data, q, covariance_type=kind, reg_covar=reg_covar).shortfall
        except ValueError:  # without the floor a component collapses: the bound has no top to fall short of
            shortfall = None
    return IterationSlice(
        iteration,
        path,
        float(path.log_likelihood[at_start]),
        float(path.lower_bound[at_start]),
        float(path.lower_bound[at_end]),
        float(path.log_likelihood[at_end]),
        float(reg_covar),
        shortfall,
        start_off_scale(history, iteration),
    )


# --------------------------------------------------------------------------- 2. every half-step


@dataclass(frozen=True, eq=False)
class Decomposition:
    """log-likelihood = lower bound + gap at every half-step of a fit.

    Attributes
    ----------
    iterations : ndarray of shape (H,)
        The iteration of each half-step (E and M alternate: E1, M1, E2, M2, ...).
    phases : tuple of {"E", "M"}
    log_likelihood : ndarray of shape (H,)
        Of the parameters in force after the half-step.
    lower_bound : ndarray of shape (H,)
        For the latest E-step's q and those parameters.
    """

    iterations: np.ndarray
    phases: tuple
    log_likelihood: np.ndarray
    lower_bound: np.ndarray

    @property
    def gap(self) -> np.ndarray:
        """KL(q || posterior) at each half-step: zero after an E-step, reopened by an M-step."""
        return np.maximum(self.log_likelihood - self.lower_bound, 0.0)

    @property
    def positions(self) -> np.ndarray:
        """x of each half-step on a chart: E-step t at t, its M-step at t + 0.5."""
        return self.iterations + np.where(np.array(self.phases) == "M", 0.5, 0.0)

    def rises(self) -> np.ndarray:
        """Change of the log-likelihood and of the bound since the previous half-step, shape (2, H) (0 first)."""
        stacked = np.vstack([self.log_likelihood, self.lower_bound])
        return np.hstack([np.zeros((2, 1)), np.diff(stacked, axis=1)])


def decompose(X, history: list[EMState]) -> Decomposition:
    """Log-likelihood and bound after every half-step of ``history`` (the start has no q yet, so it is left out)."""
    data = prepare(X)
    iterations, phases, values, bounds = [], [], [], []
    pairs = iteration_pairs(history)
    for index, (e_state, m_state) in enumerate(pairs):
        q = e_state.responsibilities
        following = pairs[index + 1][0].log_likelihood if index + 1 < len(pairs) else e_step(data, m_state.params)[0]
        iterations += [e_state.iteration, m_state.iteration]
        phases += ["E", "M"]
        values += [e_state.log_likelihood, following]
        bounds += [lower_bound(data, e_state.params, q), lower_bound(data, m_state.params, q)]
    arrays = [np.array(iterations, dtype=int), np.array(values, dtype=float), np.array(bounds, dtype=float)]
    for array in arrays:
        array.setflags(write=False)
    return Decomposition(arrays[0], tuple(phases), arrays[1], arrays[2])


# --------------------------------------------------------------------------- 3. EM against gradient ascent

LANDSCAPE_TRUE_MEANS = (-2.0, 2.0)
LANDSCAPE_SAMPLES_PER_SIDE = 100
LANDSCAPE_SEED = 0
MU_RANGE = (-6.0, 6.0)
# 65 x 65 draws the same contours as 97 x 97 on the chart (screenshots in headless Chromium differ
# by 0.07 grey levels on average) and sends half the bytes; coarser grids bend the inner contours.
GRID_POINTS = 65
LEARNING_RATES = (1e-3, 1e-2, 0.1, 0.5, 1.0, 2.0, 3.0, 5.0)
DEFAULT_LEARNING_RATE = 0.1
DEFAULT_START = (-4.0, -3.0)
GRADIENT_TOL = 1e-3
MAX_STEPS = 500
# Means closer than this have stayed equal (a start on mu1 = mu2 never leaves it); steps shorter
# than VISIBLE_STEP are too small to see on the chart, so their back-and-forth is not an overshoot.
EQUAL_MEANS = 1e-6
VISIBLE_STEP = 1e-2


@lru_cache(maxsize=1)
def landscape_data() -> np.ndarray:
    """The fixed 1-D data set: 100 samples around -2 and 100 around 2, standard deviation 1."""
    rng = np.random.default_rng(LANDSCAPE_SEED)
    X = np.concatenate([rng.normal(mean, 1.0, LANDSCAPE_SAMPLES_PER_SIDE) for mean in LANDSCAPE_TRUE_MEANS])
    X.setflags(write=False)
    return X


def landscape_start(mu1: float, mu2: float) -> GMMParams:
    """The held model: weights 1/2 each, variances 1, and the two free means."""
    return GMMParams([0.5, 0.5], [[mu1], [mu2]], [1.0, 1.0], "spherical")


@lru_cache(maxsize=1)
def landscape() -> tuple[np.ndarray, np.ndarray]:
    """Grid values of mu (shape (M,)) and the mean log-likelihood over (mu1, mu2), shape (M, M), rows along mu2.

    Weights and variances are equal, so the landscape is symmetric about mu1 = mu2: two peaks of
    the same height, the same fit with its labels swapped.
    """
    values = np.linspace(*MU_RANGE, GRID_POINTS)
    grid = mean_log_likelihood_grid(landscape_data(), landscape_start(0.0, 0.0), values, values)
    for array in (values, grid):
        array.setflags(write=False)
    return values, grid


@dataclass(frozen=True, eq=False)
class Comparison:
    """EM's means-only path and gradient ascent's, from the same start, with what happened to each.

    ``em_outcome`` is "peak" or "saddle" (means that start equal stay equal); ``ascent_outcome``
    is "smooth", "overshoots" (converged, but some mean stepped back and forth), "crawls" (no
    convergence in MAX_STEPS steps), "diverges" or "saddle".
    """

    em: AscentPath
    ascent: AscentPath
    learning_rate: float
    em_outcome: str
    ascent_outcome: str


def _ascent_outcome(path: AscentPath) -> str:
    means = path.means[:, :, 0]
    if path.diverged or np.abs(means).max() > 10 * max(abs(v) for v in MU_RANGE):
        return "diverges"
    if path.log_likelihood[-1] < path.log_likelihood[0]:
        return "diverges"
    if not path.converged:
        return "crawls"
    if abs(means[-1, 0] - means[-1, 1]) < EQUAL_MEANS:
        return "saddle"
    steps = np.diff(means, axis=0)
    visible = np.abs(steps) > VISIBLE_STEP
    flips = np.any((steps[1:] * steps[:-1] < 0) & visible[1:] & visible[:-1])
    return "overshoots" if flips else "smooth"


def compare_ascents(mu1: float, mu2: float, learning_rate: float) -> Comparison:
    """EM and gradient ascent from the means (mu1, mu2), both stopped by the same gradient tolerance."""
    X, start = landscape_data(), landscape_start(mu1, mu2)
    em = em_means_path(X, start, tol=GRADIENT_TOL, max_steps=MAX_STEPS)
    ascent = gradient_ascent(X, start, learning_rate, tol=GRADIENT_TOL, max_steps=MAX_STEPS)
    end = em.means[-1, :, 0]
    em_outcome = "saddle" if abs(end[0] - end[1]) < EQUAL_MEANS else "peak"
    return Comparison(em, ascent, float(learning_rate), em_outcome, _ascent_outcome(ascent))


# --------------------------------------------------------------------------- clicks on the charts


def selected_point(event) -> dict | None:
    """The first point of a plotly selection event as Streamlit reports it (None when nothing usable)."""
    if not isinstance(event, dict):
        return None
    points = (event.get("selection") or {}).get("points") or []
    point = points[0] if points else None
    if not isinstance(point, dict) or not all(isinstance(point.get(axis), (int, float)) for axis in ("x", "y")):
        return None
    return point


def start_from_selection(event) -> tuple[float, float] | None:
    """The clicked (mu1, mu2), rounded to 0.1 and kept on the chart, or None."""
    point = selected_point(event)
    if point is None:
        return None
    low, high = MU_RANGE
    return tuple(float(min(max(round(float(point[axis]), 1), low), high)) for axis in ("x", "y"))


def half_step_from_selection(event, n_iterations: int) -> tuple[int, int] | None:
    """(half-step index, iteration) of a click on the decomposition chart, or None.

    E-step t sits at x = t and its M-step at t + 1/2 (:attr:`Decomposition.positions`), so the
    half-step index (0 for E1, 1 for M1, ...) is ``2x - 2``.
    """
    point = selected_point(event)
    if point is None or n_iterations < 1:
        return None
    index = min(max(round(2 * float(point["x"])) - 2, 0), 2 * n_iterations - 1)
    return index, index // 2 + 1
