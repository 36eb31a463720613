"""Pure functions from settings to data and EM histories: the maths the pages call (no Streamlit).

Errors the user can fix surface as ``ValueError`` with a message from the core; pages catch it,
show it, and keep the last good picture.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from emlab.shared.settings import DataSettings, ModelSettings
from gmm_core import (
    DataSet,
    EMState,
    GMMParams,
    load_iris,
    load_old_faithful,
    prepare,
    run_em,
    sample_mixture,
)
from gmm_core.init import initialize


@dataclass(frozen=True, eq=False)
class LoadedData(DataSet):
    """A data set ready to fit, with the true mixture and class counts when it was generated."""

    true_params: GMMParams | None = None
    counts: np.ndarray | None = None


def load_data(settings: DataSettings, uploaded: DataSet | None = None) -> LoadedData:
    """The data set the settings describe (``uploaded`` supplies the "upload" source)."""
    if settings.source == "synthetic":
        sample = sample_mixture(
            settings.n,
            settings.k_true,
            settings.d,
            concentration=settings.alpha,
            separation=settings.separation,
            elongation=settings.elongation,
            layout=settings.layout,
            random_state=settings.data_seed,
        )
        names = tuple(f"x{i + 1}" for i in range(settings.d))
        return LoadedData("Synthetic", sample.X, names, sample.labels, true_params=sample.params, counts=sample.counts)
    if settings.source == "old_faithful":
        return _from_dataset(load_old_faithful())
    if settings.source == "iris":
        return _from_dataset(load_iris())
    if settings.source == "upload":
        if uploaded is None:
            raise ValueError("No uploaded data yet: open the 'Your own data' page and upload a CSV file.")
        return _from_dataset(uploaded)
    raise ValueError(f"Unknown data source {settings.source!r}.")


def _from_dataset(dataset: DataSet) -> LoadedData:
    return LoadedData(dataset.name, dataset.X, dataset.feature_names, dataset.labels, dataset.class_names)


def starting_params(data: LoadedData, model: ModelSettings) -> GMMParams:
    """The parameters the fit starts from: the initialisation method's, then one EM iteration when asked.

    With ``model.after_first_m_step`` (the default) the fit is drawn from its first M-step on: the
    method's parameters go through one E-step and one M-step of the core's own loop
    (:func:`gmm_core.run_em` with ``max_iter=1``). Why: "random_from_data" and "k-means++" start
    every component at a single data point with only ``reg_covar`` of spread, and a point has no
    spread to draw: the ellipses would be dots, the 1-D density a wall of spikes, and the first
    log-likelihood (about -4e6) off any scale. One iteration gives every component a shape. With
    ``after_first_m_step=False`` the fit starts from the method's parameters themselves.
    """
    prepared = prepare(data.X)
    params = initialize(
        prepared,
        model.k,
        model.init,
        covariance_type=model.cov,
        reg_covar=model.reg_covar,
        random_state=model.model_seed,
    )
    if not model.after_first_m_step:
        return params
    return run_em(prepared, params, reg_covar=model.reg_covar, max_iter=1, tol=0.0)[-1].params


def fit_history(data: LoadedData, model: ModelSettings, start: GMMParams | None = None) -> list[EMState]:
    """Every half-step of EM on ``data`` with ``model`` (from ``start`` when given)."""
    if start is None:
        start = starting_params(data, model)
    return run_em(data.X, start, reg_covar=model.reg_covar, max_iter=model.max_iter, tol=model.tol)


def constant_features(data: LoadedData) -> tuple[str, ...]:
    """Names of the features that take one value only (EM can fit them only through reg_covar)."""
    spread = np.ptp(data.X, axis=0)
    return tuple(name for name, value in zip(data.feature_names, spread, strict=True) if value == 0)
