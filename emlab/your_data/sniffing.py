"""How a CSV file is laid out: its separator, its rows, a header row, and decimal commas.

Rows are read with :mod:`csv` one at a time: a 5 MB file can hold millions of short rows, so the
file is surveyed (counted) without keeping them, and only the rows that will be used are kept.
"""

from __future__ import annotations

import csv
import io

import numpy as np

from emlab.your_data.cells import DECIMAL_COMMA, is_number
from emlab.your_data.limits import MAX_COLUMNS

DELIMITERS = {"\t": "tabs", ";": "semicolons", ",": "commas", "|": "vertical bars", " ": "spaces"}
_SNIFF_LINES = 50
_SNIFF_CHARS = 200_000
_HEAD_ROWS = 200


def detect_delimiter(text: str) -> str:
    """The separator that splits the first lines into the same number (>= 2) of fields most often.

    Ties go to tab, then semicolon (a semicolon file with decimal commas also splits evenly on
    commas), then comma; spaces (any number, as in many ``.txt`` data files) come last. A file no
    candidate splits is one column (returned as ',').
    """
    lines = [line for line in text[:_SNIFF_CHARS].splitlines() if line.strip()][:_SNIFF_LINES]
    best, best_score = ",", 0.0
    for delimiter in DELIMITERS:
        try:
            counts = [len(fields) for fields in field_reader(lines, delimiter)]
        except csv.Error:  # a line longer than csv's field limit: not this separator
            continue
        widths = [count for count in counts if count >= 2]
        if not widths:
            continue
        modal = max(set(widths), key=widths.count)
        score = counts.count(modal) / len(counts)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def field_reader(lines, delimiter: str):
    """``csv.reader`` over ``lines``; with spaces, runs of spaces and indentation count as one."""
    if delimiter == " ":
        return csv.reader((line.lstrip(" ") for line in lines), delimiter=" ", skipinitialspace=True)
    return csv.reader(lines, delimiter=delimiter)


def nonblank_rows(text: str, delimiter: str):
    """The file's non-blank rows as lists of fields (trailing empty fields dropped), one at a time."""
    for fields in field_reader(io.StringIO(text, newline=""), delimiter):
        while fields and not fields[-1].strip():
            fields.pop()
        if fields:
            yield fields


def survey(text: str, delimiter: str) -> tuple[list[list[str]], int, int]:
    """The first rows (enough to find a header), the number of non-blank rows and the widest row.

    A 5 MB file can hold millions of short rows; counting them without keeping them keeps memory
    flat, and :func:`collect` then keeps only the rows that will be used.
    """
    head: list[list[str]] = []
    n_rows = widest = 0
    for fields in nonblank_rows(text, delimiter):
        if n_rows < _HEAD_ROWS:
            head.append(fields[:MAX_COLUMNS])
        n_rows += 1
        widest = max(widest, len(fields))
    return head, n_rows, widest


def collect(text: str, delimiter: str, keep: np.ndarray, skip: int) -> list[list[str]]:
    """Rows number ``skip + keep[i]`` of the file (``keep`` sorted), each cut to ``MAX_COLUMNS`` fields."""
    wanted = iter(keep.tolist())
    target = next(wanted, None)
    kept = []
    for index, fields in enumerate(nonblank_rows(text, delimiter)):
        if target is None:
            break
        if index - skip == target:
            kept.append(fields[:MAX_COLUMNS])
            target = next(wanted, None)
    return kept


def uses_decimal_comma(rows: list[list[str]]) -> bool:
    """True when many cells look like '3,14' (only asked for semicolon- or tab-separated files)."""
    cells = [cell.strip() for row in rows[:200] for cell in row]
    looks_comma = sum(1 for cell in cells if DECIMAL_COMMA.match(cell))
    return looks_comma > 0 and looks_comma >= 0.2 * len(cells)


def has_header(rows: list[list[str]], decimal_comma: bool) -> bool:
    """Is the first row column names? Yes if it is all text, or has text above a column of numbers."""
    first = rows[0]
    texts = [bool(cell.strip()) and not is_number(cell, decimal_comma) for cell in first]
    if not any(texts):
        return False
    if all(texts) or len(rows) == 1:
        return True
    below = rows[1 : 1 + 20]
    for index, is_text in enumerate(texts):
        column = [row[index] for row in below if index < len(row) and row[index].strip()]
        if is_text and column and sum(is_number(cell, decimal_comma) for cell in column) > len(column) / 2:
            return True
    return False
