"""GMMParams: the weights, means and covariances of a Gaussian mixture, validated and frozen."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import linalg

from gmm_core._checks import check_covariance_type

_WEIGHT_SUM_TOLERANCE = 1e-6


def _frozen(array, name: str = "array") -> np.ndarray:
    """A read-only float64 copy of ``array``; ValueError naming ``name`` if it is not numbers."""
    try:
        array = np.array(array, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of numbers; it could not be read as one ({exc}).") from None
    array.setflags(write=False)
    return array


def expected_covariance_shape(covariance_type: str, n_components: int, n_features: int) -> tuple:
    """Shape of ``covariances`` for a covariance type, as scikit-learn stores it."""
    return {
        "full": (n_components, n_features, n_features),
        "tied": (n_features, n_features),
        "diag": (n_components, n_features),
        "spherical": (n_components,),
    }[covariance_type]


def covariance_cholesky(covariances: np.ndarray, covariance_type: str) -> np.ndarray:
    """Lower Cholesky factors of the covariances, raising a clear ValueError when one fails.

    For "full" the result has shape (K, D, D), for "tied" (D, D); for "diag" and
    "spherical" the square roots of the variances, with the input's shape.
    """
    if covariance_type in ("diag", "spherical"):
        return np.sqrt(covariances)
    try:
        return np.linalg.cholesky(covariances)
    except np.linalg.LinAlgError:
        raise ValueError(
            "A covariance matrix is not positive definite: a component has collapsed onto a point "
            "or a line. Increase reg_covar, use fewer components, or use 'diag'/'spherical' "
            "covariances."
        ) from None


def precision_cholesky_from_covariance(covariances: np.ndarray, covariance_type: str) -> np.ndarray:
    """Cholesky factors of the precision matrices, in scikit-learn's ``precisions_cholesky_`` layout.

    For "full"/"tied" the factor is ``inv(cholesky(cov)).T`` (upper triangular), so that
    ``precision = factor @ factor.T``; for "diag"/"spherical" it is ``1 / sqrt(variance)``.
    """
    chol = covariance_cholesky(covariances, covariance_type)
    if covariance_type in ("diag", "spherical"):
        return 1.0 / chol
    if covariance_type == "tied":
        return linalg.solve_triangular(chol, np.eye(chol.shape[0]), lower=True).T
    identity = np.eye(chol.shape[-1])
    return np.stack([linalg.solve_triangular(c, identity, lower=True).T for c in chol])


@dataclass(frozen=True, eq=False)
class GMMParams:
    """Parameters of a Gaussian mixture with K components in D dimensions.

    Parameters
    ----------
    weights : array-like of shape (K,)
        Mixing proportions pi_k: non-negative, summing to one (renormalised exactly if the
        sum is within 1e-6 of one).
    means : array-like of shape (K, D)
        Component means mu_k.
    covariances : array-like
        Shapes follow scikit-learn: "full" (K, D, D), "tied" (D, D), "diag" (K, D),
        "spherical" (K,). Every covariance must be positive definite.
    covariance_type : {"full", "tied", "diag", "spherical"}

    Raises
    ------
    ValueError
        With a message that says which parameter is wrong and how.

    Notes
    -----
    Instances are immutable (arrays are read-only), so an EM history can share them safely.
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    covariance_type: str = "full"

    def __post_init__(self):
        check_covariance_type(self.covariance_type)
        weights = _frozen_weights(self.weights)
        means = _frozen(self.means, "means")
        if means.ndim == 1 and weights.shape[0] == means.shape[0]:
            means = _frozen(means[:, np.newaxis])
        if means.ndim != 2:
            raise ValueError(f"means must have shape (n_components, n_features); got shape {means.shape}.")
        if means.shape[0] != weights.shape[0]:
            raise ValueError(
                f"There are {weights.shape[0]} weights but {means.shape[0]} means; "
                "give one weight and one mean per component."
            )
        if not np.all(np.isfinite(means)):
            raise ValueError("means contain NaN or infinite values.")
        covariances = _frozen(self.covariances, "covariances")
        n_components, n_features = means.shape
        expected = expected_covariance_shape(self.covariance_type, n_components, n_features)
        if covariances.shape != expected:
            raise ValueError(
                f"For covariance_type={self.covariance_type!r} with {n_components} components in "
                f"{n_features} dimensions, covariances must have shape {expected}; "
                f"got {covariances.shape}."
            )
        _check_covariance_values(covariances, self.covariance_type)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "means", means)
        object.__setattr__(self, "covariances", covariances)

    @property
    def n_components(self) -> int:
        """Number of mixture components K."""
        return self.means.shape[0]

    @property
    def n_features(self) -> int:
        """Dimension D of the data."""
        return self.means.shape[1]

    @cached_property
    def precisions_cholesky(self) -> np.ndarray:
        """Cholesky factors of the precisions, as scikit-learn's ``precisions_cholesky_``."""
        return _frozen(precision_cholesky_from_covariance(self.covariances, self.covariance_type))

    @cached_property
    def precisions(self) -> np.ndarray:
        """Inverse covariances, as scikit-learn's ``precisions_`` (same shape as covariances)."""
        factor = self.precisions_cholesky
        if self.covariance_type in ("diag", "spherical"):
            return _frozen(factor**2)
        return _frozen(factor @ np.swapaxes(factor, -1, -2))

    def full_covariances(self) -> np.ndarray:
        """Every component's covariance as a (K, D, D) array, whatever the covariance type."""
        return full_covariance_matrices(self.covariances, self.covariance_type, self.n_components, self.n_features)

    def full_precisions(self) -> np.ndarray:
        """Every component's precision matrix as a (K, D, D) array, whatever the covariance type."""
        return full_covariance_matrices(self.precisions, self.covariance_type, self.n_components, self.n_features)

    def n_parameters(self) -> int:
        """Number of free parameters (as scikit-learn's ``_n_parameters``), used by BIC and AIC."""
        return count_parameters(self.covariance_type, self.n_components, self.n_features)

    def permuted(self, order) -> GMMParams:
        """The same mixture with its components listed in ``order`` (label switching)."""
        order = np.asarray(order)
        covariances = self.covariances if self.covariance_type == "tied" else self.covariances[order]
        return GMMParams(self.weights[order], self.means[order], covariances, self.covariance_type)

    def to_dict(self) -> dict:
        """Plain-Python form (lists of floats) for JSON export."""
        return {
            "covariance_type": self.covariance_type,
            "weights": self.weights.tolist(),
            "means": self.means.tolist(),
            "covariances": self.covariances.tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict) -> GMMParams:
        """Inverse of :meth:`to_dict`."""
        return cls(data["weights"], data["means"], data["covariances"], data.get("covariance_type", "full"))

    def allclose(self, other: GMMParams, rtol: float = 1e-7, atol: float = 0.0) -> bool:
        """True when both mixtures have the same type and numerically equal parameters."""
        return (
            self.covariance_type == other.covariance_type
            and self.means.shape == other.means.shape
            and np.allclose(self.weights, other.weights, rtol=rtol, atol=atol)
            and np.allclose(self.means, other.means, rtol=rtol, atol=atol)
            and np.allclose(self.covariances, other.covariances, rtol=rtol, atol=atol)
        )


def _frozen_weights(weights) -> np.ndarray:
    weights = _frozen(weights, "weights")
    if weights.ndim != 1 or weights.size == 0:
        raise ValueError(f"weights must be a non-empty 1-D array (one per component); got shape {weights.shape}.")
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise ValueError(f"weights must be finite and non-negative; got {np.round(weights, 4).tolist()}.")
    total = weights.sum()
    if abs(total - 1.0) > _WEIGHT_SUM_TOLERANCE:
        raise ValueError(f"weights must sum to 1 (they are probabilities); they sum to {total:.6g}.")
    return _frozen(weights / total)


def _check_covariance_values(covariances: np.ndarray, covariance_type: str) -> None:
    if not np.all(np.isfinite(covariances)):
        raise ValueError("covariances contain NaN or infinite values.")
    if covariance_type in ("diag", "spherical"):
        if np.any(covariances <= 0):
            raise ValueError(f"{covariance_type} covariances are variances and must all be positive.")
        return
    if not np.allclose(covariances, np.swapaxes(covariances, -1, -2), rtol=1e-8, atol=1e-12):
        raise ValueError("Each covariance matrix must be symmetric.")
    covariance_cholesky(covariances, covariance_type)


def full_covariance_matrices(
    values: np.ndarray, covariance_type: str, n_components: int, n_features: int
) -> np.ndarray:
    """Expand covariances (or precisions) of any type to a (K, D, D) stack of matrices."""
    if covariance_type == "full":
        return np.array(values)
    if covariance_type == "tied":
        return np.broadcast_to(values, (n_components, n_features, n_features)).copy()
    if covariance_type == "diag":
        return np.einsum("kd,de->kde", values, np.eye(n_features))
    return values[:, np.newaxis, np.newaxis] * np.eye(n_features)


def count_parameters(covariance_type: str, n_components: int, n_features: int) -> int:
    """Free parameters of a mixture: K-1 weights, K*D means, and the covariance entries."""
    per_matrix = n_features * (n_features + 1) // 2
    covariance_count = {
        "full": n_components * per_matrix,
        "tied": per_matrix,
        "diag": n_components * n_features,
        "spherical": n_components,
    }[covariance_type]
    return int(covariance_count + n_components * n_features + n_components - 1)
