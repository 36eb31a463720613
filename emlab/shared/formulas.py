"""Numbers and formulas in LaTeX for ``st.latex``, with live values (no Streamlit).

The helpers every page's formulas are built with: numbers with four significant digits (and
scientific notation when tiny or huge; ``latex_from_log`` reads 10^-400 from its logarithm),
vectors, matrices without rounding noise, ``tex`` (fills ``<slots>`` so LaTeX braces stay single)
and ``colored`` (each component in its chart colour); then the one-line formulas of the story
and pitfall pages. The step-through page's EM formulas live in :mod:`emlab.step_through.formulas`.
"""

from __future__ import annotations

import math

import numpy as np

from emlab.shared.style import component_color

SIGNIFICANT_DIGITS = 4
_LN10 = math.log(10.0)
# Plain notation between these magnitudes, scientific outside.
_PLAIN_RANGE = (1e-3, 1e5)
# Matrices wider than this get three digits, so a 6 x 6 covariance still fits a projector.
_WIDE_MATRIX = 3
NOISE_RATIO = 1e-12


def latex_number(value: float, digits: int = SIGNIFICANT_DIGITS) -> str:
    """``value`` with ``digits`` significant digits, as LaTeX (``1.234\\times 10^{-5}`` when tiny)."""
    value = float(value)
    if not math.isfinite(value):
        return r"\infty" if value > 0 else (r"-\infty" if value < 0 else r"\text{NaN}")
    if value == 0.0:
        return "0"
    if _PLAIN_RANGE[0] <= abs(value) < _PLAIN_RANGE[1]:
        text = f"{value:.{digits}g}"
        if "e" not in text:
            return text
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return rf"{mantissa}\times 10^{{{int(exponent)}}}"


def latex_from_log(log_value: float, digits: int = SIGNIFICANT_DIGITS) -> str:
    """The positive number exp(``log_value``) as LaTeX, readable even where exp underflows to 0."""
    if log_value == -math.inf:
        return "0"
    if log_value > -700.0:
        return latex_number(math.exp(log_value), digits)
    log10 = log_value / _LN10
    exponent = math.floor(log10)
    mantissa = 10.0 ** (log10 - exponent)
    if round(mantissa, digits - 1) >= 10.0:
        mantissa, exponent = mantissa / 10.0, exponent + 1
    return rf"{mantissa:.{digits - 1}f}\times 10^{{{exponent}}}"


def latex_vector(values, digits: int = SIGNIFICANT_DIGITS) -> str:
    """A column vector (a plain number for one feature)."""
    values = np.atleast_1d(np.asarray(values, dtype=float))
    if values.size == 1:
        return latex_number(values[0], digits)
    return r"\begin{pmatrix}" + r" \\ ".join(latex_number(v, digits) for v in values) + r"\end{pmatrix}"


def latex_matrix(matrix) -> str:
    """A matrix (a plain number for 1 x 1); three digits per entry beyond 3 x 3; rounding noise shown as 0."""
    matrix = without_rounding_noise(matrix)
    if matrix.size == 1:
        return latex_number(matrix[0, 0])
    digits = SIGNIFICANT_DIGITS if matrix.shape[0] <= _WIDE_MATRIX else 3
    rows = (" & ".join(latex_number(v, digits) for v in row) for row in matrix)
    return r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}"


def without_rounding_noise(matrix) -> np.ndarray:
    """A copy of ``matrix`` (at least 2-D) with entries below 1e-12 of its largest entry set to 0.

    An off-diagonal 1e-29 next to a diagonal 1e-6 is floating-point noise, not a correlation.
    """
    matrix = np.atleast_2d(np.array(matrix, dtype=float))
    scale = np.max(np.abs(matrix)) if matrix.size else 0.0
    matrix[np.abs(matrix) < NOISE_RATIO * scale] = 0.0
    return matrix


def colored(k: int, body: str) -> str:
    """``body`` in component ``k``'s colour."""
    return tex(r"\textcolor{<color>}{<body>}", color=component_color(k), body=body)


def tex(template: str, **values) -> str:
    """Fill ``<name>`` slots in a LaTeX template (LaTeX braces stay single, unlike in an f-string)."""
    for name, value in values.items():
        template = template.replace(f"<{name}>", str(value))
    return template


def aligned(rows: list[str], gap: str = "4pt") -> str:
    """Rows of an ``aligned`` block (each with one ``&``)."""
    return r"\begin{aligned}" + (r" \\[" + gap + "] ").join(rows) + r"\end{aligned}"


# --------------------------------------------------------------------------- the story and pitfall formulas


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


def matrix_pair_latex(wrong, right, labels: tuple[str, str]) -> str:
    """Two covariance matrices side by side, each named below (``labels``): the script's rank-1 one and EM's."""
    return tex(
        r"\underbrace{<wrong>}_{\text{<wrong_label>}} \qquad \underbrace{<right>}_{\text{<right_label>}}",
        wrong=latex_matrix(np.asarray(wrong)),
        right=latex_matrix(np.asarray(right)),
        wrong_label=labels[0],
        right_label=labels[1],
    )
