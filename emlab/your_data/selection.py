"""Choosing columns of a read file: what the choice does to the rows, and the data set EM fits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from emlab.shared.text import t
from emlab.your_data.limits import MAX_FEATURES
from emlab.your_data.numeric_table import ParsedTable
from emlab.your_data.problems import quote, selection_problem
from gmm_core import DataSet


@dataclass(frozen=True)
class SelectionSummary:
    """What choosing ``columns`` does to the rows: how many are complete, and warnings."""

    n_rows: int
    n_complete: int
    warnings: tuple[str, ...]

    @property
    def n_dropped(self) -> int:
        return self.n_rows - self.n_complete


def selection_summary(table: ParsedTable, columns, standardise: bool = False, *, lang: str = "en") -> SelectionSummary:
    """How many rows are complete in ``columns`` and what the student should be warned about."""
    chosen = table.data[list(columns)]
    complete = chosen.dropna()
    warnings = []
    if len(columns) and 2 <= len(complete) < 5 * len(columns):
        warnings.append(t("upload.warn.few_rows", lang, complete=len(complete), columns=len(columns)))
    spreads = complete.std(ddof=0) if len(complete) else pd.Series(dtype=float)
    warnings.extend(
        t("upload.warn.constant", lang, name=quote(name)) for name, spread in spreads.items() if spread == 0
    )
    positive = spreads[spreads > 0]
    if not standardise and len(positive) >= 2 and positive.max() > 100 * positive.min():
        warnings.append(t("upload.warn.scales", lang, low=f"{positive.min():.3g}", high=f"{positive.max():.3g}"))
    return SelectionSummary(len(chosen), len(complete), tuple(warnings))


def build_dataset(table: ParsedTable, columns, standardise: bool = False, *, lang: str = "en") -> DataSet:
    """The complete rows of the chosen columns as a data set EM can fit.

    Parameters
    ----------
    table : ParsedTable
    columns : sequence of str
        Column names from ``table.columns``, in the order the model should use.
    standardise : bool
        Centre every column and divide it by its standard deviation (constant columns are only
        centred), so columns in different units weigh the same.

    Returns
    -------
    DataSet
        ``X`` of shape (n_complete_rows, len(columns)), float64, read-only.

    Raises
    ------
    UploadError
        No columns, too many, an unknown name, or fewer than two complete rows.
    """
    columns = list(columns)
    if not columns:
        raise selection_problem("none", lang=lang)
    if len(columns) > MAX_FEATURES:
        raise selection_problem("too_many", count=len(columns), max_features=MAX_FEATURES, lang=lang)
    for name in columns:
        if name not in table.data.columns:
            raise selection_problem("unknown", name=quote(str(name)), lang=lang)
    X = table.data[columns].dropna().to_numpy(dtype=float, copy=True)
    if len(X) < 2:
        raise selection_problem("too_few_rows", complete=len(X), lang=lang)
    names = tuple(columns)
    name = table.filename
    if standardise:
        spread = X.std(axis=0)
        X = (X - X.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
        names = tuple(f"{column} (standardised)" for column in columns)
        name = f"{name} (standardised)"
    X = np.ascontiguousarray(X)
    X.setflags(write=False)
    return DataSet(name, X, names)


def dataset_id(raw_hash: str, columns, standardise: bool) -> str:
    """A short id for one file + column choice + scaling, for cache keys on other pages."""
    key = "\x1f".join([raw_hash, *columns, str(bool(standardise))])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def content_hash(raw: bytes) -> str:
    """SHA-256 of the uploaded bytes (hex)."""
    return hashlib.sha256(raw).hexdigest()
