"""GaussianMixtureEM as a scikit-learn estimator: check_estimator, clone, Pipeline, GridSearchCV."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import gmm_core
from gmm_core import GaussianMixtureEM
from gmm_core.estimator import EXPECTED_FAILED_CHECKS

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.usefixtures("one_blas_thread"),
]

WELL_SEPARATED = gmm_core.sample_mixture(450, 3, 2, separation=8.0, concentration=50.0, random_state=2).X


@parametrize_with_checks(
    # The default (K chosen by BIC) and a fixed, quick K.
    [GaussianMixtureEM(), GaussianMixtureEM(2, n_init=2, max_iter=5)],
    expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_every_expected_failure_has_a_one_sentence_reason():
    for name, reason in EXPECTED_FAILED_CHECKS.items():
        assert name.startswith("check_")
        assert reason.endswith(".") and reason.count(". ") == 0


def test_clone_keeps_the_parameters_and_drops_the_fit():
    start = gmm_core.initialize(WELL_SEPARATED, 3, covariance_type="diag", random_state=0)
    model = GaussianMixtureEM(3, covariance_type="diag", random_state=4, k_range=range(2, 5), init=start)
    model.fit(WELL_SEPARATED)
    copy = clone(model)
    assert copy.get_params() == model.get_params() | {"init": copy.init}
    assert copy.init.allclose(start, rtol=0.0)
    assert not hasattr(copy, "params_")
    with pytest.raises(NotFittedError, match=r"not fitted yet; call fit\(X\) first"):
        copy.predict(WELL_SEPARATED)


def test_init_does_not_touch_the_parameters():
    k_range = [1, 2, 3]
    model = GaussianMixtureEM(k_range=k_range, random_state=np.random.RandomState(0))
    assert model.k_range is k_range
    assert model.n_components is None
    assert repr(GaussianMixtureEM(3)) == "GaussianMixtureEM(n_components=3)"


def test_pipeline_with_a_scaler_fits_and_scores():
    X = WELL_SEPARATED * [1.0, 1000.0] + [0.0, 5e4]
    pipeline = make_pipeline(StandardScaler(), GaussianMixtureEM(3, random_state=0)).fit(X)
    mixture = pipeline[-1]
    scaled = StandardScaler().fit_transform(X)
    assert pipeline.score(X) == pytest.approx(mixture.score(scaled))
    assert np.isfinite(pipeline.score(X))
    np.testing.assert_array_equal(pipeline.predict(X), mixture.predict(scaled))
    np.testing.assert_allclose(pipeline.score_samples(X), mixture.score_samples(scaled))


def test_grid_search_over_n_components_picks_three():
    search = GridSearchCV(GaussianMixtureEM(random_state=0), {"n_components": [1, 2, 3]}, cv=3)
    search.fit(WELL_SEPARATED)
    assert search.best_params_ == {"n_components": 3}
    assert search.best_estimator_.params_.n_components == 3


def test_score_samples_average_is_score(to_sklearn):
    model = GaussianMixtureEM(3, random_state=0).fit(WELL_SEPARATED)
    log_density = model.score_samples(WELL_SEPARATED)
    assert log_density.shape == (WELL_SEPARATED.shape[0],)
    assert log_density.mean() == pytest.approx(model.score(WELL_SEPARATED), rel=1e-12)
    np.testing.assert_allclose(log_density, to_sklearn(model.params_).score_samples(WELL_SEPARATED), rtol=1e-10)
    assert logsumexp(log_density) > -np.inf


@pytest.mark.parametrize("covariance_type", gmm_core.COVARIANCE_TYPES)
def test_sample_draws_from_the_fit(covariance_type):
    model = GaussianMixtureEM(3, covariance_type=covariance_type, random_state=0).fit(WELL_SEPARATED)
    X, labels = model.sample(3000)
    assert X.shape == (3000, 2) and labels.shape == (3000,)
    np.testing.assert_allclose(np.bincount(labels, minlength=3) / 3000, model.weights_, atol=0.03)
    for k in range(3):
        np.testing.assert_allclose(X[labels == k].mean(axis=0), model.means_[k], atol=0.2)
    again, _ = model.sample(3000)
    np.testing.assert_array_equal(X, again)  # an int random_state draws the same samples every time


def test_feature_names_from_a_dataframe_are_checked():
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(WELL_SEPARATED, columns=["height", "weight"])
    model = GaussianMixtureEM(3, random_state=0).fit(frame)
    np.testing.assert_array_equal(model.feature_names_in_, ["height", "weight"])
    with pytest.raises(ValueError, match="feature names"):
        model.predict(frame.rename(columns={"weight": "age"}))


def test_wrong_number_of_features_says_what_to_do():
    model = GaussianMixtureEM(3, random_state=0).fit(WELL_SEPARATED)
    with pytest.raises(ValueError, match=r"expecting 2 features as input.*same columns"):
        model.score(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"Reshape your data"):
        model.predict(np.zeros(2))
