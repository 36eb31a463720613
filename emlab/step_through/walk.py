"""A walk through EM one half-step at a time: the half-steps computed so far and a cursor (no Streamlit).

The step-through page keeps one :class:`Walk` per browser session. Every button is a pure
function from a walk to a walk:

- ``advance_e`` / ``advance_m`` compute only the next half-step (``gmm_core.next_state``, the
  function ``em_steps`` advances by, with its stopping rule) or, after ``back``, move forward
  onto the half-step already computed (EM is deterministic, so it is the same state);
- ``advance_iteration`` goes on to the end of the current iteration (E then M, or the M that is
  still missing);
- ``back`` and ``reset`` only move the cursor: the history is data, so going back is exact and free;
- ``run_to_convergence`` steps until EM stops.

A step that is not the next one (an E-step right after an E-step, an M-step before any E-step,
any step after EM stopped) returns the walk unchanged, so a double click changes nothing.

Memory: a walk keeps each half-step's parameters and numbers, never its responsibilities
(N x K floats: 120 MB for 300 iterations at N = 5000, K = 10). They are recomputed from the
parameters of their E-step when a state is looked at (one ``e_step``, milliseconds; the same
function of the same numbers, so the same array), and the last two are kept, which is what one
screen shows (an E-step and the one before it).

A manual start (:class:`ManualStart`) collects the rows a student clicks to be the starting means.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace

import numpy as np

from gmm_core import EMState, GMMParams, PreparedData, e_step, em_has_stopped, next_state

E_PHASE = "E"
M_PHASE = "M"
INIT_PHASE = "init"
# Responsibilities kept per walk: the E-step on screen and the one before it.
RECENT_RESPONSIBILITIES = 2


class RecentResponsibilities:
    """The responsibilities of the last few E-steps looked at, by their position in the walk.

    Shared by every walk that grew from the same start (positions never change meaning: a walk
    only appends half-steps), and at most ``size`` arrays of shape (n_samples, n_components).
    """

    def __init__(self, size: int = RECENT_RESPONSIBILITIES):
        self.size = size
        self._arrays: OrderedDict[int, np.ndarray] = OrderedDict()

    def get(self, position: int) -> np.ndarray | None:
        array = self._arrays.get(position)
        if array is not None:
            self._arrays.move_to_end(position)
        return array

    def put(self, position: int, array: np.ndarray) -> None:
        self._arrays[position] = array
        self._arrays.move_to_end(position)
        while len(self._arrays) > self.size:
            self._arrays.popitem(last=False)

    def __len__(self) -> int:
        return len(self._arrays)


@dataclass(frozen=True, eq=False)
class Walk:
    """The half-steps of one EM run computed so far, and which one is shown.

    Attributes
    ----------
    data : PreparedData
        The data EM runs on (responsibilities are recomputed from it).
    steps : tuple of EMState
        ``steps[0]`` is the start (phase "init"), then E, M, E, M, ... as ``em_steps`` yields
        them, each without its responsibilities (``responsibilities`` is None): see
        :meth:`state` for the whole state.
    cursor : int
        Index of the half-step on screen; those after it were computed earlier and are kept for
        going forward again after ``back``.
    reg_covar, tol, max_iter
        How EM runs (as ``em_steps``).
    recent : RecentResponsibilities
        The responsibilities looked at last (a cache; not part of the walk's value).
    """

    data: PreparedData
    steps: tuple[EMState, ...]
    cursor: int
    reg_covar: float
    tol: float
    max_iter: int
    recent: RecentResponsibilities = field(default_factory=RecentResponsibilities, repr=False)

    @property
    def covariance_type(self) -> str:
        return self.steps[0].params.covariance_type

    def state(self, index: int) -> EMState:
        """The whole state at position ``index`` (responsibilities included), exactly as ``em_steps`` yields it."""
        step = self.steps[index]
        if step.phase == INIT_PHASE:
            return step
        return replace(step, responsibilities=self.responsibilities(index))

    def responsibilities(self, index: int) -> np.ndarray | None:
        """Responsibilities of the state at ``index``, shape (n_samples, n_components); None at the start.

        An M state carries those of the E-step before it, which used the same parameters.
        """
        step = self.steps[index]
        if step.phase == INIT_PHASE:
            return None
        e_index = index if step.phase == E_PHASE else index - 1
        array = self.recent.get(e_index)
        if array is None:
            _, array = e_step(self.data, self.steps[e_index].params)
            self.recent.put(e_index, array)
        return array

    @property
    def current(self) -> EMState:
        """The state on screen."""
        return self.state(self.cursor)

    @property
    def previous(self) -> EMState | None:
        """The state before the one on screen (None at the start)."""
        return self.state(self.cursor - 1) if self.cursor > 0 else None

    @property
    def finished(self) -> bool:
        """True when EM has stopped: the last M-step converged or used up ``max_iter`` (the core's rule)."""
        return em_has_stopped(self.steps[self.cursor], self.max_iter)

    @property
    def next_phase(self) -> str | None:
        """The half-step that comes next: "E" after the start or an M-step, "M" after an E-step, None when finished."""
        if self.finished:
            return None
        return M_PHASE if self.steps[self.cursor].phase == E_PHASE else E_PHASE

    def log_likelihood_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """Iterations and mean log-likelihoods of every E-step computed so far, shape (M,) each."""
        e_steps = [step for step in self.steps if step.phase == E_PHASE]
        iterations = np.array([step.iteration for step in e_steps], dtype=int)
        values = np.array([step.log_likelihood for step in e_steps], dtype=float)
        return iterations, values

    def changed_labels(self) -> np.ndarray | None:
        """After an E-step, which points' most likely component changed since the E-step before.

        Returns a boolean array of shape (n_samples,), or None when there is nothing to compare
        (not on an E-step, or on the first one).
        """
        if self.steps[self.cursor].phase != E_PHASE or self.cursor < 2:
            return None
        now = self.responsibilities(self.cursor).argmax(axis=1)
        return now != self.responsibilities(self.cursor - 1).argmax(axis=1)


def start_walk(
    data: PreparedData, params: GMMParams, *, reg_covar: float = 1e-6, tol: float = 1e-3, max_iter: int = 100
) -> Walk:
    """A walk over ``data`` standing at the starting parameters, before the first E-step."""
    return Walk(
        data, (EMState(iteration=0, phase=INIT_PHASE, params=params),), 0, float(reg_covar), float(tol), int(max_iter)
    )


def advance_e(walk: Walk) -> Walk:
    """One E-step forward (unchanged unless the E-step is next)."""
    return _forward(walk) if walk.next_phase == E_PHASE else walk


def advance_m(walk: Walk) -> Walk:
    """One M-step forward (unchanged unless the M-step is next)."""
    return _forward(walk) if walk.next_phase == M_PHASE else walk


def advance_iteration(walk: Walk) -> Walk:
    """To the end of the current iteration: E then M, or only the M when the E-step is done."""
    return advance_m(advance_e(walk))


def back(walk: Walk) -> Walk:
    """One half-step back (unchanged at the start)."""
    return replace(walk, cursor=max(walk.cursor - 1, 0))


def reset(walk: Walk) -> Walk:
    """Back to the starting parameters (the computed half-steps stay, so stepping again is free)."""
    return replace(walk, cursor=0)


def run_to_convergence(walk: Walk) -> Walk:
    """Step until EM stops (at most ``max_iter`` iterations in all)."""
    while walk.next_phase is not None:
        walk = _forward(walk)
    return walk


def _forward(walk: Walk) -> Walk:
    """The walk one half-step on: the stored next half-step, or a newly computed one at the frontier."""
    if walk.cursor + 1 < len(walk.steps):
        return replace(walk, cursor=walk.cursor + 1)
    here = walk.steps[walk.cursor]
    if here.phase == E_PHASE:  # the M-step needs the responsibilities; nothing else does
        here = walk.current
    state = next_state(walk.data, here, reg_covar=walk.reg_covar, tol=walk.tol, max_iter=walk.max_iter)
    if state is None:
        return walk
    position = walk.cursor + 1
    if state.phase == E_PHASE:
        walk.recent.put(position, state.responsibilities)
    kept = replace(state, responsibilities=None)
    return replace(walk, steps=(*walk.steps, kept), cursor=position)


@dataclass(frozen=True)
class ManualStart:
    """Rows clicked to be the starting means, for one data set; ``started`` once EM runs from them.

    ``data_key`` names the data set the rows belong to, so rows of another data set are never used.
    """

    data_key: tuple
    rows: tuple[int, ...] = ()
    started: bool = False

    def toggled(self, row: int, n_components: int) -> ManualStart:
        """``row`` added (up to ``n_components`` rows) or, if already chosen, removed; not started."""
        if row in self.rows:
            return ManualStart(self.data_key, tuple(r for r in self.rows if r != row))
        if len(self.rows) >= n_components:
            return self
        return ManualStart(self.data_key, (*self.rows, int(row)))

    def ready(self, n_components: int) -> bool:
        """True when exactly ``n_components`` rows are chosen."""
        return len(self.rows) == n_components
