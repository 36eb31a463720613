"""The 'Your own data' page's session state: its keys, declared once, and what its buttons do to it.

Pure (no Streamlit import): every function takes the session state as a mapping, so the page
passes ``st.session_state`` and tests pass a dict. The file is read once, in the uploader's
callback (:func:`read_file`); the result (a table, or the problem with it) stays in the session,
so leaving the page and coming back keeps it. 'Use this data' (:func:`use_selection`) stores the
chosen columns as the shared ``SESSION.uploaded_dataset`` with an ``upload_id`` that the other
pages put in their cache keys; their data source 'upload' reads it.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from emlab.shared.state_keys import SESSION
from emlab.your_data.numeric_table import ParsedTable
from emlab.your_data.problems import UploadError
from emlab.your_data.selection import build_dataset, content_hash, dataset_id
from emlab.your_data.upload import parse_csv


@dataclass(frozen=True)
class UploadKeys:
    """Session-state keys of the page: widget keys (contracts for tests) and the file last read."""

    file: str = "up_file"  # the file uploader
    example: str = "up_example"  # 'Try the example' button
    example_download: str = "up_example_download"
    forget: str = "up_forget"
    columns: str = "up_columns"  # the column multiselect
    standardise: str = "up_standardise"  # the standardise toggle
    use: str = "up_use"  # 'Use this data'
    preview_chart: str = "up_preview_chart"
    table: str = "up_table"  # the ParsedTable last read, or None
    problem: str = "up_problem"  # why the last file could not be read ("" when it could)
    content_hash: str = "up_hash"  # SHA-256 of the last file's bytes ("" when none)


KEYS = UploadKeys()
DEFAULTS: dict[str, Any] = {KEYS.table: None, KEYS.problem: "", KEYS.content_hash: ""}

State = MutableMapping[str, Any]


def read_file(state: State, raw: bytes, filename: str, *, lang: str = "en") -> None:
    """Read ``raw`` and keep the table (or the problem); the column choice restarts from the file's default.

    The choice is set here through session state (not as the widget's ``default``) so the browser
    is told to show it: a changed default alone would leave the old chips on screen.
    """
    state[KEYS.content_hash] = content_hash(raw)
    try:
        table = parse_csv(raw, filename, lang=lang)
    except UploadError as problem:
        state[KEYS.table], state[KEYS.problem] = None, str(problem)
        return
    state[KEYS.table], state[KEYS.problem] = table, ""
    state[KEYS.columns] = list(table.default_columns)


def file_changed(state: State, *, lang: str = "en") -> None:
    """The uploader's callback: read the new file, or forget the old one when it was removed."""
    uploaded = state.get(KEYS.file)
    if uploaded is None:
        forget(state)
    else:
        read_file(state, uploaded.getvalue(), uploaded.name, lang=lang)


def forget(state: State) -> None:
    """Drop the file last read (the data set in use on other pages stays)."""
    state[KEYS.table], state[KEYS.problem], state[KEYS.content_hash] = None, "", ""


def chosen_columns(state: State) -> tuple[list[str], bool]:
    """The columns and the standardise choice the widgets hold."""
    return list(state.get(KEYS.columns) or []), bool(state.get(KEYS.standardise, False))


def selection_id(state: State, columns, standardise: bool) -> str:
    """The id the chosen columns of the file last read would have on the other pages."""
    return dataset_id(state[KEYS.content_hash], columns, standardise)


def use_selection(state: State, *, lang: str = "en") -> None:
    """Hand the chosen columns to the other pages (the button is only drawn for a valid choice)."""
    table: ParsedTable | None = state[KEYS.table]
    columns, standardise = chosen_columns(state)
    if table is None:
        return
    try:
        dataset = build_dataset(table, columns, standardise, lang=lang)
    except UploadError:
        return
    state[SESSION.uploaded_dataset] = dataset
    state[SESSION.upload_id] = selection_id(state, columns, standardise)


def in_use(state: State):
    """The data set the other pages use (or None) and its id."""
    return state[SESSION.uploaded_dataset], state[SESSION.upload_id]
