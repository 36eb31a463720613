"""The one-line formulas of the teaching pages with their live numbers (LaTeX for ``st.latex``; no Streamlit).

Built with the helpers of :mod:`emlab.step_through.formulas` (``tex`` fills ``<slots>`` so LaTeX braces stay
single; ``colored`` gives each class its chart colour).
"""

from __future__ import annotations

import numpy as np

from emlab.step_through.formulas import colored, latex_matrix, tex

# Longer vectors wrap after this many entries so a projector shows them whole.
PER_LINE = 4


def _entries(values, digits: int) -> list[str]:
    return [colored(k, f"{value:.{digits}f}") for k, value in enumerate(values)]


def _vector(entries: list[str]) -> str:
    lines = [r",\ ".join(entries[i : i + PER_LINE]) for i in range(0, len(entries), PER_LINE)]
    return (
        r"\left(\begin{array}{l}" + r",\\ ".join(lines) + r"\end{array}\right)"
        if len(lines) > 1
        else (r"\left(" + lines[0] + r"\right)")
    )


def dirichlet_latex(concentration: float, weights) -> str:
    """theta ~ Dirichlet(alpha, ..., alpha) and the drawn theta, each class in its colour."""
    return tex(
        r"\begin{aligned} \theta &\sim \operatorname{Dirichlet}(\alpha = <alpha>) \\ \theta &= <theta> \end{aligned}",
        alpha=f"{concentration:g}",
        theta=_vector(_entries(weights, 2)),
    )


def multinomial_latex(n_samples: int, counts, expected) -> str:
    """counts ~ Multinomial(N, theta), the drawn counts, and their expectation N theta."""
    return tex(
        r"\begin{aligned} n &\sim \operatorname{Multinomial}(N = <n>,\ \theta) \\ n &= <counts> \\"
        r" N\theta &= <expected> \end{aligned}",
        n=str(int(n_samples)),
        counts=_vector([colored(k, str(int(c))) for k, c in enumerate(counts)]),
        expected=_vector(_entries(expected, 1)),
    )


def gaussian_latex() -> str:
    """x_n ~ N(mu_{z_n}, Sigma_{z_n}): the third step in symbols."""
    return r"x_n \sim \mathcal{N}\!\left(\mu_{z_n},\ \Sigma_{z_n}\right)"


def matrix_pair_latex(wrong, right) -> str:
    """Two covariance matrices side by side: the script's rank-1 one and EM's."""
    return tex(
        r"\underbrace{<wrong>}_{\text{script: np.dot}} \qquad \underbrace{<right>}_{\text{EM: np.outer}}",
        wrong=latex_matrix(np.asarray(wrong)),
        right=latex_matrix(np.asarray(right)),
    )
