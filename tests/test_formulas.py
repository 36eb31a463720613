"""LaTeX with live numbers: number formats (emlab.shared.formulas), and EM formulas whose numbers are the core's
(emlab.step_through.formulas)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from emlab.shared import formulas as latex
from emlab.step_through import formulas
from gmm_core import COVARIANCE_TYPES, e_step, initialize, m_step_terms, responsibility_terms, sample_mixture


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, "0"),
        (0.333333, "0.3333"),
        (1.0, "1"),
        (157.04, "157"),
        (-2.87712, "-2.877"),
        (1.234e-5, r"1.234\times 10^{-5}"),
        (6.02e23, r"6.020\times 10^{23}"),
        (float("nan"), r"\text{NaN}"),
    ],
)
def test_latex_number(value, expected):
    assert latex.latex_number(value) == expected


def test_latex_from_log_reads_numbers_too_small_for_floats():
    assert latex.latex_from_log(math.log(0.25)) == "0.25"
    assert latex.latex_from_log(-1e6) == r"3.297\times 10^{-434295}"
    assert latex.latex_from_log(-math.inf) == "0"
    # 9.9996e-400 rounds up to the next power of ten instead of printing 10.000.
    assert latex.latex_from_log(math.log(9.9996) - 400 * math.log(10)) == r"1.000\times 10^{-399}"


def test_rounding_noise_is_shown_as_zero():
    matrix = latex.without_rounding_noise([[1e-6, -1.5e-29], [-1.5e-29, 1e-6]])
    np.testing.assert_array_equal(matrix, [[1e-6, 0.0], [0.0, 1e-6]])
    assert "10^{-29}" not in latex.latex_matrix([[1e-6, -1.5e-29], [-1.5e-29, 1e-6]])


def test_template_slots_keep_latex_braces_single():
    assert latex.tex(r"\frac{<a>}{<b>}", a=1, b="x_{2}") == r"\frac{1}{x_{2}}"


def _numbers_after_last_equals(row: str) -> float:
    """The number a LaTeX row ends with (``... = 0.7245`` or ``... = 1.2\\times 10^{-5}``)."""
    tail = row.rsplit("=", 1)[1].strip()
    match = re.fullmatch(r"(-?[\d.]+)(?:\\times 10\^\{(-?\d+)\})?", tail)
    assert match, tail
    mantissa, exponent = match.groups()
    return float(mantissa) * 10.0 ** int(exponent or 0)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_responsibility_latex_ends_each_row_with_e_steps_gamma(covariance_type):
    X = sample_mixture(200, 3, 2, random_state=1).X
    params = initialize(X, 3, "kmeans", covariance_type=covariance_type, random_state=0)
    _, responsibilities = e_step(X, params)
    index = int(np.argmax(-np.sum(responsibilities * np.log(responsibilities + 1e-300), axis=1)))
    latex = formulas.responsibility_latex(responsibility_terms(X, params, index))
    rows = latex.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}").split(r" \\[4pt] ")
    gamma_rows = [row for row in rows if rf"\gamma_{{{index}," in row]
    assert len(gamma_rows) == 3
    shown = [_numbers_after_last_equals(row) for row in gamma_rows]
    np.testing.assert_allclose(shown, responsibilities[index], rtol=5e-4, atol=1e-12)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_m_step_latex_shows_the_new_weight(covariance_type):
    X = sample_mixture(200, 3, 3, random_state=2).X
    before = initialize(X, 3, "random", covariance_type=covariance_type, random_state=0)
    _, responsibilities = e_step(X, before)
    terms = m_step_terms(X, responsibilities, before)
    for k in range(3):
        latex = formulas.m_step_latex(terms, k)
        weight_row = latex.split(r" \\[8pt] ")[1]
        assert _numbers_after_last_equals(weight_row) == pytest.approx(terms.after.weights[k], rel=5e-4)
        assert formulas.before_after_latex(terms, k).count(r"\longrightarrow") == 2
    assert len(formulas.m_step_rows(terms)) == 3
