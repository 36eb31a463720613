"""Every bad input is a ValueError whose message tells a student what to change."""

from __future__ import annotations

import numpy as np
import pytest

import gmm_core
from gmm_core import (
    GaussianMixtureEM,
    GMMParams,
    e_step,
    initialize,
    initialize_from_means,
    m_step,
    match_labels,
    run_em,
    sample_mixture,
    select_n_components,
)

pytestmark = pytest.mark.usefixtures("one_blas_thread")

X_GOOD = gmm_core.sample_mixture(60, 2, 2, random_state=0).X
PARAMS_GOOD = GMMParams([0.5, 0.5], [[0.0, 0.0], [3.0, 3.0]], np.stack([np.eye(2), np.eye(2)]))


def with_nan(X):
    X = X.copy()
    X[3, 1] = np.nan
    return X


def with_inf(X):
    X = X.copy()
    X[0, 0] = -np.inf
    return X


BAD_DATA = [
    pytest.param(np.zeros((4, 3, 2)), r"shape \(n_samples, n_features\).*3 dimensions", id="three-dimensional"),
    pytest.param(with_nan(X_GOOD), r"NaN or infinite values in 1 row", id="nan"),
    pytest.param(with_inf(X_GOOD), r"NaN or infinite values in 1 row", id="inf"),
    pytest.param(np.empty((0, 2)), r"empty", id="no-rows"),
    pytest.param([], r"empty", id="empty-list"),
    pytest.param(np.empty((5, 0)), r"empty", id="no-columns"),
    pytest.param([["1.5", "a"], ["2", "b"]], r"real numbers only", id="strings"),
    pytest.param(["x", "y", "z"], r"real numbers only", id="flat-strings"),
    pytest.param([[1.0, 2.0], [3.0]], r"real numbers only", id="ragged"),
    pytest.param(np.ones((5, 2)) * 1j, r"real numbers only.*complex", id="complex"),
    pytest.param(3.0, r"0 dimensions", id="scalar"),
]


@pytest.mark.parametrize(("X", "message"), BAD_DATA)
@pytest.mark.parametrize(
    "use",
    [
        pytest.param(lambda X: run_em(X, "kmeans", n_components=2), id="run_em"),
        pytest.param(lambda X: GaussianMixtureEM(2).fit(X), id="estimator"),
        pytest.param(lambda X: initialize(X, 2), id="initialize"),
        pytest.param(lambda X: e_step(X, PARAMS_GOOD), id="e_step"),
        pytest.param(lambda X: m_step(X, np.full((5, 2), 0.5)), id="m_step"),
        pytest.param(lambda X: gmm_core.prepare(X), id="prepare"),
    ],
)
def test_bad_data_is_refused_everywhere(use, X, message):
    with pytest.raises(ValueError, match=message):
        use(X)


@pytest.mark.parametrize(
    "use",
    [
        pytest.param(lambda X: run_em(X, "kmeans", n_components=4), id="run_em"),
        pytest.param(lambda X: GaussianMixtureEM(4).fit(X), id="estimator"),
        pytest.param(lambda X: initialize(X, 4), id="initialize"),
        pytest.param(lambda X: initialize_from_means(X, np.zeros((4, 2))), id="initialize_from_means"),
        pytest.param(lambda X: run_em(X, gmm_core.initialize(X_GOOD, 4)), id="run_em-from-params"),
    ],
)
def test_fewer_samples_than_components(use):
    with pytest.raises(ValueError, match=r"Cannot fit 4 components to 3 samples"):
        use(X_GOOD[:3])


@pytest.mark.parametrize(
    "use",
    [
        pytest.param(lambda: run_em(X_GOOD, "kmeans", n_components=2, covariance_type="fulll"), id="run_em"),
        pytest.param(lambda: GaussianMixtureEM(2, covariance_type="fulll").fit(X_GOOD), id="estimator"),
        pytest.param(lambda: initialize(X_GOOD, 2, covariance_type="fulll"), id="initialize"),
        pytest.param(lambda: m_step(X_GOOD, np.full((60, 2), 0.5), covariance_type="fulll"), id="m_step"),
        pytest.param(lambda: GMMParams([1.0], [[0.0, 0.0]], [np.eye(2)], "fulll"), id="GMMParams"),
        pytest.param(lambda: select_n_components(X_GOOD, [1, 2], covariance_type="fulll"), id="select"),
    ],
)
def test_unknown_covariance_type(use):
    with pytest.raises(ValueError, match=r"Unknown covariance type 'fulll'; choose one of 'full', 'tied'"):
        use()


@pytest.mark.parametrize(
    ("use", "message"),
    [
        pytest.param(
            lambda: run_em(X_GOOD, "kmeans++", n_components=2),
            r"Unknown initialisation method 'kmeans\+\+'; choose one of 'kmeans', 'k-means\+\+'",
            id="run_em",
        ),
        pytest.param(
            lambda: initialize(X_GOOD, 2, "kmeans++"), r"Unknown initialisation method 'kmeans\+\+'", id="initialize"
        ),
        pytest.param(
            lambda: GaussianMixtureEM(2, init_params="kmeans++").fit(X_GOOD),
            r"Unknown init_params 'kmeans\+\+'; choose one of",
            id="estimator",
        ),
        pytest.param(
            lambda: run_em(X_GOOD, "kmeans"), r"n_components is required when init is a method name", id="no-K"
        ),
    ],
)
def test_unknown_init_method(use, message):
    with pytest.raises(ValueError, match=message):
        use()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param({"reg_covar": -1e-6}, r"reg_covar must be non-negative", id="negative-reg_covar"),
        pytest.param({"reg_covar": float("nan")}, r"reg_covar must be a finite number", id="nan-reg_covar"),
        pytest.param({"reg_covar": "small"}, r"reg_covar must be a finite number", id="string-reg_covar"),
        pytest.param({"tol": -1e-3}, r"tol must be a non-negative number; got -0.001", id="negative-tol"),
        pytest.param({"tol": float("inf")}, r"tol must be a non-negative number", id="infinite-tol"),
        pytest.param({"max_iter": -1}, r"max_iter must be a whole number >= 0; got -1", id="max_iter-minus-one"),
        pytest.param({"max_iter": 2.5}, r"max_iter must be a whole number >= 0; got 2.5", id="fractional-max_iter"),
    ],
)
@pytest.mark.parametrize(
    "use",
    [
        pytest.param(lambda **options: run_em(X_GOOD, "kmeans", n_components=2, **options), id="run_em"),
        pytest.param(lambda **options: run_em(X_GOOD, PARAMS_GOOD, **options), id="run_em-from-params"),
        pytest.param(lambda **options: GaussianMixtureEM(2, **options).fit(X_GOOD), id="estimator"),
    ],
)
def test_bad_fit_options(use, options, message):
    with pytest.raises(ValueError, match=message):
        use(**options)


@pytest.mark.parametrize("reg_covar", [-1.0, float("nan")])
def test_bad_reg_covar_in_the_steps(reg_covar):
    with pytest.raises(ValueError, match=r"reg_covar must be"):
        m_step(X_GOOD, np.full((60, 2), 0.5), reg_covar=reg_covar)
    with pytest.raises(ValueError, match=r"reg_covar must be"):
        initialize(X_GOOD, 2, reg_covar=reg_covar)


@pytest.mark.parametrize("n_components", [0, -2, 1.5, "3", True])
def test_bad_number_of_components(n_components):
    with pytest.raises(ValueError, match=r"number of components must be a whole number >= 1"):
        run_em(X_GOOD, "kmeans", n_components=n_components)


def test_bad_n_init():
    with pytest.raises(ValueError, match=r"n_init must be a whole number >= 1; got 0"):
        GaussianMixtureEM(2, n_init=0).fit(X_GOOD)


TWO_IDENTITIES = np.stack([np.eye(2), np.eye(2)])


@pytest.mark.parametrize(
    ("build", "message"),
    [
        pytest.param(
            lambda: GMMParams([0.5, 0.4], [[0, 0], [1, 1]], TWO_IDENTITIES),
            r"weights must sum to 1 \(they are probabilities\); they sum to 0.9",
            id="weights-sum-below-one",
        ),
        pytest.param(
            lambda: GMMParams([0.7, 0.7], [[0, 0], [1, 1]], TWO_IDENTITIES),
            r"weights must sum to 1.*sum to 1.4",
            id="weights-sum-above-one",
        ),
        pytest.param(
            lambda: GMMParams([1.5, -0.5], [[0, 0], [1, 1]], TWO_IDENTITIES),
            r"weights must be finite and non-negative; got \[1.5, -0.5\]",
            id="negative-weight",
        ),
        pytest.param(
            lambda: GMMParams([np.nan, 1.0], [[0, 0], [1, 1]], TWO_IDENTITIES),
            r"weights must be finite and non-negative",
            id="nan-weight",
        ),
        pytest.param(
            lambda: GMMParams([], np.empty((0, 2)), np.empty((0, 2, 2))),
            r"weights must be a non-empty 1-D array",
            id="no-components",
        ),
        pytest.param(
            lambda: GMMParams(["a", "b"], [[0, 0], [1, 1]], TWO_IDENTITIES),
            r"weights must be an array of numbers",
            id="string-weights",
        ),
        pytest.param(
            lambda: GMMParams([0.5, 0.5], [[0, 0], [1]], TWO_IDENTITIES),
            r"means must be an array of numbers",
            id="ragged-means",
        ),
        pytest.param(
            lambda: GMMParams([0.5, 0.5], [[0, 0], [1, 1], [2, 2]], TWO_IDENTITIES),
            r"There are 2 weights but 3 means; give one weight and one mean per component",
            id="means-weights-count-mismatch",
        ),
        pytest.param(
            lambda: GMMParams([0.5, 0.5], [[0, np.inf], [1, 1]], TWO_IDENTITIES),
            r"means contain NaN or infinite values",
            id="infinite-mean",
        ),
        pytest.param(
            lambda: GMMParams([0.5, 0.5], [[0, 0], [1, 1]], np.eye(2)),
            r"covariance_type='full' with 2 components in 2 dimensions, covariances must have shape "
            r"\(2, 2, 2\); got \(2, 2\)",
            id="full-covariance-shape",
        ),
        pytest.param(
            lambda: GMMParams([0.5, 0.5], [[0, 0], [1, 1]], TWO_IDENTITIES, "tied"),
            r"covariance_type='tied'.*must have shape \(2, 2\); got \(2, 2, 2\)",
            id="tied-covariance-shape",
        ),
        pytest.param(
            lambda: GMMParams([0.5, 0.5], [[0, 0], [1, 1]], [1.0, 1.0], "diag"),
            r"covariance_type='diag'.*must have shape \(2, 2\); got \(2,\)",
            id="diag-covariance-shape",
        ),
        pytest.param(
            lambda: GMMParams([0.5, 0.5], [[0, 0], [1, 1]], [[1.0, 1.0]], "spherical"),
            r"covariance_type='spherical'.*must have shape \(2,\); got \(1, 2\)",
            id="spherical-covariance-shape",
        ),
        pytest.param(
            lambda: GMMParams([0.5, 0.5], [[0, 0], [1, 1]], np.stack([np.eye(2), [[1.0, 0.5], [0.2, 1.0]]])),
            r"Each covariance matrix must be symmetric",
            id="non-symmetric",
        ),
        pytest.param(
            lambda: GMMParams([0.5, 0.5], [[0, 0], [1, 1]], np.stack([np.eye(2), [[1.0, 2.0], [2.0, 1.0]]])),
            r"not positive definite.*Increase reg_covar",
            id="indefinite",
        ),
        pytest.param(
            lambda: GMMParams([1.0], [[0, 0]], [[[1.0, 1.0], [1.0, 1.0]]]),
            r"not positive definite",
            id="singular",
        ),
        pytest.param(
            lambda: GMMParams([1.0], [[0, 0]], [[-1.0, 0.0], [0.0, 1.0]], "tied"),
            r"not positive definite",
            id="tied-indefinite",
        ),
        pytest.param(
            lambda: GMMParams([0.5, 0.5], [[0, 0], [1, 1]], [[1.0, 0.0], [1.0, 1.0]], "diag"),
            r"diag covariances are variances and must all be positive",
            id="zero-variance",
        ),
        pytest.param(
            lambda: GMMParams([0.5, 0.5], [[0, 0], [1, 1]], [1.0, -1.0], "spherical"),
            r"spherical covariances are variances and must all be positive",
            id="negative-variance",
        ),
        pytest.param(
            lambda: GMMParams([0.5, 0.5], [[0, 0], [1, 1]], [1.0, np.nan], "spherical"),
            r"covariances contain NaN or infinite values",
            id="nan-variance",
        ),
    ],
)
def test_invalid_params(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_params_and_data_must_have_the_same_features():
    X_three_features = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(ValueError, match=r"The model has 2 feature\(s\) but the data has 3 column\(s\)"):
        e_step(X_three_features, PARAMS_GOOD)
    with pytest.raises(ValueError, match=r"starting parameters have 2 feature\(s\) but the data has 3"):
        run_em(X_three_features, PARAMS_GOOD)
    with pytest.raises(ValueError, match=r"The model has 2 feature\(s\)"):
        gmm_core.bic(X_three_features, PARAMS_GOOD)


def test_e_step_needs_gmm_params():
    with pytest.raises(ValueError, match=r"params must be a GMMParams; got dict"):
        e_step(X_GOOD, PARAMS_GOOD.to_dict())


@pytest.mark.parametrize(
    ("responsibilities", "message"),
    [
        pytest.param(np.full((59, 2), 0.5), r"shape \(n_samples, n_components\) = \(60, K\); got \(59, 2\)", id="rows"),
        pytest.param(np.full(60, 1.0), r"got \(60,\)", id="one-dimensional"),
        pytest.param(np.full((2, 60), 0.5), r"got \(2, 60\)", id="transposed"),
        pytest.param(np.full((60, 2), -0.5), r"finite and non-negative", id="negative"),
        pytest.param(np.full((60, 2), np.nan), r"finite and non-negative", id="nan"),
        pytest.param([["a", "b"]] * 60, r"responsibilities must be an array of numbers", id="strings"),
    ],
)
def test_m_step_responsibilities(responsibilities, message):
    with pytest.raises(ValueError, match=message):
        m_step(X_GOOD, responsibilities)


def test_starting_params_must_agree_with_the_other_arguments():
    with pytest.raises(ValueError, match=r"covariance_type='full' but covariance_type='diag' was asked for"):
        run_em(X_GOOD, PARAMS_GOOD, covariance_type="diag")
    with pytest.raises(ValueError, match=r"starting parameters have 2 components but n_components=3"):
        run_em(X_GOOD, PARAMS_GOOD, n_components=3)
    with pytest.raises(ValueError, match=r"starting parameters have 2 components but n_components=3"):
        GaussianMixtureEM(3, init=PARAMS_GOOD).fit(X_GOOD)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "score", "bic", "aic"])
def test_using_an_unfitted_estimator(method):
    with pytest.raises(ValueError, match=r"not fitted yet; call fit\(X\) first"):
        getattr(GaussianMixtureEM(2), method)(X_GOOD)


def test_predicting_on_data_with_other_features():
    model = GaussianMixtureEM(2, random_state=0).fit(X_GOOD)
    with pytest.raises(ValueError, match=r"fitted on 2 feature\(s\); X has 3"):
        model.predict(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"NaN or infinite"):
        model.predict_proba(with_nan(X_GOOD))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param({"n_samples": 0}, r"n_samples must be a whole number >= 1; got 0", id="no-samples"),
        pytest.param({"n_components": 0}, r"number of components must be a whole number >= 1", id="no-components"),
        pytest.param({"n_features": 0}, r"n_features must be a whole number >= 1", id="no-features"),
        pytest.param({"concentration": 0.0}, r"concentration must be a positive number", id="zero-concentration"),
        pytest.param({"concentration": None}, r"concentration must be a positive number; got None", id="none"),
        pytest.param({"separation": -1.0}, r"separation must be a positive number", id="negative-separation"),
        pytest.param({"elongation": 0.5}, r"elongation .* must be >= 1", id="elongation-below-one"),
        pytest.param({"layout": "grid"}, r"Unknown layout 'grid'", id="unknown-layout"),
    ],
)
def test_sample_mixture_options(options, message):
    arguments = {"n_samples": 100, "n_components": 3} | options
    with pytest.raises(ValueError, match=message):
        sample_mixture(**arguments)


def test_model_selection_options():
    with pytest.raises(ValueError, match=r"criterion must be 'bic' or 'aic'; got 'icl'"):
        select_n_components(X_GOOD, [1, 2], criterion="icl")
    with pytest.raises(ValueError, match=r"No candidate number of components fits 3 samples"):
        select_n_components(X_GOOD[:3], [5, 6])


@pytest.mark.parametrize(
    ("true_labels", "predicted_labels", "n_components", "message"),
    [
        pytest.param([0, 1, -1], [0, 1, 1], None, r"true_labels must be non-negative", id="negative"),
        pytest.param([], [], None, r"non-empty 1-D array", id="empty"),
        pytest.param([0, 1, 2], [0, 1], None, r"same samples; got 3 and 2", id="length-mismatch"),
        pytest.param([0, 1, 2], [0, 1, 2], 2, r"predicted_labels go up to 2 but n_components=2", id="too-few"),
        pytest.param([0.5, 1.0], [0, 1], None, r"whole numbers", id="fractional"),
    ],
)
def test_match_labels_input(true_labels, predicted_labels, n_components, message):
    with pytest.raises(ValueError, match=message):
        match_labels(true_labels, predicted_labels, n_components)


def test_geometry_input():
    with pytest.raises(ValueError, match=r"probability level must be between 0 and 1; got 1.0"):
        gmm_core.ellipse_outline([0.0, 0.0], np.eye(2), level=1.0)
    with pytest.raises(ValueError, match=r"needs a 2-D mean and a 2x2 covariance; project the component first"):
        gmm_core.ellipse_outline([0.0, 0.0, 0.0], np.eye(3))
    with pytest.raises(ValueError, match=r"Choose two different features between 0 and 2; got \(1, 1\)"):
        gmm_core.feature_projection(3, (1, 1))
    with pytest.raises(ValueError, match=r"at least two features"):
        gmm_core.pca_projection(X_GOOD[:, :1])
    with pytest.raises(ValueError, match=r"needs a one-feature model"):
        gmm_core.component_densities_1d(PARAMS_GOOD, np.linspace(0, 1, 5))
    with pytest.raises(ValueError, match=r"Each starting mean needs 2 coordinate\(s\); got 3"):
        initialize_from_means(X_GOOD, [[0.0, 0.0, 0.0]])
