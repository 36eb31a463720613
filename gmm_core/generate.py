"""The generative story of a Gaussian mixture: Dirichlet weights, multinomial counts, Gaussian samples."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_core._checks import check_int, check_n_components
from gmm_core.params import GMMParams

# How sample_mixture places the components; the app's sidebar offers exactly these.
LAYOUTS = ("spread", "seed_script")


@dataclass(frozen=True, eq=False)
class MixtureSample:
    """A data set drawn from a known mixture, with every intermediate of the story.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
    labels : ndarray of shape (n_samples,)
        True component of each sample.
    weights : ndarray of shape (n_components,)
        Class probabilities theta drawn from the Dirichlet.
    counts : ndarray of shape (n_components,)
        Samples per component, drawn from Multinomial(n_samples, theta).
    means : ndarray of shape (n_components, n_features)
    covariances : ndarray of shape (n_components, n_features, n_features)
    """

    X: np.ndarray
    labels: np.ndarray
    weights: np.ndarray
    counts: np.ndarray
    means: np.ndarray
    covariances: np.ndarray

    @property
    def params(self) -> GMMParams:
        """The true mixture as GMMParams ("full" covariances)."""
        return GMMParams(self.weights, self.means, self.covariances, "full")


def sample_mixture(
    n_samples: int,
    n_components: int,
    n_features: int = 2,
    *,
    concentration: float = 1.0,
    separation: float = 4.0,
    elongation: float = 1.0,
    rotate: bool = True,
    layout: str = "spread",
    random_state=None,
) -> MixtureSample:
    """Draw a data set by the generative story of a Gaussian mixture.

    1. theta ~ Dirichlet(concentration, ..., concentration): the class probabilities.
    2. counts ~ Multinomial(n_samples, theta): how many samples each class gets.
    3. x ~ N(mu_k, Sigma_k) for each of the counts[k] samples of class k.

    Parameters
    ----------
    n_samples : int
    n_components : int
    n_features : int, default 2
    concentration : float, default 1.0
        Dirichlet concentration. Small values (0.1) give very unequal classes, large values
        (100) nearly equal ones.
    separation : float, default 4.0
        Smallest distance between two true means, in units of a component's typical standard
        deviation ("spread" layout only): 2 overlaps heavily, 6 is clearly separated.
    elongation : float, default 1.0
        Ratio of the longest to the shortest axis of each covariance ellipsoid (1 = round).
    rotate : bool, default True
        Turn each elongated component by a random rotation (otherwise axis-aligned).
    layout : {"spread", "seed_script"}
        "spread" spreads the means apart by ``separation``; "seed_script" reproduces the
        original script: mu_i = U(0, 1)^D * 20 * i and Sigma_i = 2 i I for i = 1..K (means all
        in the positive orthant, round clusters of growing size, no guaranteed separation).
    random_state : int, numpy Generator or None

    Returns
    -------
    MixtureSample
    """
    n_samples = check_int(n_samples, "n_samples", 1)
    n_components = check_n_components(n_components)
    n_features = check_int(n_features, "n_features", 1)
    concentration = _check_positive(concentration, "concentration")
    elongation = _check_positive(elongation, "elongation")
    if elongation < 1:
        raise ValueError(f"elongation is a ratio of longest to shortest axis and must be >= 1; got {elongation}.")
    if layout not in LAYOUTS:
        raise ValueError(f"Unknown layout {layout!r}; choose one of {LAYOUTS}.")
    rng = np.random.default_rng(random_state)
    weights = rng.dirichlet(np.full(n_components, concentration))
    counts = rng.multinomial(n_samples, weights)
    if layout == "seed_script":
        means, covariances = _seed_script_components(n_components, n_features, rng)
    else:
        separation = _check_positive(separation, "separation")
        means = _spread_means(n_components, n_features, separation, rng)
        covariances = _shaped_covariances(n_components, n_features, elongation, rotate, rng)
    labels = np.repeat(np.arange(n_components), counts)
    noise = rng.standard_normal((n_samples, n_features))
    factors = np.linalg.cholesky(covariances)
    X = np.empty((n_samples, n_features))
    bounds = np.concatenate([[0], np.cumsum(counts)])
    for k in range(n_components):
        rows = slice(bounds[k], bounds[k + 1])
        X[rows] = noise[rows] @ factors[k].T + means[k]
    order = rng.permutation(n_samples)
    return MixtureSample(X[order], labels[order], weights, counts, means, covariances)


def _check_positive(value, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number; got {value!r}.") from None
    if not np.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a positive number; got {value!r}.")
    return number


def _seed_script_components(n_components, n_features, rng):
    scale = 20.0 * np.arange(1, n_components + 1)[:, np.newaxis]
    means = rng.random((n_components, n_features)) * scale
    covariances = 2.0 * np.arange(1, n_components + 1)[:, np.newaxis, np.newaxis] * np.eye(n_features)
    return means, covariances


def _spread_means(n_components, n_features, separation, rng):
    """Means spread by farthest-point sampling, scaled so the closest pair is ``separation`` apart."""
    if n_components == 1:
        return np.zeros((1, n_features))
    candidates = rng.uniform(-1.0, 1.0, size=(max(64, 32 * n_components), n_features))
    chosen = [0]
    distance = np.linalg.norm(candidates - candidates[0], axis=1)
    for _ in range(1, n_components):
        chosen.append(int(np.argmax(distance)))
        distance = np.minimum(distance, np.linalg.norm(candidates - candidates[chosen[-1]], axis=1))
    means = candidates[chosen]
    gaps = np.linalg.norm(means[:, np.newaxis] - means[np.newaxis], axis=-1)
    closest = gaps[np.triu_indices(n_components, 1)].min()
    means = means * (separation / closest)
    return means - means.mean(axis=0)


def _shaped_covariances(n_components, n_features, elongation, rotate, rng):
    """Covariances with axis ratio ``elongation`` and unit geometric-mean standard deviation."""
    if n_features == 1:
        return np.ones((n_components, 1, 1))
    log_ratio = np.log(elongation)
    covariances = np.empty((n_components, n_features, n_features))
    for k in range(n_components):
        log_std = np.linspace(0.5 * log_ratio, -0.5 * log_ratio, n_features)
        axes = np.linalg.qr(rng.standard_normal((n_features, n_features)))[0] if rotate else np.eye(n_features)
        covariances[k] = (axes * np.exp(2 * log_std)) @ axes.T
    return covariances
