"""Reading a user's CSV file into a table of numbers: the steps in order, and the names pages use.

Pure (no Streamlit), so every bad file can be tested without a browser. The uploaded bytes are
only ever *decoded as text and split as CSV*: never evaluated, unpickled, or handed to a reader
that guesses formats. Anything a student can get wrong ends in :class:`UploadError` (a
``ValueError``) whose message says what is wrong and what to do; anything worth knowing about a
file that could be read goes into ``ParsedTable.notes``.

The steps live beside this module, one concern each: ``limits`` (how much is read), ``decoding``
(bytes to text), ``sniffing`` (separator, rows, header), ``cells`` (a cell as a number),
``column_names``, ``numeric_table`` (the table and its notes), ``selection`` (chosen columns to a
data set) and ``problems`` (the messages).
"""

from __future__ import annotations

import csv

import numpy as np

from emlab.shared.text import t
from emlab.your_data.cells import to_numbers
from emlab.your_data.column_names import clean_name, column_names
from emlab.your_data.decoding import decode_text
from emlab.your_data.limits import (
    DEFAULT_FEATURES,
    MAX_COLUMNS,
    MAX_FEATURES,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_MB,
    PREVIEW_ROWS,
    SAMPLE_SEED,
)
from emlab.your_data.numeric_table import ParsedTable, numeric_table
from emlab.your_data.problems import UploadError, file_problem, quote, quote_list
from emlab.your_data.selection import SelectionSummary, build_dataset, content_hash, dataset_id, selection_summary
from emlab.your_data.sniffing import DELIMITERS, collect, detect_delimiter, has_header, survey, uses_decimal_comma

__all__ = [
    "DEFAULT_FEATURES",
    "DELIMITERS",
    "MAX_COLUMNS",
    "MAX_FEATURES",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_MB",
    "PREVIEW_ROWS",
    "ParsedTable",
    "SelectionSummary",
    "UploadError",
    "build_dataset",
    "clean_name",
    "content_hash",
    "dataset_id",
    "decode_text",
    "detect_delimiter",
    "parse_csv",
    "how_it_was_read",
    "quote",
    "selection_summary",
    "to_numbers",
]


def parse_csv(raw: bytes, filename: str = "upload.csv", *, lang: str = "en") -> ParsedTable:
    """Read an uploaded file as a CSV table of numbers.

    Parameters
    ----------
    raw : bytes
        The file's content, exactly as uploaded.
    filename : str
        Shown in messages and used as the data set's name.

    Returns
    -------
    ParsedTable

    Raises
    ------
    UploadError
        For a file that is too big, empty, not text, has no data rows or only one, or has no
        numeric column.
    """
    filename = clean_name(filename) or "upload.csv"
    if len(raw) > MAX_UPLOAD_BYTES:
        raise file_problem("too_big", size=len(raw), max_mb=MAX_UPLOAD_MB, max_bytes=MAX_UPLOAD_BYTES, lang=lang)
    text, encoding = decode_text(raw, lang=lang)
    if not text.strip():
        raise file_problem("empty", lang=lang)
    delimiter = detect_delimiter(text)
    try:
        head, n_rows_in_file, n_columns_in_file = survey(text, delimiter)
    except csv.Error as error:  # e.g. a stray quote makes one field longer than csv's limit
        raise file_problem("unreadable", detail=str(error), lang=lang) from None
    if n_rows_in_file == 0:  # only quotes, separators and blanks
        raise file_problem("empty", lang=lang)
    decimal_comma = delimiter != "," and uses_decimal_comma(head)
    header = has_header(head, decimal_comma)
    names = column_names(head[0] if header else [], n_columns_in_file)
    n_data_in_file = n_rows_in_file - int(header)
    _check_row_count(n_data_in_file, names, lang=lang)
    keep = _sample_rows(n_data_in_file)
    return numeric_table(
        filename,
        collect(text, delimiter, keep, skip=int(header)),  # same reader, so no csv.Error left
        keep,
        names,
        encoding=encoding,
        delimiter=delimiter,
        decimal_comma=decimal_comma,
        has_header=header,
        n_rows_in_file=n_data_in_file,
        n_columns_in_file=n_columns_in_file,
        lang=lang,
    )


def _check_row_count(n_data_rows: int, names: list[str], *, lang: str = "en") -> None:
    if n_data_rows == 0:
        raise file_problem("header_only", names=quote_list(names), lang=lang)
    if n_data_rows == 1:
        raise file_problem("single_row", lang=lang)


def _sample_rows(n_rows: int) -> np.ndarray:
    """Indices of the rows to keep: all of them, or ``MAX_ROWS`` picked at random (sorted)."""
    if n_rows <= MAX_ROWS:
        return np.arange(n_rows)
    rng = np.random.default_rng(SAMPLE_SEED)
    return np.sort(rng.choice(n_rows, size=MAX_ROWS, replace=False))


def how_it_was_read(table: ParsedTable, *, lang: str = "en") -> str:
    """One sentence on how the file was read: rows, columns, encoding, separator, decimals, header."""
    return t(
        "upload.read_as",
        lang,
        rows=table.n_rows_in_file,
        columns=table.n_columns_in_file,
        encoding=table.encoding,
        delimiter=_delimiter_name(table.delimiter, lang),
        decimal=t("upload.read_as.decimal", lang) if table.decimal_comma else "",
        header=t("upload.read_as.header", lang) if table.has_header else t("upload.read_as.no_header", lang),
    )


def _delimiter_name(delimiter: str, lang: str) -> str:
    """The separator as the sentence names it ("commas"), or the character itself when unusual."""
    name = DELIMITERS.get(delimiter)
    return repr(delimiter) if name is None else t("upload.delimiter." + name.replace(" ", "_"), lang)
