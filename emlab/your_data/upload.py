"""Reading a user's CSV file into a table of numbers, and turning chosen columns into a data set.

Pure (no Streamlit), so every bad file can be tested without a browser. The uploaded bytes are
only ever *decoded as text and split as CSV*: never evaluated, unpickled, or handed to a reader
that guesses formats. Anything a student can get wrong ends in :class:`UploadError` (a
``ValueError``) whose message says what is wrong and what to do; anything worth knowing about a
file that could be read goes into ``ParsedTable.notes``.

Limits keep one upload as cheap as the largest synthetic data set, whoever is connected:

- ``MAX_UPLOAD_BYTES``: the size limit of ``.streamlit/config.toml`` (``server.maxUploadSize``),
  checked again here so the message is ours and tests can reach it.
- ``MAX_ROWS``: the largest synthetic sample (``settings.N_RANGE``); bigger files are sampled at
  random with a fixed seed, so everyone gets the same rows.
- ``MAX_COLUMNS``: only the first columns are read. A 1,000-column file is read, not refused: its
  first ``MAX_COLUMNS`` columns are offered with a note saying so (refusing would leave the student
  with nothing to try; the note tells them how to get other columns in).
- ``MAX_FEATURES``: how many columns one model may use.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from emlab.shared.settings import N_RANGE
from emlab.shared.text import t
from gmm_core import DataSet

MAX_UPLOAD_MB = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_ROWS = N_RANGE[1]
MAX_COLUMNS = 50
MAX_FEATURES = 20
DEFAULT_FEATURES = 6
PREVIEW_ROWS = 10
SAMPLE_SEED = 0

DELIMITERS = {"\t": "tabs", ";": "semicolons", ",": "commas", "|": "vertical bars", " ": "spaces"}
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "?", "-", ".", "#n/a", "missing"})
_NAME_LENGTH = 40
_EXAMPLE_LENGTH = 20
_SNIFF_LINES = 50
_SNIFF_CHARS = 200_000
_ROW_NUMBER_MIN_ROWS = 10
_HEAD_ROWS = 200
_CONTROL_SHARE = 0.01
_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$")
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


class UploadError(ValueError):
    """A file or a choice that cannot be used; ``code`` names the problem, the message explains it."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


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


@dataclass(frozen=True)
class SelectionSummary:
    """What choosing ``columns`` does to the rows: how many are complete, and warnings."""

    n_rows: int
    n_complete: int
    warnings: tuple[str, ...]

    @property
    def n_dropped(self) -> int:
        return self.n_rows - self.n_complete


# --------------------------------------------------------------------------- reading


def parse_csv(raw: bytes, filename: str = "upload.csv") -> ParsedTable:
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
        raise _problem("too_big", size=len(raw), max_mb=MAX_UPLOAD_MB, max_bytes=MAX_UPLOAD_BYTES)
    text, encoding = decode_text(raw)
    if not text.strip():
        raise _problem("empty")
    delimiter = detect_delimiter(text)
    try:
        head, n_rows_in_file, n_columns_in_file = _survey(text, delimiter)
    except csv.Error as error:  # e.g. a stray quote makes one field longer than csv's limit
        raise _problem("unreadable", detail=str(error)) from None
    if n_rows_in_file == 0:  # only quotes, separators and blanks
        raise _problem("empty")
    decimal_comma = delimiter != "," and _uses_decimal_comma(head)
    has_header = _has_header(head, decimal_comma)
    names = _column_names(head[0] if has_header else [], n_columns_in_file)
    n_data_in_file = n_rows_in_file - int(has_header)
    _check_row_count(n_data_in_file, names)
    keep = _sample_rows(n_data_in_file)
    return _numeric_table(
        filename,
        _collect(text, delimiter, keep, skip=int(has_header)),  # same reader, so no csv.Error left
        keep,
        names,
        encoding=encoding,
        delimiter=delimiter,
        decimal_comma=decimal_comma,
        has_header=has_header,
        n_rows_in_file=n_data_in_file,
        n_columns_in_file=n_columns_in_file,
    )


def decode_text(raw: bytes) -> tuple[str, str]:
    """The file as text and the name of its encoding; binary content raises ``UploadError``.

    Byte-order marks decide first (UTF-32, UTF-8, UTF-16); UTF-16 without one is recognised by
    its pattern of zero bytes. Then strict UTF-8, then Windows-1252 and Latin-1, which decode
    almost anything, so a last check refuses text full of control characters.
    """
    if raw.startswith(_SPREADSHEET_MAGIC):
        raise _problem("spreadsheet")
    for bom, codec, label in (
        (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
        (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
    ):
        if raw.startswith(bom):
            return _checked(_decode(raw, codec), label)
    if b"\x00" in raw:
        codec = _bomless_utf16(raw)
        if codec is None:
            raise _problem("not_text")
        return _checked(_decode(raw, codec), "UTF-16")
    for codec, label in (("utf-8", "UTF-8"), ("cp1252", "Windows-1252"), ("latin-1", "Latin-1")):
        try:
            return _checked(raw.decode(codec), label)
        except UnicodeDecodeError:
            continue
    raise _problem("not_text")  # unreachable: Latin-1 decodes every byte


def _decode(raw: bytes, codec: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        raise _problem("not_text") from None


def _bomless_utf16(raw: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when zero bytes sit at every other position (ASCII-ish UTF-16)."""
    sample = raw[: 4096 - 4096 % 2]
    if len(sample) < 2:
        return None
    even_zeros, odd_zeros = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zeros > 0.9 * half and even_zeros == 0:
        return "utf-16-le"
    if even_zeros > 0.9 * half and odd_zeros == 0:
        return "utf-16-be"
    return None


def _checked(text: str, label: str) -> tuple[str, str]:
    """Refuse decoded 'text' that is mostly control characters (a binary file in disguise)."""
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise _problem("not_text")
    sample = text[:65536]
    controls = sum(1 for char in sample if unicodedata.category(char) == "Cc" and char not in "\t\n\r\f\v")
    if sample and controls > _CONTROL_SHARE * len(sample):
        raise _problem("not_text")
    return text, label


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
            counts = [len(fields) for fields in _reader(lines, delimiter)]
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


def _reader(lines, delimiter: str):
    """``csv.reader`` over ``lines``; with spaces, runs of spaces and indentation count as one."""
    if delimiter == " ":
        return csv.reader((line.lstrip(" ") for line in lines), delimiter=" ", skipinitialspace=True)
    return csv.reader(lines, delimiter=delimiter)


def _rows(text: str, delimiter: str):
    """The file's non-blank rows as lists of fields (trailing empty fields dropped), one at a time."""
    for fields in _reader(io.StringIO(text, newline=""), delimiter):
        while fields and not fields[-1].strip():
            fields.pop()
        if fields:
            yield fields


def _survey(text: str, delimiter: str) -> tuple[list[list[str]], int, int]:
    """The first rows (enough to find a header), the number of non-blank rows and the widest row.

    A 5 MB file can hold millions of short rows; counting them without keeping them keeps memory
    flat, and :func:`_collect` then keeps only the rows that will be used.
    """
    head: list[list[str]] = []
    n_rows = widest = 0
    for fields in _rows(text, delimiter):
        if n_rows < _HEAD_ROWS:
            head.append(fields[:MAX_COLUMNS])
        n_rows += 1
        widest = max(widest, len(fields))
    return head, n_rows, widest


def _collect(text: str, delimiter: str, keep: np.ndarray, skip: int) -> list[list[str]]:
    """Rows number ``skip + keep[i]`` of the file (``keep`` sorted), each cut to ``MAX_COLUMNS`` fields."""
    wanted = iter(keep.tolist())
    target = next(wanted, None)
    kept = []
    for index, fields in enumerate(_rows(text, delimiter)):
        if target is None:
            break
        if index - skip == target:
            kept.append(fields[:MAX_COLUMNS])
            target = next(wanted, None)
    return kept


def _check_row_count(n_data_rows: int, names: list[str]) -> None:
    if n_data_rows == 0:
        raise _problem("header_only", names=_quote_list(names))
    if n_data_rows == 1:
        raise _problem("single_row")


def _sample_rows(n_rows: int) -> np.ndarray:
    """Indices of the rows to keep: all of them, or ``MAX_ROWS`` picked at random (sorted)."""
    if n_rows <= MAX_ROWS:
        return np.arange(n_rows)
    rng = np.random.default_rng(SAMPLE_SEED)
    return np.sort(rng.choice(n_rows, size=MAX_ROWS, replace=False))


# --------------------------------------------------------------------------- numbers


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
        cleaned = cleaned.where(~cleaned.str.match(_DECIMAL_COMMA), cleaned.str.replace(",", ".", regex=False))
    values = np.array(pd.to_numeric(cleaned.where(~missing, ""), errors="coerce"), dtype=float)
    is_text = np.isnan(values) & ~missing & ~cleaned.str.lower().isin({"nan", "+nan", "-nan"}).to_numpy()
    return values, is_text


def _uses_decimal_comma(rows: list[list[str]]) -> bool:
    """True when many cells look like '3,14' (only asked for semicolon- or tab-separated files)."""
    cells = [cell.strip() for row in rows[:200] for cell in row]
    looks_comma = sum(1 for cell in cells if _DECIMAL_COMMA.match(cell))
    return looks_comma > 0 and looks_comma >= 0.2 * len(cells)


def _is_number(cell: str, decimal_comma: bool) -> bool:
    values, _ = to_numbers(pd.Series([cell]), decimal_comma)
    return not np.isnan(values[0])


def _has_header(rows: list[list[str]], decimal_comma: bool) -> bool:
    """Is the first row column names? Yes if it is all text, or has text above a column of numbers."""
    first = rows[0]
    texts = [bool(cell.strip()) and not _is_number(cell, decimal_comma) for cell in first]
    if not any(texts):
        return False
    if all(texts) or len(rows) == 1:
        return True
    below = rows[1 : 1 + 20]
    for index, is_text in enumerate(texts):
        column = [row[index] for row in below if index < len(row) and row[index].strip()]
        if is_text and column and sum(_is_number(cell, decimal_comma) for cell in column) > len(column) / 2:
            return True
    return False


def _numeric_table(
    filename: str, rows: list[list[str]], row_numbers: np.ndarray, names: list[str], **how
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
        notes.extend(_cell_notes(name, values, is_text, cells[index], row_numbers))
        values[~np.isfinite(values)] = np.nan
        numeric[name] = values
    if not numeric:
        raise _problem("no_numeric", names=_quote_list(skipped))
    notes.extend(_limit_notes(how["n_rows_in_file"], how["n_columns_in_file"], len(numeric)))
    data = pd.DataFrame(numeric)
    row_like = [name for name in data.columns if _counts_rows(data[name].to_numpy())]
    if len(row_like) == len(data.columns):
        row_like = []
    if row_like:
        notes.append(t("upload.note.row_number", names=_quote_list(row_like)))
    return ParsedTable(
        filename=filename,
        data=data,
        skipped_columns=tuple(skipped),
        default_columns=_default_columns(data, row_like),
        notes=tuple(notes),
        **how,
    )


def _cell_notes(name, values, is_text, cells, row_numbers) -> list[str]:
    notes = []
    if is_text.any():
        first = int(np.flatnonzero(is_text)[0])
        example = clean_name(str(cells.iloc[first]))[:_EXAMPLE_LENGTH]
        notes.append(
            t(
                "upload.note.text_cells",
                name=quote(name),
                count=int(is_text.sum()),
                example=quote(example),
                row=int(row_numbers[first]) + 1,
                hint=t("upload.note.decimal_hint", example=quote(example)) if _DECIMAL_COMMA.match(example) else "",
            )
        )
    infinite = int(np.isinf(values).sum())
    if infinite:
        notes.append(t("upload.note.infinite", name=quote(name), count=infinite))
    return notes


def _limit_notes(n_rows: int, n_columns: int, n_numeric: int) -> list[str]:
    notes = []
    if n_rows > MAX_ROWS:
        notes.append(t("upload.note.rows_sampled", rows=n_rows, max_rows=MAX_ROWS))
    if n_columns > MAX_COLUMNS:
        notes.append(t("upload.note.columns_cut", columns=n_columns, max_columns=MAX_COLUMNS))
    if n_numeric > n_rows:
        notes.append(t("upload.note.more_columns", columns=n_numeric, rows=n_rows))
    return notes


def _counts_rows(values: np.ndarray) -> bool:
    """True for a column that is just 1, 2, 3, ... (or 0, 1, 2, ...): a row number, not a measurement."""
    if len(values) < _ROW_NUMBER_MIN_ROWS or np.isnan(values).any():
        return False
    steps = np.diff(values)
    return bool(np.all(steps == 1) and values[0] in (0.0, 1.0))


def _default_columns(data: pd.DataFrame, row_like: list[str]) -> tuple[str, ...]:
    return tuple([name for name in data.columns if name not in row_like][:DEFAULT_FEATURES])


# --------------------------------------------------------------------------- names


def _column_names(header: list[str], width: int) -> list[str]:
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


def quote(text: str) -> str:
    """User text as a Markdown code span, so it is shown literally (no links, no formatting)."""
    return "`" + text.replace("`", "'") + "`"


def _quote_list(names: list[str], limit: int = 8) -> str:
    shown = ", ".join(quote(name) for name in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "") if names else "none"


def _problem(code: str, **values) -> UploadError:
    return UploadError(code, t(f"upload.problem.{code}", **values))


# --------------------------------------------------------------------------- choosing columns


def selection_summary(table: ParsedTable, columns, standardise: bool = False) -> SelectionSummary:
    """How many rows are complete in ``columns`` and what the student should be warned about."""
    chosen = table.data[list(columns)]
    complete = chosen.dropna()
    warnings = []
    if len(columns) and 2 <= len(complete) < 5 * len(columns):
        warnings.append(t("upload.warn.few_rows", complete=len(complete), columns=len(columns)))
    spreads = complete.std(ddof=0) if len(complete) else pd.Series(dtype=float)
    warnings.extend(t("upload.warn.constant", name=quote(name)) for name, spread in spreads.items() if spread == 0)
    positive = spreads[spreads > 0]
    if not standardise and len(positive) >= 2 and positive.max() > 100 * positive.min():
        warnings.append(t("upload.warn.scales", low=f"{positive.min():.3g}", high=f"{positive.max():.3g}"))
    return SelectionSummary(len(chosen), len(complete), tuple(warnings))


def build_dataset(table: ParsedTable, columns, standardise: bool = False) -> DataSet:
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
        raise _select_problem("none")
    if len(columns) > MAX_FEATURES:
        raise _select_problem("too_many", count=len(columns), max_features=MAX_FEATURES)
    for name in columns:
        if name not in table.data.columns:
            raise _select_problem("unknown", name=quote(str(name)))
    X = table.data[columns].dropna().to_numpy(dtype=float, copy=True)
    if len(X) < 2:
        raise _select_problem("too_few_rows", complete=len(X))
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


def _select_problem(code: str, **values) -> UploadError:
    return UploadError(code, t(f"upload.select.{code}", **values))


def dataset_id(raw_hash: str, columns, standardise: bool) -> str:
    """A short id for one file + column choice + scaling, for cache keys on other pages."""
    key = "\x1f".join([raw_hash, *columns, str(bool(standardise))])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def content_hash(raw: bytes) -> str:
    """SHA-256 of the uploaded bytes (hex)."""
    return hashlib.sha256(raw).hexdigest()
