"""Input checks shared by the core: each failure is a ValueError a student can act on."""

from __future__ import annotations

import numbers

import numpy as np

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")


def check_data(X, *, name: str = "X") -> np.ndarray:
    """Return ``X`` as a float64 array of shape (n_samples, n_features).

    A 1-D array is read as ``n_samples`` values of a single feature, so 1-D data sets (a
    natural teaching case) need no reshaping.

    Raises
    ------
    ValueError
        If ``X`` is not real-valued, has more than two dimensions, is empty, or holds NaN or inf.
    """
    try:
        array = np.asarray(X)
        if np.iscomplexobj(array):
            raise ValueError("complex numbers are not supported")
        array = np.asarray(array, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must hold real numbers only; it could not be read as such ({exc}).") from None
    if array.ndim == 1:
        array = array[:, np.newaxis]
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be a table of shape (n_samples, n_features); got an array with "
            f"{array.ndim} dimensions and shape {array.shape}."
        )
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}); it needs at least one sample and one feature.")
    if not np.all(np.isfinite(array)):
        bad = int(np.count_nonzero(~np.isfinite(array).all(axis=1)))
        raise ValueError(f"{name} contains NaN or infinite values in {bad} row(s); remove or fill those rows first.")
    return np.ascontiguousarray(array)


def check_covariance_type(covariance_type: str) -> str:
    """Return ``covariance_type`` if it is one of scikit-learn's four, else raise ValueError."""
    if covariance_type not in COVARIANCE_TYPES:
        raise ValueError(
            f"Unknown covariance type {covariance_type!r}; choose one of "
            + ", ".join(repr(t) for t in COVARIANCE_TYPES)
            + "."
        )
    return covariance_type


def check_reg_covar(reg_covar) -> float:
    """Return ``reg_covar`` as a float, raising ValueError unless it is finite and non-negative."""
    if isinstance(reg_covar, bool) or not isinstance(reg_covar, numbers.Real) or not np.isfinite(reg_covar):
        raise ValueError(f"reg_covar must be a finite number; got {reg_covar!r}.")
    if reg_covar < 0:
        raise ValueError(f"reg_covar must be non-negative (it is added to the covariance diagonals); got {reg_covar}.")
    return float(reg_covar)


def check_n_components(n_components, n_samples: int | None = None) -> int:
    """Return ``n_components`` as an int >= 1 and <= ``n_samples`` (when given)."""
    if isinstance(n_components, bool) or not isinstance(n_components, numbers.Integral) or n_components < 1:
        raise ValueError(f"The number of components must be a whole number >= 1; got {n_components!r}.")
    if n_samples is not None and n_components > n_samples:
        raise ValueError(
            f"Cannot fit {n_components} components to {n_samples} samples: every component needs at "
            f"least one sample. Use at most {n_samples} components or more data."
        )
    return int(n_components)


def check_int(value, name: str, minimum: int) -> int:
    """Return ``value`` as an int >= ``minimum``, else raise ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}; got {value!r}.")
    return int(value)


def check_tol(tol) -> float:
    """Return ``tol`` as a float, raising ValueError unless it is finite and non-negative."""
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not np.isfinite(tol) or tol < 0:
        raise ValueError(f"tol must be a non-negative number; got {tol!r}.")
    return float(tol)
