"""Choosing K: BIC and AIC for every candidate K and covariance type (pure; the "How many components?" page).

The search itself is :func:`gmm_core.select_n_components`, one call per covariance type, so
``GaussianMixtureEM(n_components=None, covariance_type=..., n_init=..., random_state=seed)``
makes the same choice for that type. This module only runs it for several types, reports
progress across all of them, and keeps a compact result (no per-iteration histories) so it is
cheap to cache and copy.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from emlab.shared.light_blocks import fixed, markdown_table
from emlab.shared.text import t
from gmm_core import COVARIANCE_TYPES, EMState, e_step, prepare, select_n_components

CRITERIA = ("bic", "aic")
K_MAX_RANGE = (2, 15)
N_INIT_RANGE = (1, 5)


@dataclass(frozen=True)
class ChooseKSettings:
    """What the page asks for: candidate K = 1..k_max, the covariance types, restarts, criterion, seed."""

    covariance_types: tuple[str, ...] = COVARIANCE_TYPES
    k_max: int = 10
    n_init: int = 2
    criterion: str = "bic"
    seed: int = 0

    @property
    def k_values(self) -> range:
        return range(1, self.k_max + 1)


@dataclass(frozen=True, eq=False)
class TypeScores:
    """Scores of one covariance type for every candidate K (arrays of equal length)."""

    covariance_type: str
    k_values: np.ndarray
    bic: np.ndarray
    aic: np.ndarray
    log_likelihoods: np.ndarray
    best_k: int

    def scores(self, criterion: str) -> np.ndarray:
        return self.bic if criterion == "bic" else self.aic


@dataclass(frozen=True, eq=False)
class ModelComparison:
    """Every type's scores, and the overall winner (lowest criterion over all types and K)."""

    settings: ChooseKSettings
    by_type: tuple[TypeScores, ...]
    winner_type: str
    winner_k: int
    winner_score: float
    winner_state: EMState

    def scores_of(self, covariance_type: str) -> TypeScores:
        return next(scores for scores in self.by_type if scores.covariance_type == covariance_type)


def compare_models(
    X, settings: ChooseKSettings, on_progress: Callable[[int, int], None] | None = None
) -> ModelComparison:
    """Run :func:`gmm_core.select_n_components` for each covariance type and find the overall winner.

    ``on_progress(done, total)`` counts fitted (type, K) pairs across all types. The winner's
    state holds its final parameters and the responsibilities of those parameters.
    """
    if not settings.covariance_types:
        raise ValueError("Choose at least one covariance type to compare.")
    if settings.criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {CRITERIA}; got {settings.criterion!r}.")
    data = prepare(X)
    n_candidates = len([k for k in settings.k_values if k <= data.n_samples])
    total = n_candidates * len(settings.covariance_types)
    by_type, winner = [], None
    # k-means (OpenMP) and BLAS start worker threads that spin-wait for each other; on a busy
    # 2-core server that made this search of small fits 10-50x slower (12 s instead of 0.3 s).
    with threadpool_limits(limits=1):
        for position, covariance_type in enumerate(settings.covariance_types):
            scores, params = _scores_for_type(
                data, settings, covariance_type, position * n_candidates, total, on_progress
            )
            by_type.append(scores)
            best = float(scores.scores(settings.criterion).min())
            if winner is None or best < winner[0]:
                winner = (best, covariance_type, scores.best_k, params)
    best_score, winner_type, winner_k, params = winner
    log_likelihood, responsibilities = e_step(data, params)
    state = EMState(0, "M", params, responsibilities, log_likelihood)
    return ModelComparison(settings, tuple(by_type), winner_type, winner_k, best_score, state)


def _scores_for_type(data, settings: ChooseKSettings, covariance_type: str, offset: int, total: int, on_progress):
    """One covariance type's search; returns its scores and the winning parameters."""

    def report(done, _total):
        if on_progress is not None:
            on_progress(offset + done, total)

    result = select_n_components(
        data,
        settings.k_values,
        covariance_type=covariance_type,
        criterion=settings.criterion,
        n_init=settings.n_init,
        random_state=settings.seed,
        on_progress=report,
    )
    scores = TypeScores(covariance_type, result.k_values, result.bic, result.aic, result.log_likelihoods, result.best_k)
    return scores, result.best_history[-1].params


def true_components(data) -> int | None:
    """The true K of a LoadedData: from the generating mixture, else from its class labels, else None."""
    if data.true_params is not None:
        return data.true_params.n_components
    if data.labels is not None:
        return int(len(np.unique(data.labels)))
    return None


def selection_table(comparison: ModelComparison, *, lang: str = "en") -> str:
    """One row per covariance type as a Markdown table, the winning type in bold.

    Columns: the type, its best K by BIC and by AIC, and the log-likelihood at the K the
    comparison's criterion chose.
    """
    rows = []
    for scores in comparison.by_type:
        chosen = int(np.argmin(scores.scores(comparison.settings.criterion)))
        rows.append(
            {
                t("ck.table.type", lang): scores.covariance_type,
                t("ck.table.bic_k", lang): str(int(scores.k_values[np.argmin(scores.bic)])),
                t("ck.table.aic_k", lang): str(int(scores.k_values[np.argmin(scores.aic)])),
                t("ck.table.ll", lang): fixed(scores.log_likelihoods[chosen], 4),
            }
        )
    table = pd.DataFrame(rows)
    winner = [scores.covariance_type for scores in comparison.by_type].index(comparison.winner_type)
    return markdown_table(table, right=list(table.columns[1:]), bold_rows=[winner])


def estimator_code(comparison: ModelComparison, *, lang: str = "en") -> str:
    """The GaussianMixtureEM call making the same BIC choice for the winning covariance type (comment in ``lang``)."""
    settings = comparison.settings
    best_by_bic = comparison.scores_of(comparison.winner_type)
    best_k = int(best_by_bic.k_values[np.argmin(best_by_bic.bic)])
    return (
        "from gmm_core import GaussianMixtureEM\n\n"
        "model = GaussianMixtureEM(\n"
        f"    n_components=None,  # {t('ck.code.comment', lang)}\n"
        f'    covariance_type="{comparison.winner_type}",\n'
        f"    n_init={settings.n_init},\n"
        f"    random_state={settings.seed},\n"
        f"    k_range=range(1, {settings.k_max + 1}),\n"
        ").fit(X)\n"
        f"model.selection_.best_k  # {best_k}\n"
    )


class ComparisonStore:
    """A small thread-safe LRU store of finished comparisons, shared by every session of the server.

    ``st.cache_data`` would replay the progress bar a comparison drew while it ran (and refuses,
    since the bar lives outside the cached function), so the page keeps results here instead
    and draws its progress bar only when a comparison really runs. Results are immutable and
    the same for everyone who asks with the same key, so sharing them is safe.
    """

    def __init__(self, max_entries: int = 16):
        self.max_entries = max_entries
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key) -> ModelComparison | None:
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key, comparison: ModelComparison) -> None:
        with self._lock:
            self._entries[key] = comparison
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
