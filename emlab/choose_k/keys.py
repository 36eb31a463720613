"""Widget keys of the "How many components?" page, declared once; the search controls are URL parameters too."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChooseKKeys:
    """Keys of the page's own widgets and charts (the shared sidebar's are ``emlab.shared.state_keys.PARAM``)."""

    covariance_types: str = "ck_types"
    k_max: str = "ck_kmax"
    n_init: str = "ck_n_init"
    criterion: str = "ck_criterion"
    seed: str = "ck_seed"
    criteria_chart: str = "ck_criteria_chart"
    fit_chart: str = "ck_fit_chart"


KEYS = ChooseKKeys()
