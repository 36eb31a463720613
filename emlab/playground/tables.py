"""The result of a fit as numbers a student can read: a summary and a fitted-versus-true table.

Pure functions (no Streamlit). The maths (label matching, adjusted Rand index, BIC, the class
parameters of labelled data) is the core's; this module only chooses and formats.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from emlab.shared.pipeline import LoadedData
from emlab.shared.style import component_name
from emlab.shared.text import t
from gmm_core import EMState, GMMParams, adjusted_rand_index, bic, e_step, m_step, match_components, match_labels


@dataclass(frozen=True, eq=False)
class FitSummary:
    """What a finished fit achieved.

    Attributes
    ----------
    iterations : int
        Number of EM iterations run.
    converged : bool
        True when the log-likelihood change fell below ``tol`` before ``max_iter``.
    log_likelihood : float
        Mean per-sample log-likelihood of the final parameters.
    bic : float
        Bayesian information criterion of the final parameters (lower is better).
    labels : ndarray of shape (n_samples,)
        Most likely fitted component of every sample under the final parameters.
    ari : float or None
        Adjusted Rand index against the true labels, when they are known.
    reference : GMMParams or None
        What the fit is compared with: the true mixture (synthetic data), the classes' own
        parameters (labelled data such as Iris), or None.
    order : ndarray of shape (n_reference,) or None
        ``order[j]`` is the fitted component matched to reference component ``j`` (-1: none).
    reference_source : {"truth", "classes", "none"}
        What ``reference`` is.
    """

    iterations: int
    converged: bool
    log_likelihood: float
    bic: float
    labels: np.ndarray
    ari: float | None
    reference: GMMParams | None
    order: np.ndarray | None
    reference_source: str = "none"


def class_parameters(X: np.ndarray, labels: np.ndarray) -> GMMParams:
    """The mixture the labelled classes form: class proportions, means and covariances.

    One M-step on one-hot responsibilities is exactly that (reg_covar 1e-6 keeps a class with a
    single sample valid).
    """
    n_classes = int(labels.max()) + 1
    one_hot = np.zeros((len(labels), n_classes))
    one_hot[np.arange(len(labels)), labels] = 1.0
    return m_step(X, one_hot, covariance_type="full", reg_covar=1e-6)


def summarize_fit(history: list[EMState], data: LoadedData) -> FitSummary:
    """Summary of the fit in ``history`` on ``data`` (matching fitted components to the truth)."""
    final = history[-1]
    log_likelihood, responsibilities = e_step(data.X, final.params)
    labels = responsibilities.argmax(axis=1)
    ari, reference, order, source = None, None, None, "none"
    if data.labels is not None:
        ari = adjusted_rand_index(data.labels, labels)
        order = match_labels(data.labels, labels, final.params.n_components)
        if data.true_params is not None:
            reference, source = data.true_params, "truth"
        else:
            reference, source = class_parameters(data.X, data.labels), "classes"
    elif data.true_params is not None:
        reference, source = data.true_params, "truth"
        order = match_components(reference.means, final.params.means)
    return FitSummary(
        iterations=final.iteration,
        converged=bool(final.converged),
        log_likelihood=float(log_likelihood),
        bic=float(bic(data.X, final.params)),
        labels=labels,
        ari=ari,
        reference=reference,
        order=order,
        reference_source=source,
    )


def _vector(values: np.ndarray) -> str:
    return "(" + ", ".join(f"{v:.3g}" for v in np.atleast_1d(values)) + ")"


def parameter_table(summary: FitSummary, params: GMMParams, *, lang: str = "en") -> pd.DataFrame:
    """One row per fitted component, with the reference component it was matched to beside it.

    Columns: component, points assigned, weight, mean, standard deviation per feature, and
    (when a reference exists) the matched reference component with its weight, mean and
    standard deviations. All entries are formatted strings (3 significant digits) so the table
    reads the same in any width.
    """
    n_components = params.n_components
    assigned = np.bincount(summary.labels, minlength=n_components)
    stds = np.sqrt(np.diagonal(params.full_covariances(), axis1=1, axis2=2))
    matched_to = np.full(n_components, -1)
    if summary.order is not None:
        for reference_index, fitted in enumerate(summary.order):
            if fitted >= 0:
                matched_to[fitted] = reference_index
    rows = []
    for k in range(n_components):
        row = {
            t("table.component", lang): component_name(k),
            t("table.size", lang): int(assigned[k]),
            t("table.weight", lang): f"{params.weights[k]:.3f}",
            t("table.mean", lang): _vector(params.means[k]),
            t("table.std", lang): _vector(stds[k]),
        }
        if summary.reference is not None:
            row.update(_reference_columns(summary.reference, matched_to[k], summary.reference_source, lang=lang))
        rows.append(row)
    return pd.DataFrame(rows)


def _reference_columns(reference: GMMParams, index: int, source: str, *, lang: str = "en") -> dict[str, str]:
    if index < 0:
        none = t("table.none", lang)
        return {
            t("table.matched", lang): none,
            t("table.true_weight", lang): "",
            t("table.true_mean", lang): "",
            t("table.true_std", lang): "",
        }
    stds = np.sqrt(np.diagonal(reference.full_covariances()[index]))
    label = t("table.true_label" if source == "truth" else "table.class_label", lang, index=index + 1)
    return {
        t("table.matched", lang): label,
        t("table.true_weight", lang): f"{reference.weights[index]:.3f}",
        t("table.true_mean", lang): _vector(reference.means[index]),
        t("table.true_std", lang): _vector(stds),
    }
