"""What the user asked for, as frozen (hashable, cacheable) values, with the ranges the widgets offer.

The widget keys double as URL query-parameter names, so a lecturer's link reproduces the view:
``source, n, k_true, d, alpha, data_seed`` (data) and ``k, cov, init, model_seed, after_m1`` (model)
are contracts; keep them stable.
"""

from __future__ import annotations

from dataclasses import dataclass

from gmm_core import COVARIANCE_TYPES, INIT_METHODS
from gmm_core.generate import LAYOUTS as LAYOUTS  # the sidebar offers the layouts the core draws

SOURCES = ("synthetic", "old_faithful", "iris", "upload")
PROJECTIONS = ("features", "pca")

# Widget ranges: (min, max) and defaults live here so widgets, fuzz tests and docs agree.
N_RANGE = (20, 5000)
K_TRUE_RANGE = (1, 8)
D_RANGE = (1, 6)
ALPHA_RANGE = (0.1, 100.0)
SEED_RANGE = (0, 9999)
K_RANGE = (1, 10)
SEPARATION_RANGE = (0.5, 10.0)
ELONGATION_RANGE = (1.0, 8.0)
REG_COVAR_CHOICES = (0.0, 1e-6, 1e-4, 1e-3, 1e-2, 1e-1)
MAX_ITER_RANGE = (1, 300)
TOL_CHOICES = (0.0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2)

DISPLAY_POINT_LIMIT = 3000


@dataclass(frozen=True)
class DataSettings:
    """Where the data comes from and, for the generator, how it is drawn."""

    source: str = "synthetic"
    n: int = 500
    k_true: int = 3
    d: int = 2
    alpha: float = 10.0
    data_seed: int = 0
    separation: float = 4.0
    elongation: float = 2.5
    layout: str = "spread"


@dataclass(frozen=True)
class ModelSettings:
    """The mixture to fit and how EM runs."""

    k: int = 3
    cov: str = "full"
    init: str = "random_from_data"
    reg_covar: float = 1e-6
    max_iter: int = 100
    tol: float = 1e-3
    model_seed: int = 5  # with data_seed 0: a slow start, then the means find all three clusters (27 iterations)
    # Draw the fit from its first M-step on: K random data points have no spread (ellipses would be
    # dots, the 1-D density a wall of spikes, the first log-likelihood about -4e6), so one E-step
    # and one M-step give every component a shape first. False starts from the points themselves.
    after_first_m_step: bool = True


@dataclass(frozen=True)
class ViewSettings:
    """How the fit is drawn (changes no numbers)."""

    projection: str = "features"
    x_feature: int = 0
    y_feature: int = 1
    show_truth: bool = True
    large: bool = False


assert set(INIT_METHODS) <= {"kmeans", "k-means++", "random", "random_from_data"}
assert COVARIANCE_TYPES == ("full", "tied", "diag", "spherical")
