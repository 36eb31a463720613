"""One CSV cell as a number: missing-value tokens, text, infinities, Unicode minus and decimal commas."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "?", "-", ".", "#n/a", "missing"})
DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$")


def to_numbers(cells: pd.Series, decimal_comma: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Cells (strings) as floats, and a mask of the cells that were neither numbers nor missing.

    Returns
    -------
    values : ndarray of shape (n,)
        The number in each cell; NaN for a missing-value token or text; +-inf stays inf.
    is_text : ndarray of bool, shape (n,)
    """
    cleaned = cells.fillna("").astype(str).str.strip().str.replace("\u2212", "-", regex=False)
    cleaned = cleaned.str.replace("\u221e", "inf", regex=False)
    missing = cleaned.str.lower().isin(MISSING_TOKENS).to_numpy()
    if decimal_comma:
        cleaned = cleaned.where(~cleaned.str.match(DECIMAL_COMMA), cleaned.str.replace(",", ".", regex=False))
    values = np.array(pd.to_numeric(cleaned.where(~missing, ""), errors="coerce"), dtype=float)
    is_text = np.isnan(values) & ~missing & ~cleaned.str.lower().isin({"nan", "+nan", "-nan"}).to_numpy()
    return values, is_text


def is_number(cell: str, decimal_comma: bool) -> bool:
    values, _ = to_numbers(pd.Series([cell]), decimal_comma)
    return not np.isnan(values[0])
