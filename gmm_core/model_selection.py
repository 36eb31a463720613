"""Choosing the number of components by BIC (or AIC), with restarts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.utils import check_random_state

from gmm_core._checks import check_covariance_type, check_int
from gmm_core.em import EMState, em_steps, prepare
from gmm_core.init import initialize
from gmm_core.metrics import aic, bic


@dataclass(frozen=True, eq=False)
class SelectionResult:
    """BIC and AIC for every candidate K, and the winning fit.

    Attributes
    ----------
    k_values : ndarray of shape (n_candidates,)
    bic, aic : ndarray of shape (n_candidates,)
        Of the best restart (highest log-likelihood) at each K.
    log_likelihoods : ndarray of shape (n_candidates,)
    best_k : int
        The K with the lowest criterion.
    criterion : {"bic", "aic"}
    best_history : list of EMState
        The history of the winning fit.
    """

    k_values: np.ndarray
    bic: np.ndarray
    aic: np.ndarray
    log_likelihoods: np.ndarray
    best_k: int
    criterion: str
    best_history: list


def fit_best_of(
    X,
    n_components: int,
    *,
    n_init: int = 1,
    init_params: str = "kmeans",
    random_state=None,
    **em_options,
) -> list[EMState]:
    """Run EM ``n_init`` times from different starts and keep the history with the best final fit.

    Starts are drawn one after another from the same random stream, as scikit-learn's
    ``n_init`` does, and ties keep the first, so the winner matches ``GaussianMixture``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or PreparedData
    n_components : int
    n_init : int, default 1
        Number of starts.
    init_params : {"kmeans", "k-means++", "random", "random_from_data"}, default "kmeans"
    random_state : int, RandomState or None
        Read once with ``check_random_state``; every start draws from that one stream.
    **em_options
        ``covariance_type``, ``reg_covar``, ``max_iter`` and ``tol``, as for :func:`gmm_core.em.em_steps`.

    Returns
    -------
    list of EMState
        The history of the start whose final log-likelihood is highest.
    """
    data = prepare(X)
    n_init = check_int(n_init, "n_init", 1)
    random_state = check_random_state(random_state)
    covariance_type = em_options.pop("covariance_type", "full")
    reg_covar = em_options.get("reg_covar", 1e-6)
    best, best_score = None, -np.inf
    for _ in range(n_init):
        start = initialize(
            data,
            n_components,
            init_params,
            covariance_type=covariance_type,
            reg_covar=reg_covar,
            random_state=random_state,
        )
        history = list(em_steps(data, start, **em_options))
        score = history[-1].log_likelihood if history[-1].log_likelihood is not None else -np.inf
        if best is None or score > best_score:
            best, best_score = history, score
    return best


def select_n_components(
    X,
    k_values=range(1, 11),
    *,
    covariance_type: str = "full",
    criterion: str = "bic",
    n_init: int = 1,
    init_params: str = "kmeans",
    random_state=None,
    on_progress: Callable[[int, int], None] | None = None,
    **em_options,
) -> SelectionResult:
    """Fit every K in ``k_values`` and pick the one with the lowest BIC (or AIC).

    Candidates larger than the number of samples are skipped. ``on_progress(done, total)`` is
    called after each K, so a page can show a progress bar. Every K uses its own random stream
    seeded from ``random_state``, so the result for one K does not depend on the others.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or PreparedData
    k_values : iterable of int, default range(1, 11)
        Candidate numbers of components.
    covariance_type : {"full", "tied", "diag", "spherical"}, default "full"
    criterion : {"bic", "aic"}, default "bic"
    n_init : int, default 1
        Starts per K; the best is kept.
    init_params : {"kmeans", "k-means++", "random", "random_from_data"}, default "kmeans"
    random_state : int, RandomState or None
        An int seeds K's fits with ``random_state + 7919 K``; None draws one such int at random;
        a RandomState is shared by all K in turn.
    on_progress : callable, optional
        Called as ``on_progress(done, total)`` after each K.
    **em_options
        ``reg_covar``, ``max_iter`` and ``tol``, as for :func:`gmm_core.em.em_steps`.

    Returns
    -------
    SelectionResult
    """
    data = prepare(X)
    check_covariance_type(covariance_type)
    if criterion not in ("bic", "aic"):
        raise ValueError(f"criterion must be 'bic' or 'aic'; got {criterion!r}.")
    k_values = np.array([k for k in k_values if 1 <= k <= data.n_samples], dtype=int)
    if k_values.size == 0:
        raise ValueError(f"No candidate number of components fits {data.n_samples} samples.")
    seed = random_state if random_state is not None else check_random_state(None).randint(2**31 - 1)
    histories, bics, aics, lls = [], [], [], []
    for done, k in enumerate(k_values, start=1):
        history = fit_best_of(
            data,
            int(k),
            n_init=n_init,
            init_params=init_params,
            random_state=_seed_for(seed, k),
            covariance_type=covariance_type,
            **em_options,
        )
        final = history[-1].params
        histories.append(history)
        bics.append(bic(data, final))
        aics.append(aic(data, final))
        lls.append(history[-1].log_likelihood)
        if on_progress is not None:
            on_progress(done, len(k_values))
    scores = np.array(bics if criterion == "bic" else aics)
    best = int(np.argmin(scores))
    return SelectionResult(
        k_values,
        np.array(bics),
        np.array(aics),
        np.array(lls, dtype=float),
        int(k_values[best]),
        criterion,
        histories[best],
    )


def _seed_for(seed, k: int):
    if isinstance(seed, (int, np.integer)):
        return int(seed) + 7919 * int(k)
    return seed
