"""Building blocks every figure shares: the 2-D view of the data, ellipses, means, legends, display rules.

Soft-coloured points (each point the blend of the component colours by its responsibilities, so
uncertain points look uncertain) are ``emlab.shared.layers.blended_rgba``: one trace of all points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from emlab.shared.settings import DISPLAY_POINT_LIMIT, ViewSettings
from emlab.shared.style import (
    TRUTH_COLOR,
    component_color,
    component_name,
    component_symbol,
    figure_style,
    rgba,
    sizes,
)
from emlab.shared.text import t
from gmm_core import (
    GMMParams,
    ellipse_outlines,
    feature_projection,
    pca_projection,
    project_components,
    project_points,
)

ELLIPSE_LEVELS = (0.5, 0.95)
OUTER_LEVEL = ELLIPSE_LEVELS[-1]  # the one level drawn where two would crowd (truth, axis ranges)
ELLIPSE_DASH = {0.5: "dot", 0.95: "solid"}
OUTLINE_POINTS = 48


@dataclass(frozen=True, eq=False)
class View2D:
    """How D-dimensional data and components are seen on a 2-D chart.

    ``matrix`` (D, 2) maps centred data to the screen: a feature selection (the 2-D marginal) or
    the first two principal axes. One-feature data has no 2-D view (figures draw a histogram).
    """

    matrix: np.ndarray
    center: np.ndarray
    x_title: str
    y_title: str

    def points(self, X) -> np.ndarray:
        return project_points(X, self.matrix, self.center).astype(np.float32)

    def components(self, params: GMMParams) -> tuple[np.ndarray, np.ndarray]:
        return project_components(params, self.matrix, self.center)


def make_view(X: np.ndarray, feature_names, view: ViewSettings) -> View2D:
    """The 2-D view the view settings ask for (raises ValueError for impossible choices)."""
    n_features = X.shape[1]
    if n_features < 2:
        raise ValueError("One-feature data has no 2-D view; it is drawn as a histogram.")
    if view.projection == "pca" and n_features > 2:
        center, matrix, ratio = pca_projection(X)
        return View2D(matrix, center, f"PC1 ({ratio[0]:.0%} of variance)", f"PC2 ({ratio[1]:.0%} of variance)")
    x_feature, y_feature = view.x_feature, view.y_feature
    if n_features == 2 or not (0 <= x_feature < n_features and 0 <= y_feature < n_features) or x_feature == y_feature:
        x_feature, y_feature = 0, 1
    matrix = feature_projection(n_features, (x_feature, y_feature))
    return View2D(matrix, np.zeros(n_features), feature_names[x_feature], feature_names[y_feature])


def axis_ranges(points: np.ndarray, *extra: np.ndarray, pad: float = 0.06) -> tuple[list[float], list[float]]:
    """Fixed x and y ranges that hold ``points`` and any ``extra`` (M, 2) arrays, with padding."""
    stacked = np.vstack([points, *[e.reshape(-1, 2) for e in extra]])
    low, high = np.nanmin(stacked, axis=0), np.nanmax(stacked, axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    low, high = low - pad * span, high + pad * span
    return [float(low[0]), float(high[0])], [float(low[1]), float(high[1])]


def ellipse_xy(means: np.ndarray, covariances: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """x and y of all K outlines at ``level`` in one array each, separated by NaN (one trace per level)."""
    outlines = ellipse_outlines(means, covariances, level, OUTLINE_POINTS)
    gap = np.full((outlines.shape[0], 1, 2), np.nan)
    joined = np.concatenate([outlines, gap], axis=1).reshape(-1, 2).astype(np.float32)
    return joined[:, 0], joined[:, 1]


def ellipse_traces(means: np.ndarray, covariances: np.ndarray, *, large: bool = False, ghost: bool = False) -> list:
    """One line trace per component and level (probability level in the legend), K * len(levels) traces."""
    width = sizes(large)["line"] * (0.6 if ghost else 1.0)
    traces = []
    for level in ELLIPSE_LEVELS:
        outlines = ellipse_outlines(means, covariances, level, OUTLINE_POINTS).astype(np.float32)
        for k, outline in enumerate(outlines):
            traces.append(
                go.Scatter(
                    x=outline[:, 0],
                    y=outline[:, 1],
                    mode="lines",
                    hoverinfo="skip",
                    name=f"{component_name(k)} {level:.0%} ellipse" + (" (before)" if ghost else ""),
                    legendgroup=f"ellipse{level}",
                    showlegend=False,
                    line={
                        "color": rgba(component_color(k), 0.35 if ghost else 1.0),
                        "width": width,
                        "dash": "dash" if ghost else ELLIPSE_DASH[level],
                    },
                )
            )
    return traces


def truth_traces(params: GMMParams | None, view: View2D, *, large: bool = False, lang: str = "en") -> list:
    """The true components as faint dashed 95% ellipses (empty when the truth is unknown)."""
    if params is None:
        return []
    means, covariances = view.components(params)
    x, y = ellipse_xy(means, covariances, OUTER_LEVEL)
    return [
        go.Scatter(
            x=x,
            y=y,
            mode="lines",
            name=t("fig.truth", lang, level=f"{OUTER_LEVEL:.0%}"),
            hoverinfo="skip",
            line={"color": TRUTH_COLOR, "width": sizes(large)["line"] * 0.7, "dash": "dash"},
            opacity=0.6,
        )
    ]


def mean_trace(means: np.ndarray, *, large: bool = False, name: str | None = None, lang: str = "en") -> go.Scatter:
    """All K means as large labelled markers, one colour and symbol per component."""
    n_components = len(means)
    size = sizes(large)["mean"]
    return go.Scatter(
        x=means[:, 0].astype(np.float32),
        y=means[:, 1].astype(np.float32),
        mode="markers+text",
        name=t("fig.means", lang) if name is None else name,
        text=[component_name(k) for k in range(n_components)],
        textposition="top right",
        textfont={"size": sizes(large)["font"], "color": [component_color(k) for k in range(n_components)]},
        marker={
            "size": size,
            "color": [component_color(k) for k in range(n_components)],
            "symbol": [component_symbol(k) for k in range(n_components)],
            "line": {"color": "white", "width": 2},
        },
        hovertemplate="%{text}<br>" + t("fig.mean_hover", lang) + "<extra></extra>",
    )


def legend_entries(n_components: int, *, large: bool = False, lang: str = "en") -> list[go.Scatter]:
    """Legend-only traces explaining colours, symbols and the two ellipse levels."""
    entries = [
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=component_name(k),
            marker={"color": component_color(k), "symbol": component_symbol(k), "size": sizes(large)["mean"] * 0.7},
        )
        for k in range(n_components)
    ]
    for level in ELLIPSE_LEVELS:
        entries.append(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name=t("fig.ellipse", lang, level=f"{level:.0%}"),
                line={"color": "#333333", "dash": ELLIPSE_DASH[level], "width": sizes(large)["line"]},
            )
        )
    return entries


def base_layout(x_range, y_range, x_title: str, y_title: str, *, large: bool = False, height: int = 620) -> dict:
    """Layout shared by the scatter figures: fixed ranges, readable fonts, legend on the right."""
    size = sizes(large)
    return {
        **figure_style(large),
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
        "xaxis": {"range": x_range, "title": {"text": x_title}, "zeroline": False, "autorange": False},
        "yaxis": {"range": y_range, "title": {"text": y_title}, "zeroline": False, "autorange": False},
        "legend": {"orientation": "v", "x": 1.01, "y": 1.0, "font": {"size": size["font"] * 0.9}},
        "hovermode": "closest",
    }


def display_subset(n_points: int, limit: int, seed: int = 0) -> np.ndarray:
    """Indices of at most ``limit`` points to draw (all of them when there are few enough), sorted."""
    if n_points <= limit:
        return np.arange(n_points)
    return np.sort(np.random.default_rng(seed).choice(n_points, size=limit, replace=False))


def shown_rows(n_samples: int) -> np.ndarray:
    """The samples every chart of the data draws: all, or the same ``DISPLAY_POINT_LIMIT`` of them.

    One rule for every page, so the same data set shows the same points wherever it is drawn.
    """
    return display_subset(n_samples, DISPLAY_POINT_LIMIT)


# --------------------------------------------------------------------------- display rules
# Each rule that several figures follow lives here once, with its test in tests/test_display_rules.py.

HISTOGRAM_BAR_LIMITS = (15, 60)  # fewest and most bars of any 1-D histogram


def histogram_edges(values) -> np.ndarray:
    """Bin edges of every 1-D histogram in the app: numpy's ``"auto"`` width, kept to 15-60 bars.

    ``"auto"`` (the smaller of the Freedman-Diaconis and Sturges widths) follows the data, but one
    far outlier makes it ask for millions of bins, and a tiny sample for three or four. The bar
    count is worked out from the two widths first (cheap), clipped, and only then are edges made,
    so an outlier never allocates a million edges.

    Parameters
    ----------
    values : array-like of shape (N,)
        The data; non-finite values are ignored.

    Returns
    -------
    edges : ndarray of shape (n_bars + 1,)
    """
    values = np.asarray(values, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    fewest, most = HISTOGRAM_BAR_LIMITS
    if values.size == 0:
        return np.linspace(0.0, 1.0, fewest + 1)
    span = float(values.max() - values.min())
    if span == 0.0:
        return np.histogram_bin_edges(values, bins=fewest)
    sturges = span / (np.log2(values.size) + 1.0)
    quartile_1, quartile_3 = np.percentile(values, [25, 75])
    freedman_diaconis = 2.0 * (quartile_3 - quartile_1) * values.size ** (-1.0 / 3.0)
    width = min(sturges, freedman_diaconis) if freedman_diaconis > 0 else sturges
    n_bars = int(np.clip(np.ceil(span / width), fewest, most))
    return np.histogram_bin_edges(values, bins=n_bars)


def first_value_off_scale(values) -> bool:
    """True when a curve's first log-likelihood lies so far below the rest that it would flatten them.

    "Far" is more than ten times the span of the rest and more than one nat per sample below their
    minimum: the mark of a start from single points (covariances of size ``reg_covar``), whose
    first mean log-likelihood can be -1e6. Such a value is left off the curve's scale (and said).
    """
    values = np.asarray(values, dtype=np.float64)
    if values.size <= 2:
        return False
    rest = values[1:]
    rest_span = float(rest.max() - rest.min())
    return bool(values[0] < rest.min() - max(10.0 * rest_span, 1.0))


def log_likelihood_range(values) -> list[float]:
    """The y range of a log-likelihood curve: every value, padded, but an off-scale first value.

    See :func:`first_value_off_scale`. An empty curve gets [-1, 1].
    """
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return [-1.0, 1.0]
    shown = values[1:] if first_value_off_scale(values) else values
    low, high = float(shown.min()), float(shown.max())
    pad = max(0.08 * (high - low), 1e-3 * max(abs(high), 1.0))
    return [low - pad, high + pad]
