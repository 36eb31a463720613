"""Data prepared once per fit: the quadratic features every E-step and M-step reuses.

Why it is fast and still exact
------------------------------
With z = x - c (c the data mean) a Gaussian log-density is a linear function of the
quadratic features [z_i z_j (i <= j), z_d, 1]. The features depend on the data only, so they
are built once per fit, and then

* the E-step is one matrix product, W (K, F) @ features (F, N), followed by a log-sum-exp
  over the K rows of a (K, N) array (elementwise maxima of contiguous rows, one exp pass);
* the M-step is one matrix product, responsibilities (K, N) @ features.T (N, F), from which
  N_k, the means and the second moments follow.

Expanding the quadratic form can lose digits when a component is tiny compared with the spread
of the data (the expansion cancels large terms). Both steps estimate that rounding error and, for
the rare components where it could exceed ~1e-10 of the result, fall back to the direct
two-pass formulas. That keeps agreement with scikit-learn to ~1e-10 on uncentred and degenerate
data too.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from gmm_core._checks import check_data

EPS = np.finfo(np.float64).eps
# Largest relative rounding error accepted from the expanded (one-pass) formulas.
ACCURACY = 1e-10


class PreparedData:
    """Data plus the quadratic features every EM iteration reuses.

    ``e_step`` and ``m_step`` accept either a raw array or a ``PreparedData``; ``em_steps``
    prepares the data once so no iteration pays for the features again.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or (n_samples,) for one feature
    """

    def __init__(self, X):
        self.X = check_data(X)
        # Any centre makes the algebra exact; the mean (by a BLAS product, which is fast for a
        # tall array) keeps the features small, which is what limits rounding.
        self.center = np.ones(self.n_samples) @ self.X / self.n_samples
        self.centered_t = self.X.T - self.center[:, np.newaxis]
        self._features: dict[str, np.ndarray] = {}

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @cached_property
    def radius2(self) -> float:
        """Largest squared distance of a sample from the centre."""
        return float(np.max(np.einsum("dn,dn->n", self.centered_t, self.centered_t)))

    @cached_property
    def scatter(self) -> np.ndarray:
        """Z.T @ Z for the centred data Z, shape (D, D)."""
        return self.centered_t @ self.centered_t.T

    def features(self, kind: str) -> np.ndarray:
        """Quadratic features of the centred data, shape (F, N), built once per kind.

        ``kind="full"`` gives [z_i z_j for i <= j, z_d, 1]; ``kind="diag"`` gives [z_d^2, z_d, 1].
        """
        if kind not in self._features:
            rows, cols = quadratic_index(self.n_features, kind)
            zt = self.centered_t
            features = np.empty((len(rows) + self.n_features + 1, self.n_samples))
            for index, (i, j) in enumerate(zip(rows, cols, strict=True)):
                np.multiply(zt[i], zt[j], out=features[index])
            features[len(rows) : -1] = zt
            features[-1] = 1.0
            self._features[kind] = features
        return self._features[kind]


def prepare(X) -> PreparedData:
    """Return ``X`` as :class:`PreparedData` (unchanged if it already is)."""
    return X if isinstance(X, PreparedData) else PreparedData(X)


def quadratic_index(n_features: int, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of the quadratic features: the upper triangle ("full") or the diagonal ("diag")."""
    if kind == "diag" or n_features == 1:
        index = np.arange(n_features)
        return index, index
    return np.triu_indices(n_features)


def feature_kind(covariance_type: str) -> str:
    """ "diag" features for the diagonal covariance types, "full" features otherwise."""
    return "diag" if covariance_type in ("diag", "spherical") else "full"
