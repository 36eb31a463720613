"""The EM formulas written out with live numbers (LaTeX for ``st.latex``) and their tables (no Streamlit).

Numbers get four significant digits, and scientific notation when they are tiny or huge;
densities are formatted from their logarithms, so 10^-400 still reads as a number instead of 0.
Each component's symbol is coloured with its palette colour, the same colour as on the chart.
"""

from __future__ import annotations

import numpy as np

from emlab.shared.formulas import (
    SIGNIFICANT_DIGITS,
    aligned,
    colored,
    latex_from_log,
    latex_matrix,
    latex_number,
    latex_vector,
    tex,
    without_rounding_noise,
)
from emlab.shared.style import component_name
from emlab.shared.text import t
from gmm_core import MStepTerms, ResponsibilityTerms

# LaTeX source length from which only two terms of a sum share a row (huge exponents make long terms).
LONG_TERM = 32


# --------------------------------------------------------------------------- E-step


def responsibility_formula() -> str:
    """The E-step formula in symbols."""
    return (
        r"\gamma_{nk} \;=\; \frac{\pi_k\,\mathcal{N}(x_n \mid \mu_k, \Sigma_k)}"
        r"{\sum_{j=1}^{K} \pi_j\,\mathcal{N}(x_n \mid \mu_j, \Sigma_j)}"
    )


def responsibility_latex(terms: ResponsibilityTerms) -> str:
    """The E-step formula for one point with every term evaluated, one aligned row per component.

    Row 1 is the point; row 2 the denominator sum_j pi_j N(x_n | mu_j, Sigma_j); then for each
    component the numerator pi_k N(x_n | mu_k, Sigma_k) over that sum and the result gamma_nk,
    the last number of its row.
    """
    x = tex("x_{<n>}", n=terms.index)
    products = [_product(terms, k) for k in range(len(terms.weights))]
    normalizer = latex_from_log(terms.log_normalizer)
    rows = [
        tex("<x> &= <value>", x=x, value=latex_vector(terms.x)),
        tex(
            r"p(<x>) = \sum_{j} \pi_j\,\mathcal{N}(<x> \mid \mu_j, \Sigma_j) &= <sum>", x=x, sum=_wrapped_sum(products)
        ),
        tex("&= <total>", total=normalizer),
    ]
    for k, product in enumerate(products):
        rows.append(
            tex(
                r"<gamma> = \frac{\pi_{<k>}\,\mathcal{N}(<x> \mid \mu_{<k>}, \Sigma_{<k>})}{p(<x>)}"
                r" &= \frac{<product>}{<total>} = <value>",
                gamma=colored(k, tex(r"\gamma_{<n>,<k>}", n=terms.index, k=k + 1)),
                k=k + 1,
                x=x,
                product=product,
                total=normalizer,
                value=_responsibility_value(terms, k),
            )
        )
    return aligned(rows)


def _product(terms: ResponsibilityTerms, k: int) -> str:
    """pi_k times N(x_n | mu_k, Sigma_k), both as numbers."""
    return latex_number(terms.weights[k]) + r" \cdot " + latex_from_log(terms.log_densities[k])


def _responsibility_value(terms: ResponsibilityTerms, k: int) -> str:
    value = float(terms.responsibilities[k])
    return latex_number(value) if value > 1e-300 else latex_from_log(terms.log_responsibilities[k])


def _wrapped_sum(products: list[str]) -> str:
    """``a + b + c``, continued on further aligned rows when there are many (or long) terms (K up to 10)."""
    per_line = 3 if max(len(product) for product in products) < LONG_TERM else 2
    lines = [" + ".join(products[i : i + per_line]) for i in range(0, len(products), per_line)]
    return r" \\ &\quad + ".join(lines)


def responsibility_rows(
    terms: ResponsibilityTerms, previous: np.ndarray | None = None, *, lang: str = "en"
) -> list[dict]:
    """One row per component for the point's table: pi_k, the density, the product, gamma_nk (and before)."""
    rows = []
    for k in range(len(terms.weights)):
        row = {
            t("step.table.component", lang): component_name(k),
            "pi_k": _rounded(terms.weights[k]),
            t("step.table.density", lang): _rounded(np.exp(terms.log_densities[k])),
            t("step.table.log_density", lang): _rounded(terms.log_densities[k]),
            t("step.table.product", lang): _rounded(np.exp(terms.log_weighted[k])),
            "gamma_nk": _rounded(terms.responsibilities[k]),
        }
        if previous is not None:
            row[t("step.table.gamma_before", lang)] = _rounded(previous[k])
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- M-step


def m_step_latex(terms: MStepTerms, k: int) -> str:
    """The M-step updates of component ``k`` with the current numbers, one aligned row each."""
    values = {"k": k + 1, "count": latex_number(terms.counts[k]), "N": terms.n_samples}
    rows = [
        tex(r"<sym> = \sum_{n=1}^{N} \gamma_{n<k>} &= <count>", sym=colored(k, tex("N_{<k>}", k=k + 1)), **values),
        tex(
            r"<sym> = \frac{N_{<k>}}{N} &= \frac{<count>}{<N>} = <weight>",
            sym=colored(k, tex(r"\pi_{<k>}", k=k + 1)),
            weight=latex_number(terms.after.weights[k]),
            **values,
        ),
        tex(
            r"<sym> = \frac{1}{N_{<k>}} \sum_{n} \gamma_{n<k>}\, x_n &= \frac{1}{<count>} <sum> = <mean>",
            sym=colored(k, tex(r"\mu_{<k>}", k=k + 1)),
            sum=latex_vector(terms.weighted_sums[k]),
            mean=latex_vector(terms.after.means[k]),
            **values,
        ),
        _covariance_row(terms, k, values),
    ]
    return aligned(rows, gap="8pt")


def _covariance_row(terms: MStepTerms, k: int, values: dict) -> str:
    """The covariance update for the model's covariance type, in symbols and in numbers."""
    eps_symbol, eps_value = _epsilon(terms.reg_covar)
    after = terms.after
    # Matrices of three or more features get the result on a row of its own, so the row fits a screen.
    then = r" \\ &=" if terms.scatter.shape[1] >= 3 else " ="
    common = {"eps": eps_symbol, "eps_value": eps_value, "then": then, **values}
    if terms.covariance_type == "full":
        return tex(
            r"<sym> = \frac{1}{N_{<k>}} \sum_{n} \gamma_{n<k>} (x_n - \mu_{<k>})(x_n - \mu_{<k>})^\top<eps>"
            r" &= \frac{1}{<count>} <scatter><eps_value><then> <cov>",
            sym=colored(k, tex(r"\Sigma_{<k>}", k=k + 1)),
            scatter=latex_matrix(terms.scatter[k]),
            cov=latex_matrix(after.covariances[k]),
            **common,
        )
    if terms.covariance_type == "tied":
        return tex(
            r"\Sigma = \frac{1}{N} \sum_{k} \sum_{n} \gamma_{nk} (x_n - \mu_k)(x_n - \mu_k)^\top<eps>"
            r" &= \frac{1}{<N>} <scatter><eps_value><then> <cov>",
            scatter=latex_matrix(terms.scatter.sum(axis=0)),
            cov=latex_matrix(after.covariances),
            **common,
        )
    diagonal = np.diagonal(terms.scatter[k])
    if terms.covariance_type == "diag":
        return tex(
            r"<sym> = \frac{1}{N_{<k>}} \sum_{n} \gamma_{n<k>} (x_{nd} - \mu_{<k>d})^2<eps>"
            r" &= \frac{1}{<count>} <scatter><eps_value><then> <cov>",
            sym=colored(k, tex(r"\sigma^2_{<k>,d}", k=k + 1)),
            scatter=latex_vector(diagonal),
            cov=latex_vector(after.covariances[k]),
            **common,
        )
    return tex(
        r"<sym> = \frac{1}{D\,N_{<k>}} \sum_{n} \gamma_{n<k>} \lVert x_n - \mu_{<k>} \rVert^2<eps>"
        r" &= \frac{<trace>}{<D> \cdot <count>}<eps_value> = <cov>",
        sym=colored(k, tex(r"\sigma^2_{<k>}", k=k + 1)),
        trace=latex_number(diagonal.sum()),
        D=len(diagonal),
        cov=latex_number(after.covariances[k]),
        **common,
    )


def _epsilon(reg_covar: float) -> tuple[str, str]:
    """The regularisation term in symbols and in numbers (nothing when it is 0)."""
    if reg_covar == 0:
        return "", ""
    return r" + \varepsilon I", r" + " + latex_number(reg_covar) + r"\, I"


def before_after_latex(terms: MStepTerms, k: int, *, lang: str = "en") -> str:
    """Component ``k``'s mean and covariance before the M-step and after it."""
    before, after = terms.before, terms.after
    tied = after.covariance_type == "tied"
    cov_before = before.covariances if tied else before.covariances[k]
    cov_after = after.covariances if tied else after.covariances[k]
    show = latex_matrix if after.covariance_type in ("full", "tied") else latex_vector
    symbol = {"full": r"\Sigma_{<k>}", "tied": r"\Sigma", "diag": r"\sigma^2_{<k>,d}"}.get(
        after.covariance_type, r"\sigma^2_{<k>}"
    )
    arrow = r"\;\longrightarrow\;"
    rows = [
        tex(
            "<sym> &: <before><arrow><after>",
            sym=colored(k, tex(r"\mu_{<k>}", k=k + 1)),
            before=latex_vector(before.means[k]),
            after=latex_vector(after.means[k]),
            arrow=arrow,
        ),
        tex(
            "<sym> &: <before><arrow><after>",
            sym=colored(k, tex(symbol, k=k + 1)),
            before=show(cov_before),
            after=show(cov_after),
            arrow=arrow,
        ),
    ]
    return aligned(rows, gap="8pt")


def m_step_rows(terms: MStepTerms, *, lang: str = "en") -> list[dict]:
    """One row per component for the before/after table: N_k, pi_k, mu_k, Sigma_k and how far the mean moved."""
    before, after = terms.before, terms.after
    rows = []
    for k in range(after.n_components):
        rows.append(
            {
                t("step.table.component", lang): component_name(k),
                t("step.table.count_before", lang): _rounded(terms.counts_before[k]),
                t("step.table.count_after", lang): _rounded(terms.counts[k]),
                t("step.table.weight_before", lang): _rounded(before.weights[k]),
                t("step.table.weight_after", lang): _rounded(after.weights[k]),
                t("step.table.mean_before", lang): _plain_vector(before.means[k]),
                t("step.table.mean_after", lang): _plain_vector(after.means[k]),
                t("step.table.shift", lang): _rounded(terms.mean_shift[k]),
                t("step.table.cov_before", lang): _plain_covariance(before, k),
                t("step.table.cov_after", lang): _plain_covariance(after, k),
            }
        )
    return rows


def _rounded(value) -> float:
    """``value`` to four significant digits, so a table shows 186.7 rather than 186.6733."""
    return float(f"{float(value):.{SIGNIFICANT_DIGITS}g}")


def _plain_vector(values) -> str:
    return "(" + ", ".join(f"{v:.4g}" for v in np.atleast_1d(values)) + ")"


def _plain_covariance(params, k: int) -> str:
    matrix = without_rounding_noise(params.full_covariances()[k])
    if matrix.shape == (1, 1):
        return f"{matrix[0, 0]:.4g}"
    return "[" + "; ".join(" ".join(f"{v:.3g}" for v in row) for row in matrix) + "]"
