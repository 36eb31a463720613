"""A walk through EM one half-step at a time: the states computed so far and a cursor (no Streamlit).

The step-through page keeps one :class:`Walk` per browser session. Every button is a pure
function from a walk to a walk:

- ``advance_e`` / ``advance_m`` compute only the next half-step (one ``e_step`` or one
  ``m_step`` from the state under the cursor) or, after ``back``, move forward onto the state
  already computed (EM is deterministic, so it is the same state);
- ``advance_iteration`` goes on to the end of the current iteration (E then M, or the M that is
  still missing);
- ``back`` and ``reset`` only move the cursor: the history is data, so going back is exact and free;
- ``run_to_convergence`` steps until EM stops.

A manual start (:class:`ManualStart`) collects the rows a student clicks to be the starting means.

A step that is not the next one (an E-step right after an E-step, an M-step before any E-step,
any step after EM stopped) returns the walk unchanged, so a double click changes nothing.

EM stops by the core's rule (``em_steps``): after the M-step of the first iteration whose
log-likelihood changed by less than ``tol``, or after ``max_iter`` iterations.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from gmm_core import EMState, GMMParams, PreparedData, e_step, m_step

E_PHASE = "E"
M_PHASE = "M"
INIT_PHASE = "init"


@dataclass(frozen=True, eq=False)
class Walk:
    """The half-steps of one EM run computed so far, and which one is shown.

    Attributes
    ----------
    states : tuple of EMState
        ``states[0]`` is the start (phase "init"), then E, M, E, M, ... as ``em_steps`` yields them.
    cursor : int
        Index of the state on screen; states after it were computed earlier and are kept for going
        forward again after ``back``.
    covariance_type, reg_covar, tol, max_iter
        How EM runs (as ``em_steps``).
    """

    states: tuple[EMState, ...]
    cursor: int
    covariance_type: str
    reg_covar: float
    tol: float
    max_iter: int

    @property
    def current(self) -> EMState:
        """The state on screen."""
        return self.states[self.cursor]

    @property
    def previous(self) -> EMState | None:
        """The state before the one on screen (None at the start)."""
        return self.states[self.cursor - 1] if self.cursor > 0 else None

    @property
    def finished(self) -> bool:
        """True when EM has stopped: the last M-step converged or used up ``max_iter``."""
        state = self.current
        return state.phase == M_PHASE and (state.converged or state.iteration >= self.max_iter)

    @property
    def next_phase(self) -> str | None:
        """The half-step that comes next: "E" after the start or an M-step, "M" after an E-step, None when finished."""
        if self.finished:
            return None
        return M_PHASE if self.current.phase == E_PHASE else E_PHASE

    @property
    def half_steps(self) -> int:
        """How many half-steps the state on screen is from the start."""
        return self.cursor

    def log_likelihood_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """Iterations and mean log-likelihoods of every E-step computed so far, shape (M,) each."""
        e_states = [state for state in self.states if state.phase == E_PHASE]
        iterations = np.array([state.iteration for state in e_states], dtype=int)
        values = np.array([state.log_likelihood for state in e_states], dtype=float)
        return iterations, values

    def changed_labels(self) -> np.ndarray | None:
        """After an E-step, which points' most likely component changed since the E-step before.

        Returns a boolean array of shape (n_samples,), or None when there is nothing to compare
        (not on an E-step, or on the first one).
        """
        previous = self.previous
        if self.current.phase != E_PHASE or previous is None or previous.responsibilities is None:
            return None
        return self.current.labels != previous.labels


def start_walk(params: GMMParams, *, reg_covar: float = 1e-6, tol: float = 1e-3, max_iter: int = 100) -> Walk:
    """A walk standing at the starting parameters, before the first E-step."""
    return Walk(
        (EMState(iteration=0, phase=INIT_PHASE, params=params),),
        0,
        params.covariance_type,
        float(reg_covar),
        float(tol),
        int(max_iter),
    )


def advance_e(walk: Walk, data: PreparedData) -> Walk:
    """One E-step forward (unchanged unless the E-step is next)."""
    return _forward(walk, data) if walk.next_phase == E_PHASE else walk


def advance_m(walk: Walk, data: PreparedData) -> Walk:
    """One M-step forward (unchanged unless the M-step is next)."""
    return _forward(walk, data) if walk.next_phase == M_PHASE else walk


def advance_iteration(walk: Walk, data: PreparedData) -> Walk:
    """To the end of the current iteration: E then M, or only the M when the E-step is done."""
    return advance_m(advance_e(walk, data), data)


def back(walk: Walk) -> Walk:
    """One half-step back (unchanged at the start)."""
    return replace(walk, cursor=max(walk.cursor - 1, 0))


def reset(walk: Walk) -> Walk:
    """Back to the starting parameters (the computed states stay, so stepping again is free)."""
    return replace(walk, cursor=0)


def run_to_convergence(walk: Walk, data: PreparedData) -> Walk:
    """Step until EM stops (at most ``max_iter`` iterations in all)."""
    while walk.next_phase is not None:
        walk = _forward(walk, data)
    return walk


def _forward(walk: Walk, data: PreparedData) -> Walk:
    """The walk one half-step on: the stored next state, or a newly computed one at the frontier."""
    if walk.cursor + 1 < len(walk.states):
        return replace(walk, cursor=walk.cursor + 1)
    state = _next_state(walk, data)
    return replace(walk, states=(*walk.states, state), cursor=walk.cursor + 1)


def _next_state(walk: Walk, data: PreparedData) -> EMState:
    """The half-step after the current state, computed by the core (exactly as ``em_steps`` does)."""
    state = walk.current
    if state.phase == E_PHASE:
        params = m_step(data, state.responsibilities, covariance_type=walk.covariance_type, reg_covar=walk.reg_covar)
        return EMState(
            state.iteration,
            M_PHASE,
            params,
            state.responsibilities,
            state.log_likelihood,
            state.change,
            state.converged,
        )
    log_likelihood, responsibilities = e_step(data, state.params)
    change = None if state.log_likelihood is None else log_likelihood - state.log_likelihood
    converged = change is not None and abs(change) < walk.tol
    return EMState(state.iteration + 1, E_PHASE, state.params, responsibilities, log_likelihood, change, converged)


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
