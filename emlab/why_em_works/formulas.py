"""The decomposition log p = bound + KL in symbols and with the numbers of one iteration (LaTeX, no Streamlit).

Written with the step-through page's helpers (``tex`` fills ``<slots>`` so LaTeX braces stay
single; ``latex_number`` formats numbers), so both pages print numbers alike. Values are means per
sample, hence the 1/N in front of log p(X | theta).
"""

from __future__ import annotations

from emlab.shared.formulas import latex_number, tex
from emlab.why_em_works.model import IterationSlice

# Log-likelihoods differ in their fourth or fifth digit from one iteration to the next: show seven.
DIGITS = 7
LOG_LIKELIHOOD = r"\tfrac{1}{N}\log p(X \mid <theta>)"
BOUND = r"\mathcal{L}(q_{<t>}, <theta>)"
GAP = r"\operatorname{KL}\!\left(q_{<t>} \,\middle\|\, p(Z \mid X, <theta>)\right)"


def decomposition_symbols() -> str:
    """log p(X | theta) = L(q, theta) + KL(q || p(Z | X, theta)), and what L is."""
    return (
        r"\begin{aligned}"
        r"\tfrac{1}{N}\log p(X \mid \theta) &= \mathcal{L}(q, \theta)"
        r" + \operatorname{KL}\!\left(q \,\middle\|\, p(Z \mid X, \theta)\right) \\"
        r"\mathcal{L}(q, \theta) &= \tfrac{1}{N}\sum_{n=1}^{N}\sum_{k=1}^{K} q_{nk}"
        r"\left[\log \pi_k + \log \mathcal{N}(x_n \mid \mu_k, \Sigma_k) - \log q_{nk}\right]"
        r"\end{aligned}"
    )


def _number(value: float) -> str:
    return latex_number(value, DIGITS)


def _relation(larger: float, smaller: float) -> str:
    """``\\ge`` when the first value is at least the second (it can miss by reg_covar's shortfall)."""
    return r"\ge" if larger >= smaller else "<"


def _row(theta: str, t: str, value: float, bound: float) -> str:
    return tex(
        LOG_LIKELIHOOD + " &= " + BOUND + " + " + GAP + r" \\ <v> &= <b> + <g>",
        theta=theta,
        t=t,
        v=_number(value),
        b=_number(bound),
        g=_number(max(value - bound, 0.0)),
    )


def _theta(t: int) -> str:
    return r"\theta_{" + str(t) + "}"


def iteration_latex(piece: IterationSlice) -> str:
    """The decomposition at theta_t (gap zero: q_t is the posterior there) and at theta_{t+1} (gap reopened)."""
    t = str(piece.iteration)
    return (
        r"\begin{aligned}"
        + _row(_theta(piece.iteration), t, piece.before, piece.bound_before)
        + r" \\[6pt] "
        + _row(_theta(piece.iteration + 1), t, piece.after, piece.bound_after)
        + r"\end{aligned}"
    )


def chain_latex(piece: IterationSlice) -> str:
    """log p(theta_{t+1}) >= L(q_t, theta_{t+1}) >= L(q_t, theta_t) = log p(theta_t), with the numbers."""
    theta_now, theta_next = _theta(piece.iteration), _theta(piece.iteration + 1)
    return tex(
        LOG_LIKELIHOOD.replace("<theta>", theta_next)
        + r" = <after> \;<r1>\; "
        + BOUND.replace("<theta>", theta_next)
        + r" = <bound> \;<r2>\; "
        + BOUND.replace("<theta>", theta_now)
        + r" = <before>",
        t=str(piece.iteration),
        after=_number(piece.after),
        bound=_number(piece.bound_after),
        before=_number(piece.bound_before),
        r1=_relation(piece.after, piece.bound_after),
        r2=_relation(piece.bound_after, piece.bound_before),
    )
