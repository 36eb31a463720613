"""Geometry for drawing: ellipse outlines, 2-D projections of components, 1-D densities, PCA."""

from __future__ import annotations

import numpy as np
from scipy import stats

from gmm_core.params import GMMParams


def ellipse_radius(level: float) -> float:
    """Mahalanobis radius of the ellipse holding probability ``level`` of a 2-D Gaussian."""
    if not 0 < level < 1:
        raise ValueError(f"The probability level must be between 0 and 1; got {level}.")
    # The chi-square distribution with 2 degrees of freedom is exponential with mean 2, so its
    # quantile has a closed form: chi2.ppf(level, 2) = -2 log(1 - level). (Exact, and ~100x
    # faster than scipy's general ppf, which matters when every animation frame draws ellipses.)
    return float(np.sqrt(-2.0 * np.log1p(-level)))


def ellipse_outline(mean, covariance, level: float = 0.95, n_points: int = 64) -> np.ndarray:
    """Closed outline of the ellipse {x : (x - mu)^T Sigma^-1 (x - mu) <= r^2}, shape (n_points + 1, 2).

    ``r`` is chosen so the ellipse holds probability ``level`` of the 2-D Gaussian
    N(mean, covariance). The first point is repeated at the end so a line trace closes.
    """
    mean = np.asarray(mean, dtype=float)
    covariance = np.asarray(covariance, dtype=float)
    if mean.shape != (2,) or covariance.shape != (2, 2):
        raise ValueError("ellipse_outline needs a 2-D mean and a 2x2 covariance; project the component first.")
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    angles = np.linspace(0.0, 2.0 * np.pi, n_points + 1)
    circle = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    axes = eigenvectors * np.sqrt(np.maximum(eigenvalues, 0.0))
    return mean + ellipse_radius(level) * circle @ axes.T


def ellipse_outlines(means, covariances, level: float = 0.95, n_points: int = 64) -> np.ndarray:
    """Outlines for a stack of 2-D components, shape (K, n_points + 1, 2)."""
    return np.stack([ellipse_outline(m, c, level, n_points) for m, c in zip(means, covariances, strict=True)])


def feature_projection(n_features: int, axes: tuple[int, int]) -> np.ndarray:
    """The (D, 2) matrix that keeps features ``axes`` (a marginal view)."""
    i, j = axes
    if not (0 <= i < n_features and 0 <= j < n_features) or i == j:
        raise ValueError(f"Choose two different features between 0 and {n_features - 1}; got {axes}.")
    matrix = np.zeros((n_features, 2))
    matrix[i, 0] = 1.0
    matrix[j, 1] = 1.0
    return matrix


def pca_projection(X) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Principal axes of ``X``: (center (D,), components (D, 2), explained variance ratio (2,))."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] < 2:
        raise ValueError("A PCA projection needs data with at least two features.")
    center = X.mean(axis=0)
    _, singular, vt = np.linalg.svd(X - center, full_matrices=False)
    variance = singular**2
    ratio = variance[:2] / variance.sum() if variance.sum() > 0 else np.zeros(2)
    components = vt[:2].T
    # Fix the sign of each axis so the same data always gives the same picture.
    components *= np.where(components[np.abs(components).argmax(axis=0), [0, 1]] < 0, -1.0, 1.0)
    return center, components, ratio


def project_points(X, projection: np.ndarray, center=None) -> np.ndarray:
    """Points seen through a (D, 2) projection, after subtracting ``center`` (if given)."""
    X = np.asarray(X, dtype=float)
    if center is not None:
        X = X - center
    return X @ projection


def project_components(params: GMMParams, projection: np.ndarray, center=None) -> tuple[np.ndarray, np.ndarray]:
    """Means (K, 2) and covariances (K, 2, 2) of the components seen through a (D, 2) projection.

    A linear image of a Gaussian is Gaussian: A mu and A Sigma A^T. With a feature-selection
    matrix this is the 2-D marginal; with PCA axes, the projection onto them.
    """
    return project_points(params.means, projection, center), project_covariances(params.full_covariances(), projection)


def project_covariances(covariances, projection: np.ndarray) -> np.ndarray:
    """Covariance matrices (..., D, D) seen through a (D, 2) projection A: A^T Sigma A, shape (..., 2, 2).

    Works for any symmetric matrices, also ones that are not valid covariances (such as the
    wrong-on-purpose rank-1 matrices of :mod:`gmm_core.mistakes`), which a GMMParams would refuse.
    """
    return projection.T @ np.asarray(covariances, dtype=float) @ projection


def component_densities_1d(params: GMMParams, grid) -> np.ndarray:
    """pi_k N(x | mu_k, sigma_k^2) on a 1-D grid for each component, shape (K, len(grid))."""
    if params.n_features != 1:
        raise ValueError("component_densities_1d needs a one-feature model.")
    grid = np.asarray(grid, dtype=float)
    variances = params.full_covariances()[:, 0, 0]
    std = np.sqrt(variances)[:, np.newaxis]
    return params.weights[:, np.newaxis] * stats.norm.pdf(grid[np.newaxis], params.means[:, :1], std)
