"""The numeric columns of a read file (:class:`ParsedTable`), with notes on what the student should know.

A column is numeric when more than half of its filled cells are numbers; other columns are listed
as skipped, so nothing disappears silently. Text cells, infinities, row-number columns and cut
limits each get a note.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from emlab.shared.text import t
from emlab.your_data.cells import DECIMAL_COMMA, to_numbers
from emlab.your_data.column_names import clean_name
from emlab.your_data.limits import DEFAULT_FEATURES, MAX_COLUMNS, MAX_ROWS
from emlab.your_data.problems import file_problem, quote, quote_list

_EXAMPLE_LENGTH = 20
_ROW_NUMBER_MIN_ROWS = 10


@dataclass(frozen=True, eq=False)
class ParsedTable:
    """The numeric columns of a CSV file, plus how it was read and what the student should know.

    Attributes
    ----------
    filename : str
    data : DataFrame of shape (n_rows, n_numeric)
        Float columns named after the file's (cleaned) column names; NaN marks a missing cell
        (empty, a missing-value token, text, or an infinity).
    skipped_columns : tuple of str
        Columns read but not numeric (labels, names), shown so nothing disappears silently.
    default_columns : tuple of str
        The columns chosen until the student changes them.
    encoding, delimiter : str
        How the bytes were decoded and split.
    decimal_comma, has_header : bool
    n_rows_in_file, n_columns_in_file : int
        Data rows and columns in the whole file (before any sampling or cut).
    notes : tuple of str
        Things that were read but are worth knowing (text in numbers, infinities, limits).
    """

    filename: str
    data: pd.DataFrame
    skipped_columns: tuple[str, ...]
    default_columns: tuple[str, ...]
    encoding: str
    delimiter: str
    decimal_comma: bool
    has_header: bool
    n_rows_in_file: int
    n_columns_in_file: int
    notes: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.data.columns)

    @property
    def n_rows(self) -> int:
        return len(self.data)


def numeric_table(
    filename: str, rows: list[list[str]], row_numbers: np.ndarray, names: list[str], *, lang: str = "en", **how
) -> ParsedTable:
    """Split the rows into numeric columns (kept, with notes) and text columns (listed)."""
    width = len(names)
    cells = pd.DataFrame([row + [""] * (width - len(row)) for row in rows], columns=range(width), dtype=object)
    numeric: dict[str, np.ndarray] = {}
    skipped: list[str] = []
    notes: list[str] = []
    for index, name in enumerate(names):
        values, is_text = to_numbers(cells[index], how["decimal_comma"])
        filled = np.count_nonzero(~np.isnan(values) | is_text)
        if filled == 0 or np.count_nonzero(~np.isnan(values)) <= filled / 2:
            skipped.append(name)
            continue
        notes.extend(_cell_notes(name, values, is_text, cells[index], row_numbers, lang=lang))
        values[~np.isfinite(values)] = np.nan
        numeric[name] = values
    if not numeric:
        raise file_problem("no_numeric", names=quote_list(skipped), lang=lang)
    notes.extend(_limit_notes(how["n_rows_in_file"], how["n_columns_in_file"], len(numeric), lang=lang))
    data = pd.DataFrame(numeric)
    row_like = [name for name in data.columns if _counts_rows(data[name].to_numpy())]
    if len(row_like) == len(data.columns):
        row_like = []
    if row_like:
        notes.append(t("upload.note.row_number", lang, names=quote_list(row_like)))
    return ParsedTable(
        filename=filename,
        data=data,
        skipped_columns=tuple(skipped),
        default_columns=_default_columns(data, row_like),
        notes=tuple(notes),
        **how,
    )


def _cell_notes(name, values, is_text, cells, row_numbers, *, lang: str = "en") -> list[str]:
    notes = []
    if is_text.any():
        first = int(np.flatnonzero(is_text)[0])
        example = clean_name(str(cells.iloc[first]))[:_EXAMPLE_LENGTH]
        notes.append(
            t(
                "upload.note.text_cells",
                lang,
                name=quote(name),
                count=int(is_text.sum()),
                example=quote(example),
                row=int(row_numbers[first]) + 1,
                hint=t("upload.note.decimal_hint", lang, example=quote(example))
                if DECIMAL_COMMA.match(example)
                else "",
            )
        )
    infinite = int(np.isinf(values).sum())
    if infinite:
        notes.append(t("upload.note.infinite", lang, name=quote(name), count=infinite))
    return notes


def _limit_notes(n_rows: int, n_columns: int, n_numeric: int, *, lang: str = "en") -> list[str]:
    notes = []
    if n_rows > MAX_ROWS:
        notes.append(t("upload.note.rows_sampled", lang, rows=n_rows, max_rows=MAX_ROWS))
    if n_columns > MAX_COLUMNS:
        notes.append(t("upload.note.columns_cut", lang, columns=n_columns, max_columns=MAX_COLUMNS))
    if n_numeric > n_rows:
        notes.append(t("upload.note.more_columns", lang, columns=n_numeric, rows=n_rows))
    return notes


def _counts_rows(values: np.ndarray) -> bool:
    """True for a column that is just 1, 2, 3, ... (or 0, 1, 2, ...): a row number, not a measurement."""
    if len(values) < _ROW_NUMBER_MIN_ROWS or np.isnan(values).any():
        return False
    steps = np.diff(values)
    return bool(np.all(steps == 1) and values[0] in (0.0, 1.0))


def _default_columns(data: pd.DataFrame, row_like: list[str]) -> tuple[str, ...]:
    return tuple([name for name in data.columns if name not in row_like][:DEFAULT_FEATURES])
