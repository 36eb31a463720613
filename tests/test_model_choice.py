"""emlab.choose_k.model: BIC/AIC across covariance types agrees with GaussianMixtureEM(n_components=None)."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from emlab.choose_k.model import (
    ChooseKSettings,
    ComparisonStore,
    compare_models,
    estimator_code,
    selection_table,
    true_components,
)
from emlab.shared.pipeline import load_data
from emlab.shared.settings import DataSettings
from emlab.shared.text import t
from gmm_core import COVARIANCE_TYPES, GaussianMixtureEM, log_likelihood
from tests.markdown_tables import read_table


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """The estimator fits below run k-means and BLAS; on a busy machine their spinning threads cost 10x."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def data():
    return load_data(DataSettings(n=400))


@pytest.fixture(scope="module")
def comparison(data):
    return compare_models(data.X, ChooseKSettings(k_max=6, n_init=2, seed=3))


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_bic_choice_equals_the_estimators(data, comparison, covariance_type):
    model = GaussianMixtureEM(
        n_components=None, covariance_type=covariance_type, n_init=2, random_state=3, k_range=range(1, 7)
    ).fit(data.X)
    scores = comparison.scores_of(covariance_type)
    assert int(scores.k_values[np.argmin(scores.bic)]) == model.selection_.best_k
    np.testing.assert_allclose(scores.bic, model.selection_.bic)
    np.testing.assert_allclose(scores.aic, model.selection_.aic)


def test_winner_is_the_lowest_score_over_all_types(comparison):
    lowest = min((float(s.bic.min()), s.covariance_type) for s in comparison.by_type)
    assert (comparison.winner_score, comparison.winner_type) == lowest
    assert comparison.winner_k == comparison.scores_of(comparison.winner_type).best_k


def test_winner_state_holds_the_winning_fit(data, comparison):
    state = comparison.winner_state
    assert state.params.covariance_type == comparison.winner_type
    assert state.params.n_components == comparison.winner_k
    assert state.log_likelihood == pytest.approx(log_likelihood(data.X, state.params))
    np.testing.assert_allclose(state.responsibilities.sum(axis=1), 1.0)


def test_aic_picks_by_aic(data):
    result = compare_models(data.X, ChooseKSettings(("spherical",), k_max=6, n_init=1, criterion="aic", seed=0))
    scores = result.scores_of("spherical")
    assert result.winner_k == int(scores.k_values[np.argmin(scores.aic)])
    assert result.winner_score == pytest.approx(scores.aic.min())


def test_progress_counts_every_fit_across_types(data):
    calls = []
    compare_models(data.X, ChooseKSettings(("full", "diag"), k_max=4, n_init=1), on_progress=lambda *a: calls.append(a))
    assert calls == [(done, 8) for done in range(1, 9)]


def test_candidates_above_n_are_skipped():
    X = np.random.default_rng(0).normal(size=(5, 2))
    result = compare_models(X, ChooseKSettings(("spherical",), k_max=10, n_init=1))
    assert result.scores_of("spherical").k_values.tolist() == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("settings", "message"),
    [(ChooseKSettings(covariance_types=()), "at least one"), (ChooseKSettings(criterion="hqc"), "criterion")],
)
def test_bad_settings_raise_value_error(data, settings, message):
    with pytest.raises(ValueError, match=message):
        compare_models(data.X, settings)


def test_estimator_code_runs_and_gives_the_stated_k(data, comparison):
    code = estimator_code(comparison)
    namespace = {"X": data.X}
    exec(code, namespace)  # the snippet the page shows, run as a student would
    stated = int(code.strip().rsplit("#", 1)[1])
    assert namespace["model"].selection_.best_k == stated


def test_selection_table_has_a_row_per_type_and_the_winner_in_bold(comparison):
    markdown = selection_table(comparison)
    table = read_table(markdown)
    assert table[t("ck.table.type")] == list(COVARIANCE_TYPES)
    chosen = [(s.k_values[np.argmin(s.bic)], s.k_values[np.argmin(s.aic)]) for s in comparison.by_type]
    shown = [(int(b), int(a)) for b, a in zip(table[t("ck.table.bic_k")], table[t("ck.table.aic_k")], strict=True)]
    assert shown == chosen
    bold = [line for line in markdown.splitlines() if line.startswith("| **")]
    assert bold == [next(line for line in markdown.splitlines() if f"| **{comparison.winner_type}** |" in line)]


def test_true_components():
    assert true_components(load_data(DataSettings(k_true=5))) == 5
    assert true_components(load_data(DataSettings(source="iris"))) == 3
    assert true_components(load_data(DataSettings(source="old_faithful"))) is None


def test_store_keeps_the_most_recent_entries():
    store = ComparisonStore(max_entries=2)
    store.put("a", 1)
    store.put("b", 2)
    assert store.get("a") == 1  # "a" is now the most recent
    store.put("c", 3)
    assert store.get("b") is None and store.get("a") == 1 and store.get("c") == 3
    assert len(store) == 2
