"""gmm_core: Gaussian mixtures fitted by EM, one half-step at a time.

Pure numpy/scipy/scikit-learn. Every fit is a sequence of frozen states (``em_steps``), so any
view of it (an animation, a step-through, a table) is a pure function of that history.
"""

from gmm_core._checks import COVARIANCE_TYPES
from gmm_core.bound import (
    BoundPath,
    RegCovarEffect,
    bound_along,
    bound_gap,
    lower_bound,
    params_along,
    reg_covar_effect,
)
from gmm_core.datasets import DataSet, load_iris, load_old_faithful
from gmm_core.em import (
    EMState,
    PreparedData,
    e_step,
    em_has_stopped,
    em_steps,
    m_step,
    next_state,
    prepare,
    run_em,
    weighted_log_prob,
)
from gmm_core.estimator import GaussianMixtureEM
from gmm_core.explain import (
    MStepTerms,
    ResponsibilityTerms,
    m_step_terms,
    mean_shifts,
    most_uncertain_point,
    point_like_components,
    responsibility_terms,
)
from gmm_core.generate import MixtureSample, sample_mixture
from gmm_core.geometry import (
    component_densities_1d,
    ellipse_outline,
    ellipse_outlines,
    ellipse_radius,
    feature_projection,
    pca_projection,
    project_components,
    project_points,
)
from gmm_core.gradient import (
    AscentPath,
    em_means_path,
    gradient_ascent,
    log_likelihood_gradient,
    mean_log_likelihood_grid,
)
from gmm_core.init import INIT_METHODS, initial_responsibilities, initialize, initialize_from_means
from gmm_core.metrics import adjusted_rand_index, aic, bic, log_likelihood, match_components, match_labels
from gmm_core.model_selection import SelectionResult, fit_best_of, select_n_components
from gmm_core.params import GMMParams

__all__ = [
    "COVARIANCE_TYPES",
    "INIT_METHODS",
    "DataSet",
    "EMState",
    "GMMParams",
    "GaussianMixtureEM",
    "MStepTerms",
    "MixtureSample",
    "PreparedData",
    "ResponsibilityTerms",
    "SelectionResult",
    "adjusted_rand_index",
    "aic",
    "bic",
    "component_densities_1d",
    "e_step",
    "ellipse_outline",
    "ellipse_outlines",
    "ellipse_radius",
    "em_has_stopped",
    "em_steps",
    "feature_projection",
    "fit_best_of",
    "initial_responsibilities",
    "initialize",
    "initialize_from_means",
    "load_iris",
    "load_old_faithful",
    "log_likelihood",
    "m_step",
    "m_step_terms",
    "mean_shifts",
    "next_state",
    "most_uncertain_point",
    "match_components",
    "match_labels",
    "pca_projection",
    "point_like_components",
    "prepare",
    "project_components",
    "project_points",
    "responsibility_terms",
    "run_em",
    "sample_mixture",
    "select_n_components",
    "weighted_log_prob",
    "AscentPath",
    "BoundPath",
    "RegCovarEffect",
    "bound_along",
    "bound_gap",
    "em_means_path",
    "gradient_ascent",
    "log_likelihood_gradient",
    "lower_bound",
    "mean_log_likelihood_grid",
    "params_along",
    "reg_covar_effect",
]
