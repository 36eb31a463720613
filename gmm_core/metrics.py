"""Scores and comparisons: BIC/AIC, label matching (Hungarian), adjusted Rand index."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score

from gmm_core.em import e_step, prepare
from gmm_core.params import GMMParams


def log_likelihood(X, params: GMMParams) -> float:
    """Mean per-sample log-likelihood of ``X`` under ``params`` (scikit-learn's ``score``)."""
    return e_step(X, params)[0]


def bic(X, params: GMMParams) -> float:
    """Bayesian information criterion, -2 log L + p log N (lower is better), as scikit-learn's."""
    data = prepare(X)
    return -2.0 * log_likelihood(data, params) * data.n_samples + params.n_parameters() * np.log(data.n_samples)


def aic(X, params: GMMParams) -> float:
    """Akaike information criterion, -2 log L + 2 p (lower is better), as scikit-learn's."""
    data = prepare(X)
    return -2.0 * log_likelihood(data, params) * data.n_samples + 2.0 * params.n_parameters()


def match_labels(true_labels, predicted_labels, n_components: int | None = None) -> np.ndarray:
    """Which true class each fitted component stands for, by the Hungarian algorithm.

    EM numbers its components arbitrarily (label switching); this finds the one-to-one pairing
    that puts the most samples on the diagonal of the confusion matrix.

    Returns
    -------
    order : ndarray of shape (n_true,)
        ``order[j]`` is the fitted component matched to true class ``j``, or -1 when there are
        more true classes than fitted components.
    """
    true_labels = _check_labels(true_labels, "true_labels")
    predicted_labels = _check_labels(predicted_labels, "predicted_labels")
    if true_labels.shape != predicted_labels.shape:
        raise ValueError(
            f"true_labels and predicted_labels must label the same samples; got {true_labels.size} and "
            f"{predicted_labels.size} labels."
        )
    n_true = int(true_labels.max()) + 1
    n_fitted = n_components or int(predicted_labels.max()) + 1
    if predicted_labels.max() >= n_fitted:
        raise ValueError(
            f"predicted_labels go up to {predicted_labels.max()} but n_components={n_components}; "
            "labels must be smaller than the number of components."
        )
    confusion = np.zeros((n_true, n_fitted))
    np.add.at(confusion, (true_labels, predicted_labels), 1)
    rows, cols = linear_sum_assignment(-confusion)
    order = np.full(n_true, -1)
    order[rows] = cols
    return order


def _check_labels(labels, name: str) -> np.ndarray:
    """Labels as a non-empty 1-D int array of class numbers 0, 1, 2, ..."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of class numbers; got shape {labels.shape}.")
    if not np.issubdtype(labels.dtype, np.integer):
        if not np.issubdtype(labels.dtype, np.number) or np.any(labels != np.round(labels)):
            raise ValueError(f"{name} must be whole numbers 0, 1, 2, ... (component numbers).")
        labels = labels.astype(int)
    if labels.min() < 0:
        raise ValueError(f"{name} must be non-negative component numbers; got {labels.min()}.")
    return labels


def match_components(true_means, fitted_means) -> np.ndarray:
    """Pair fitted components with true ones by total squared distance between means (Hungarian).

    Returns ``order`` with ``order[j]`` the fitted component matched to true component ``j``
    (-1 when there are more true components than fitted ones).
    """
    true_means = np.atleast_2d(np.asarray(true_means, dtype=float))
    fitted_means = np.atleast_2d(np.asarray(fitted_means, dtype=float))
    cost = ((true_means[:, np.newaxis] - fitted_means[np.newaxis]) ** 2).sum(axis=-1)
    rows, cols = linear_sum_assignment(cost)
    order = np.full(len(true_means), -1)
    order[rows] = cols
    return order


def adjusted_rand_index(true_labels, predicted_labels) -> float:
    """Agreement of two partitions, 1 for identical up to relabelling and ~0 for chance."""
    return float(adjusted_rand_score(true_labels, predicted_labels))
