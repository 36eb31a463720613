"""Numbers that explain the generative story of :func:`gmm_core.generate.sample_mixture`.

``sample_mixture`` makes one data set; these functions show what *else* the same story could
have made: many other Dirichlet draws, and how far multinomial counts stray from N theta.
"""

from __future__ import annotations

import numpy as np

from gmm_core._checks import check_int, check_n_components


def dirichlet_draws(concentration: float, n_components: int, n_draws: int, random_state=None) -> np.ndarray:
    """``n_draws`` independent class-probability vectors theta ~ Dirichlet(concentration, ..., concentration).

    Parameters
    ----------
    concentration : float
        Positive. Below 1 the draws crowd the corners of the simplex (one class dominates);
        above 1 they gather at the centre (classes of similar size).
    n_components : int
    n_draws : int
    random_state : int, numpy Generator or None

    Returns
    -------
    ndarray of shape (n_draws, n_components)
        Each row is non-negative and sums to one.
    """
    concentration = float(concentration)
    if not np.isfinite(concentration) or concentration <= 0:
        raise ValueError(f"The Dirichlet concentration must be a positive number; got {concentration}.")
    n_components = check_n_components(n_components)
    n_draws = check_int(n_draws, "n_draws", 1)
    rng = np.random.default_rng(random_state)
    return rng.dirichlet(np.full(n_components, concentration), size=n_draws)


def expected_counts(n_samples: int, weights) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of multinomial counts: N theta_k and sqrt(N theta_k (1 - theta_k)).

    Parameters
    ----------
    n_samples : int
    weights : array-like of shape (K,)
        Class probabilities theta.

    Returns
    -------
    mean, std : ndarray of shape (K,)
    """
    n_samples = check_int(n_samples, "n_samples", 1)
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 1 or np.any(weights < 0) or not np.isclose(weights.sum(), 1.0):
        raise ValueError("weights must be a 1-D array of probabilities summing to one.")
    return n_samples * weights, np.sqrt(n_samples * weights * (1.0 - weights))
