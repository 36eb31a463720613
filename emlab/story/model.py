"""What the "How the data is made" page shows for one choice of data and view, as one pure function.

The page caches :func:`build_story` with ``st.cache_data`` (so the result lives in a module and
pickles). The data is the Playground's own (:func:`emlab.shared.pipeline.load_data` with the same
settings), so every number shown is one the Playground fits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from emlab.shared.light_blocks import fixed, markdown_table, vector
from emlab.shared.pipeline import LoadedData
from emlab.shared.settings import DataSettings, ViewSettings
from emlab.shared.style import component_name
from emlab.shared.text import t
from emlab.story.figures import counts_figure, dirichlet_figure, samples_figure, samples_histogram
from gmm_core.story import dirichlet_draws, expected_counts

# The other Dirichlet draws come from their own stream, so showing them never changes the data.
DRAWS_SEED_OFFSET = 104_729


@dataclass(frozen=True, eq=False)
class Story:
    """The three stages of one synthetic data set.

    Attributes
    ----------
    weights, counts : ndarray of shape (K,)
        theta drawn from the Dirichlet, and the multinomial counts.
    expected, spread : ndarray of shape (K,)
        N theta_k and sqrt(N theta_k (1 - theta_k)).
    dirichlet, counts_chart, samples : go.Figure
    table : str
        One row per class, as a Markdown table.
    n_samples, n_features : int
    """

    weights: np.ndarray
    counts: np.ndarray
    expected: np.ndarray
    spread: np.ndarray
    dirichlet: go.Figure
    counts_chart: go.Figure
    samples: go.Figure
    table: str
    n_samples: int
    n_features: int


def build_story(
    data: LoadedData, settings: DataSettings, view: ViewSettings, n_draws: int, *, lang: str = "en"
) -> Story:
    """The figures and numbers of the three stages for synthetic ``data`` made with ``settings``."""
    if data.true_params is None or data.counts is None:
        raise ValueError("The story needs synthetic data (the truth of a real data set is unknown).")
    weights, counts = data.true_params.weights, data.counts
    draws = dirichlet_draws(settings.alpha, len(weights), n_draws, settings.data_seed + DRAWS_SEED_OFFSET)
    expected, spread = expected_counts(data.n_samples, weights)
    samples = (
        samples_histogram(data, large=view.large, lang=lang)
        if data.n_features == 1
        else samples_figure(data, view, lang=lang)
    )
    return Story(
        weights=weights,
        counts=counts,
        expected=expected,
        spread=spread,
        dirichlet=dirichlet_figure(draws, weights, large=view.large, lang=lang),
        counts_chart=counts_figure(counts, expected, spread, large=view.large, lang=lang),
        samples=samples,
        table=class_table(data, expected, lang=lang),
        n_samples=data.n_samples,
        n_features=data.n_features,
    )


def class_table(data: LoadedData, expected: np.ndarray, *, lang: str = "en") -> str:
    """One row per class as a Markdown table.

    Columns: theta_k, n_k, N theta_k, the mean, and the standard deviations along the ellipse axes.
    """
    params = data.true_params
    axes = np.sqrt(np.linalg.eigvalsh(params.full_covariances())[:, ::-1])
    table = pd.DataFrame(
        {
            t("story.table.class", lang): [component_name(k) for k in range(params.n_components)],
            t("story.table.theta", lang): [fixed(weight, 3) for weight in params.weights],
            t("story.table.count", lang): [str(int(count)) for count in data.counts],
            t("story.table.expected", lang): [fixed(value, 1) for value in expected],
            t("story.table.mean", lang): [vector(mean, 2) for mean in params.means],
            t("story.table.spread", lang): [" / ".join(fixed(value, 2) for value in row) for row in axes],
        }
    )
    return markdown_table(table, right=list(table.columns[1:4]))
