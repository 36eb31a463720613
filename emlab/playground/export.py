"""Downloads, as bytes: the data (CSV), the parameter history (CSV or JSON), the animation (HTML).

Pure functions (no Streamlit), so the page can hand them to ``st.download_button`` as deferred
callables and tests can read the files back.
"""

from __future__ import annotations

import html
import io
import json
from dataclasses import asdict

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from emlab.shared.pipeline import LoadedData
from gmm_core import EMState

HTML_CONFIG = {"displaylogo": False, "responsive": True}
HTML_LANGUAGES = {"en": "en", "zh": "zh-Hans"}  # our language codes as HTML's lang attribute


def data_csv(data: LoadedData, fitted_labels: np.ndarray | None = None) -> bytes:
    """The data set as CSV: one column per feature, then the true and fitted labels (1-based) if known."""
    table = pd.DataFrame(data.X, columns=list(data.feature_names))
    if data.labels is not None:
        table["true_component"] = np.asarray(data.labels) + 1
    if fitted_labels is not None:
        table["fitted_component"] = np.asarray(fitted_labels) + 1
    return table.to_csv(index=False, float_format="%.10g").encode()


def history_table(history: list[EMState], feature_names: tuple[str, ...]) -> pd.DataFrame:
    """One row per half-step and component: the parameters in force after that half-step.

    Columns: ``step`` (0, 1, 2, ...), ``iteration``, ``phase`` (init/E/M), ``log_likelihood``,
    ``converged``, ``component`` (1-based), ``weight``, ``mean[<feature>]`` for each feature and
    ``cov[<feature>,<feature>]`` for the upper triangle of each component's covariance.
    """
    n_features = len(feature_names)
    upper = list(zip(*np.triu_indices(n_features), strict=True))
    rows = []
    for step, state in enumerate(history):
        params = state.params
        covariances = params.full_covariances()
        for k in range(params.n_components):
            row = {
                "step": step,
                "iteration": state.iteration,
                "phase": state.phase,
                "log_likelihood": state.log_likelihood,
                "converged": state.converged,
                "component": k + 1,
                "weight": params.weights[k],
            }
            row.update({f"mean[{name}]": params.means[k, i] for i, name in enumerate(feature_names)})
            row.update({f"cov[{feature_names[i]},{feature_names[j]}]": covariances[k, i, j] for i, j in upper})
            rows.append(row)
    return pd.DataFrame(rows)


def history_csv(history: list[EMState], feature_names: tuple[str, ...]) -> bytes:
    """:func:`history_table` as CSV bytes."""
    return history_table(history, feature_names).to_csv(index=False, float_format="%.10g").encode()


def history_json(history: list[EMState], feature_names: tuple[str, ...], settings: dict | None = None) -> bytes:
    """The whole history as JSON: the settings, then every half-step with its parameters.

    Responsibilities are left out (N x K numbers per step); they follow from the data and the
    parameters of the step before by one E-step.
    """
    document = {
        "settings": settings or {},
        "feature_names": list(feature_names),
        "states": [
            {
                "step": step,
                "iteration": state.iteration,
                "phase": state.phase,
                "log_likelihood": state.log_likelihood,
                "change": state.change,
                "converged": state.converged,
                "params": state.params.to_dict(),
            }
            for step, state in enumerate(history)
        ],
    }
    return json.dumps(document, indent=1).encode()


def settings_dict(*settings) -> dict:
    """Frozen settings dataclasses as one plain dict per class name (for the JSON export)."""
    return {type(value).__name__: asdict(value) for value in settings}


def standalone_html(figure: go.Figure, title: str, lang: str = "en") -> bytes:
    """The figure as one HTML file with plotly.js inside: it plays offline, in any browser.

    The animation waits for the Play button (no autoplay), as on the page. ``lang`` is the
    page's language (the figure is already built in it), declared on ``<html>`` for the browser.
    """
    buffer = io.StringIO()
    figure.write_html(
        buffer,
        include_plotlyjs=True,
        full_html=True,
        auto_play=False,
        config=HTML_CONFIG,
        default_width="100%",
        default_height=figure.layout.height or 660,
    )
    page = buffer.getvalue().replace("<head>", f"<head><title>{html.escape(title)}</title>", 1)
    page = page.replace("<html>", f'<html lang="{HTML_LANGUAGES.get(lang, "en")}">', 1)
    if not page.lstrip().lower().startswith("<!doctype"):
        page = "<!doctype html>\n" + page  # standards mode in every browser (plotly writes none)
    return page.encode()
