"""GaussianMixtureEM against scikit-learn, its history, and choosing K by BIC."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

import gmm_core
from gmm_core import COVARIANCE_TYPES, GaussianMixtureEM, run_em, select_n_components

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.usefixtures("one_blas_thread"),
]

X = gmm_core.sample_mixture(400, 3, 2, separation=3.0, elongation=2.0, random_state=21).X
X_NEW = np.vstack([gmm_core.sample_mixture(50, 3, 2, random_state=22).X * 2.0, [[1e4, -1e4]]])


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_fit_matches_sklearn(covariance_type, seed, assert_matches_sklearn):
    ours = GaussianMixtureEM(3, covariance_type=covariance_type, random_state=seed).fit(X)
    theirs = GaussianMixture(3, covariance_type=covariance_type, random_state=seed).fit(X)
    assert_matches_sklearn(ours.params_, theirs)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.converged_ == theirs.converged_
    assert ours.lower_bound_ == pytest.approx(theirs.lower_bound_, rel=1e-6)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_n_init_keeps_the_same_best_fit_as_sklearn(covariance_type, assert_matches_sklearn):
    options = {"covariance_type": covariance_type, "init_params": "random_from_data", "n_init": 3, "random_state": 5}
    ours = GaussianMixtureEM(3, **options).fit(X)
    theirs = GaussianMixture(3, **options).fit(X)
    assert_matches_sklearn(ours.params_, theirs)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.lower_bound_ == pytest.approx(theirs.lower_bound_, rel=1e-6)
    # The kept fit is the best of the three single starts drawn from the same stream.
    stream = np.random.RandomState(5)
    singles = [
        gmm_core.fit_best_of(X, 3, init_params="random_from_data", random_state=stream, covariance_type=covariance_type)
        for _ in range(3)
    ]
    assert ours.lower_bound_ == max(history[-1].log_likelihood for history in singles)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_predictions_and_scores_match_sklearn_on_the_same_parameters(covariance_type, to_sklearn):
    ours = GaussianMixtureEM(3, covariance_type=covariance_type, random_state=0).fit(X)
    theirs = to_sklearn(ours.params_)
    for data in (X, X_NEW):
        np.testing.assert_array_equal(ours.predict(data), theirs.predict(data))
        np.testing.assert_allclose(ours.predict_proba(data), theirs.predict_proba(data), rtol=1e-9, atol=1e-13)
        assert ours.score(data) == pytest.approx(theirs.score(data), rel=1e-10)
        assert ours.bic(data) == pytest.approx(theirs.bic(data), rel=1e-10)
        assert ours.aic(data) == pytest.approx(theirs.aic(data), rel=1e-10)


def test_fitted_attributes_and_history():
    model = GaussianMixtureEM(3, random_state=0).fit(X)
    history = model.history_
    assert history[0].phase == "init" and history[0].iteration == 0
    assert [state.phase for state in history[1:]] == ["E", "M"] * model.n_iter_
    assert [state.iteration for state in history[1:]] == [i for i in range(1, model.n_iter_ + 1) for _ in "EM"]
    assert model.params_ is history[-1].params
    np.testing.assert_array_equal(model.weights_, model.params_.weights)
    np.testing.assert_array_equal(model.means_, model.params_.means)
    np.testing.assert_array_equal(model.covariances_, model.params_.covariances)
    assert model.lower_bound_ == history[-1].log_likelihood
    assert model.converged_ and history[-1].converged
    assert model.n_features_in_ == 2
    assert model.selection_ is None
    np.testing.assert_array_equal(model.fit_predict(X), model.predict(X))


def test_explicit_start_is_run_as_given():
    start = gmm_core.initialize(X, 3, "random", covariance_type="diag", random_state=1)
    model = GaussianMixtureEM(covariance_type="diag", init=start, max_iter=7, tol=0).fit(X)
    expected = run_em(X, start, max_iter=7, tol=0)
    assert model.history_[0].params is start
    assert len(model.history_) == len(expected) == 15
    assert model.params_.allclose(expected[-1].params, rtol=0.0)


def test_max_iter_zero_keeps_the_start():
    model = GaussianMixtureEM(3, max_iter=0, random_state=0).fit(X)
    assert model.n_iter_ == 0
    assert model.lower_bound_ == -np.inf
    assert model.params_.allclose(gmm_core.initialize(X, 3, random_state=0), rtol=0.0)


def test_one_feature_data_as_a_flat_array(assert_matches_sklearn):
    values = gmm_core.sample_mixture(300, 2, 1, separation=4.0, random_state=3).X[:, 0]
    ours = GaussianMixtureEM(2, random_state=0).fit(values)
    theirs = GaussianMixture(2, random_state=0).fit(values[:, np.newaxis])
    assert_matches_sklearn(ours.params_, theirs)
    np.testing.assert_array_equal(ours.predict(values), theirs.predict(values[:, np.newaxis]))


# --------------------------------------------------------------------------- choosing K


WELL_SEPARATED = gmm_core.sample_mixture(450, 3, 2, separation=8.0, concentration=50.0, random_state=2).X


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_bic_picks_three_for_three_well_separated_clusters(covariance_type):
    result = select_n_components(WELL_SEPARATED, range(1, 7), covariance_type=covariance_type, random_state=0)
    assert result.best_k == 3
    assert result.criterion == "bic"
    np.testing.assert_array_equal(result.k_values, np.arange(1, 7))
    assert int(np.argmin(result.bic)) == 2
    assert result.best_history[-1].params.n_components == 3


def test_selection_scores_are_sklearns_bic_and_aic_for_the_same_fits():
    result = select_n_components(WELL_SEPARATED, [1, 2, 3, 4], random_state=11)
    for k, bic, aic, log_likelihood in zip(
        result.k_values, result.bic, result.aic, result.log_likelihoods, strict=True
    ):
        # Each K uses its own seed, random_state + 7919 K, so it can be refitted alone.
        theirs = GaussianMixture(int(k), random_state=11 + 7919 * int(k)).fit(WELL_SEPARATED)
        assert bic == pytest.approx(theirs.bic(WELL_SEPARATED), rel=1e-8)
        assert aic == pytest.approx(theirs.aic(WELL_SEPARATED), rel=1e-8)
        assert log_likelihood == pytest.approx(theirs.lower_bound_, rel=1e-8)


def test_estimator_without_n_components_chooses_as_select_n_components():
    settings = {"covariance_type": "diag", "n_init": 2, "init_params": "kmeans", "random_state": 4}
    model = GaussianMixtureEM(None, k_range=range(1, 6), **settings).fit(WELL_SEPARATED)
    result = select_n_components(WELL_SEPARATED, range(1, 6), **settings)
    assert model.selection_ is not None
    assert model.selection_.best_k == result.best_k == 3
    assert model.params_.n_components == 3
    np.testing.assert_allclose(model.selection_.bic, result.bic, rtol=1e-12)
    assert model.params_.allclose(result.best_history[-1].params, rtol=0.0)


def test_aic_criterion_progress_and_too_large_candidates():
    calls = []
    result = select_n_components(
        WELL_SEPARATED[:8],
        [1, 2, 3, 9, 20],
        criterion="aic",
        random_state=0,
        on_progress=lambda done, total: calls.append((done, total)),
    )
    np.testing.assert_array_equal(result.k_values, [1, 2, 3])  # 9 and 20 > 8 samples are skipped
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert result.criterion == "aic"
    assert result.best_k == result.k_values[int(np.argmin(result.aic))]
