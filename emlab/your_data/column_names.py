"""Column names safe to show anywhere: cleaned, shortened, unique, numbered where the header has none."""

from __future__ import annotations

import unicodedata

from emlab.your_data.limits import MAX_COLUMNS

_NAME_LENGTH = 40


def column_names(header: list[str], width: int) -> list[str]:
    """Readable, unique, safe column names (header cells cleaned, numbered where missing)."""
    width = min(width, MAX_COLUMNS)
    names: list[str] = []
    for index in range(width):
        raw = header[index] if index < len(header) else ""
        name = clean_name(raw) or f"column {index + 1}"
        candidate, copy = name, 2
        while candidate in names:
            candidate, copy = f"{name} ({copy})", copy + 1
        names.append(candidate)
    return names


def clean_name(raw: str) -> str:
    """A column name safe to show anywhere: no control characters, one-line, short.

    Angle brackets become look-alike quotes because plotly renders a subset of HTML in titles.
    """
    kept = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in raw)
    name = " ".join(kept.split()).replace("<", "\u2039").replace(">", "\u203a")
    if len(name) > _NAME_LENGTH:
        name = name[: _NAME_LENGTH - 1].rstrip() + "\u2026"
    return name
