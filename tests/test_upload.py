"""The CSV reader (emlab.your_data.upload) on good files, every kind of bad file, and random bytes.

Files are made here, not committed: each fixture says in one line what is wrong with it.
"""

from __future__ import annotations

import codecs
import math
import pickle
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emlab.your_data import upload
from emlab.your_data.upload import MAX_COLUMNS, MAX_ROWS, MAX_UPLOAD_BYTES, UploadError, build_dataset, parse_csv

ROOT = Path(__file__).resolve().parent.parent
GOOD = b"x,y\n1.0,2.0\n1.5,2.5\n3.0,1.0\n4.0,4.5\n2.0,2.2\n"


def csv_bytes(rows, header=None, delimiter=",", encoding="utf-8") -> bytes:
    lines = ([delimiter.join(header)] if header else []) + [delimiter.join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def a_png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def just_over_the_limit() -> bytes:
    return (b"x,y\n" + b"1.25,2.5\n" * (MAX_UPLOAD_BYTES // 9 + 1))[: MAX_UPLOAD_BYTES + 1]


BAD_FILES = {
    # name: (content, problem code)
    "empty": (b"", "empty"),
    "blank lines only": (b"\n \r\n\t\n", "empty"),
    "header only": (b"height,weight\n", "header_only"),
    "header only, UTF-16": ("height;weight\r\n".encode("utf-16"), "header_only"),
    "single row": (b"height,weight\n1.7,65\n", "single_row"),
    "single row, no header": (b"1.7,65\n", "single_row"),
    "no numeric column": (b"name,town\nann,oslo\nbob,rome\ncid,lima\n", "no_numeric"),
    "over the size limit": (just_over_the_limit(), "too_big"),
    "png image": (a_png(), "not_text"),
    "random bytes": (bytes(np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8)), "not_text"),
    "random bytes without zeros": (bytes(np.random.default_rng(1).integers(1, 256, 4000, dtype=np.uint8)), "not_text"),
    "pickle": (pickle.dumps({"x": [1.0, 2.0]}), "not_text"),
    "xlsx workbook": (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64, "spreadsheet"),
    "xls workbook": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "spreadsheet"),
    "stray quote in a big file": (b'x,y\n"1,2\n' + b"3,4\n" * 40_000, "unreadable"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_bad_file_is_refused_with_a_message_saying_what_to_do(name):
    content, code = BAD_FILES[name]
    with pytest.raises(UploadError) as caught:
        parse_csv(content, "data.csv")
    assert caught.value.code == code
    message = str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert len(message) > 40 and message.rstrip().endswith(".")
    assert "Traceback" not in message and "{" not in message


def test_the_size_limit_is_the_servers():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == upload.MAX_UPLOAD_MB
    assert MAX_UPLOAD_BYTES == upload.MAX_UPLOAD_MB * 1024 * 1024  # Streamlit counts MB as MiB


def test_a_file_at_the_size_limit_is_read_and_sampled():
    content = (b"x,y\n" + b"1.25,2.5\n" * (MAX_UPLOAD_BYTES // 9))[:MAX_UPLOAD_BYTES]
    content = content[: content.rfind(b"\n") + 1]
    table = parse_csv(content, "big.csv")
    assert table.n_rows == MAX_ROWS
    assert table.n_rows_in_file == content.count(b"\n") - 1
    assert any(f"{MAX_ROWS:,}" in note for note in table.notes)


def test_the_example_file_reads_cleanly():
    table = parse_csv((ROOT / "examples" / "two_clusters.csv").read_bytes(), "two_clusters.csv")
    assert table.columns == ("x", "y") and table.default_columns == ("x", "y")
    assert table.n_rows == 200 and not table.notes and not table.data.isna().any().any()


# --------------------------------------------------------------------------- separators and encodings


def test_semicolons_with_decimal_commas():
    table = parse_csv(b"a;b\n1,5;2,25\n3,0;-4,5\n7;8\n", "eu.csv")
    assert table.delimiter == ";" and table.decimal_comma
    np.testing.assert_array_equal(table.data.to_numpy(), [[1.5, 2.25], [3.0, -4.5], [7.0, 8.0]])


def test_tabs():
    table = parse_csv(b"a\tb\tc\n1\t2\t3\n4\t5\t6\n", "data.tsv")
    assert table.delimiter == "\t" and table.columns == ("a", "b", "c")
    assert table.data["c"].tolist() == [3.0, 6.0]


@pytest.mark.parametrize(
    ("encoded", "label"),
    [
        ("größe,weite\n1,2\n3,4\n".encode("latin-1"), "Windows-1252"),
        ("größe,weite\n1,2\n3,4\n".encode(), "UTF-8"),
        ("größe,weite\n1,2\n3,4\n".encode("utf-8-sig"), "UTF-8"),
        ("größe\tweite\r\n1\t2\r\n3\t4\r\n".encode("utf-16"), "UTF-16"),
        ("größe,weite\n1,2\n3,4\n".encode("utf-16-le"), "UTF-16"),
        ("größe,weite\n1,2\n3,4\n".encode("utf-16-be"), "UTF-16"),
        (codecs.BOM_UTF32_LE + "größe,weite\n1,2\n3,4\n".encode("utf-32-le"), "UTF-32"),
    ],
)
def test_encodings_are_recognised(encoded, label):
    table = parse_csv(encoded, "data.csv")
    assert table.encoding == label
    assert table.columns == ("größe", "weite")
    assert table.data.to_numpy().tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_spaces_as_in_many_txt_data_files():
    table = parse_csv(b"  eruptions   waiting\n  3.600      79\n  1.800      54\n 3.333 74\n", "faithful.txt")
    assert table.delimiter == " " and table.columns == ("eruptions", "waiting")
    assert table.data.to_numpy().tolist() == [[3.6, 79.0], [1.8, 54.0], [3.333, 74.0]]


def test_spaces_inside_comma_separated_names_do_not_split_them():
    table = parse_csv(b"first name,age in years\nann lee,3\nbo bo,4\n", "people.csv")
    assert table.delimiter == "," and table.columns == ("age in years",)


def test_windows_line_endings_and_trailing_separators():
    table = parse_csv(b"x,y,\r\n1,2,\r\n3,4,\r\n\r\n5,6,\r\n", "excel.csv")
    assert table.columns == ("x", "y") and table.n_rows == 3


# --------------------------------------------------------------------------- cells


def test_text_in_a_numeric_column_becomes_missing_and_is_reported():
    table = parse_csv(b"x,y\n1,2\n3,abc\n5,6\n7,8\n", "data.csv")
    assert table.columns == ("x", "y")
    assert np.isnan(table.data["y"][1])
    (note,) = table.notes
    assert "`y`" in note and "`abc`" in note and "row 2" in note
    summary = upload.selection_summary(table, ["x", "y"])
    assert (summary.n_rows, summary.n_complete, summary.n_dropped) == (4, 3, 1)
    assert build_dataset(table, ["x", "y"]).X.shape == (3, 2)


def test_a_decimal_comma_in_a_comma_file_gets_a_hint():
    table = parse_csv(b'x,y\n1,2\n3,"4,5"\n5,6\n7,8\n', "data.csv")
    assert "decimal comma" in table.notes[0]


def test_infinities_become_missing_and_are_reported():
    table = parse_csv(b"x,y\n1,2\n3,inf\n5,-Infinity\n7,1e999\n9,10\n", "data.csv")
    assert table.data["y"].isna().sum() == 3
    assert any("3 infinite" in note and "`y`" in note for note in table.notes)
    assert np.isfinite(build_dataset(table, ["x", "y"]).X).all()


def test_missing_value_tokens_are_missing_not_text():
    table = parse_csv(b"x,y\n1,NA\n2,\n3,?\n4,null\n5,6\n6,7\n", "data.csv")
    assert table.data["y"].isna().sum() == 4
    assert not table.notes


def test_a_text_column_is_listed_not_offered():
    table = parse_csv(b"x,y,species\n1,2,a\n3,4,b\n5,6,a\n", "data.csv")
    assert table.columns == ("x", "y") and table.skipped_columns == ("species",)


def test_a_file_without_header_gets_numbered_columns():
    table = parse_csv(b"1.2,3.4,setosa\n1.5,2.2,virginica\n0.3,3.3,setosa\n", "data.csv")
    assert not table.has_header
    assert table.columns == ("column 1", "column 2") and table.n_rows == 3


def test_a_row_number_column_is_not_chosen_by_default():
    rows = [(i + 1, 0.5 * i % 3, (7 * i) % 5) for i in range(12)]
    table = parse_csv(csv_bytes(rows, header=["id", "a", "b"]), "data.csv")
    assert table.columns == ("id", "a", "b") and table.default_columns == ("a", "b")
    assert any("`id`" in note for note in table.notes)


def test_column_names_are_cleaned():
    header = ["<b>bold</b>", "", "x", "x", "tab\there", "a" * 80]
    table = parse_csv(csv_bytes([[1, 2, 3, 4, 5, 6], [2, 3, 4, 5, 6, 7]], header=header), "<i>name</i>.csv")
    names = table.columns
    assert not any("<" in name or ">" in name for name in names) and "<" not in table.filename
    assert names[1] == "column 2" and names[2:4] == ("x", "x (2)") and names[4] == "tab here"
    assert len(names[5]) == 40 and names[5].endswith("\u2026")


def test_cells_are_never_evaluated():
    content = b"x,y\n1,__import__('os').system('echo hacked')\n2,3\n4,5\n"
    table = parse_csv(content, "data.csv")
    assert np.isnan(table.data["y"][0]) and "text" not in table.columns


# --------------------------------------------------------------------------- shapes


def test_one_numeric_column_gives_a_one_feature_data_set():
    table = parse_csv(b"waiting\n79\n54\n74\n62\n85\n", "faithful.csv")
    dataset = build_dataset(table, table.default_columns)
    assert dataset.X.shape == (5, 1) and dataset.feature_names == ("waiting",)


def test_more_columns_than_rows_is_read_with_a_warning():
    table = parse_csv(csv_bytes([[1, 2, 3, 4, 5], [6, 7, 8, 9, 11], [1, 0, 1, 0, 1]], header=list("abcde")), "w.csv")
    assert table.columns == tuple("abcde")
    assert any("more columns (5) than rows (3)" in note for note in table.notes)
    summary = upload.selection_summary(table, table.columns)
    assert any("covariances will be poorly estimated" in warning for warning in summary.warnings)
    assert build_dataset(table, table.columns).X.shape == (3, 5)


def test_a_very_wide_file_offers_its_first_columns():
    header = [f"g{i}" for i in range(1000)]
    rows = np.random.default_rng(0).normal(size=(30, 1000)).round(3)
    table = parse_csv(csv_bytes(rows.tolist(), header=header), "wide.csv")
    assert table.n_columns_in_file == 1000
    assert table.columns == tuple(header[:MAX_COLUMNS])
    assert len(table.default_columns) == upload.DEFAULT_FEATURES
    assert any("1,000 columns" in note and f"first {MAX_COLUMNS}" in note for note in table.notes)


def test_a_tall_file_is_sampled_the_same_way_every_time():
    rows = [(i % 97, i % 13) for i in range(3 * MAX_ROWS)]
    content = csv_bytes(rows, header=["a", "b"])
    first, second = parse_csv(content, "tall.csv"), parse_csv(content, "tall.csv")
    assert first.n_rows == MAX_ROWS and first.n_rows_in_file == 3 * MAX_ROWS
    assert first.data.equals(second.data)
    assert first.data["a"].nunique() == 97  # spread over the whole file, not its first rows


# --------------------------------------------------------------------------- choosing columns


def test_standardising_gives_mean_zero_and_unit_spread():
    table = parse_csv(csv_bytes([[i, 100 * i**2, 5] for i in range(10)], header=["a", "b", "c"]), "s.csv")
    dataset = build_dataset(table, ["a", "b", "c"], standardise=True)
    np.testing.assert_allclose(dataset.X.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(dataset.X.std(axis=0), [1, 1, 0], atol=1e-12)
    assert dataset.feature_names[0] == "a (standardised)" and not dataset.X.flags.writeable


def test_selection_warnings():
    table = parse_csv(csv_bytes([[i, 1000 * i, 5] for i in range(20)], header=["a", "b", "c"]), "s.csv")
    warnings = upload.selection_summary(table, ["a", "b", "c"]).warnings
    assert any("`c`" in warning and "same value" in warning for warning in warnings)
    assert any("standardising" in warning for warning in warnings)
    assert not any("standardising" in w for w in upload.selection_summary(table, ["a", "b"], standardise=True).warnings)


@pytest.mark.parametrize(
    ("columns", "code"),
    [([], "none"), (["nope"], "unknown"), ([f"c{i}" for i in range(upload.MAX_FEATURES + 1)], "too_many")],
)
def test_impossible_choices_are_refused(columns, code):
    table = parse_csv(csv_bytes(np.eye(30).tolist(), header=[f"c{i}" for i in range(30)]), "e.csv")
    with pytest.raises(UploadError) as caught:
        build_dataset(table, columns)
    assert caught.value.code == code


def test_too_few_complete_rows_are_refused():
    table = parse_csv(b"x,y\n1,\n,2\n3,4\n", "holes.csv")
    with pytest.raises(UploadError) as caught:
        build_dataset(table, ["x", "y"])
    assert caught.value.code == "too_few_rows" and "Only 1 row" in str(caught.value)


def test_the_data_set_id_follows_file_columns_and_scaling():
    ids = {
        upload.dataset_id("h1", ["x", "y"], False),
        upload.dataset_id("h2", ["x", "y"], False),
        upload.dataset_id("h1", ["x"], False),
        upload.dataset_id("h1", ["x", "y"], True),
    }
    assert len(ids) == 4


# --------------------------------------------------------------------------- fuzzing


def _read_or_refuse(content: bytes):
    """Parse and build the default choice; only UploadError may come out."""
    try:
        table = parse_csv(content, "fuzz.csv")
        dataset = build_dataset(table, table.default_columns)
    except UploadError as problem:
        assert str(problem)
        return None
    assert np.isfinite(dataset.X).all() and dataset.X.shape[0] >= 2
    return dataset


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_random_bytes_never_raise_anything_else(content):
    _read_or_refuse(content)


CSV_ALPHABET = st.sampled_from(list("0123456789.,;\t\n\r -+eE\"'abxyzNAinf?é") + ["\u2212", "\u221e", "\x00"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(CSV_ALPHABET, max_size=400), st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-8-sig"]))
def test_random_csv_like_text_never_raises_anything_else(text, encoding):
    _read_or_refuse(text.encode(encoding, errors="replace"))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), min_size=2, max_size=4),
        min_size=2,
        max_size=30,
    ),
    st.sampled_from([",", ";", "\t"]),
)
def test_numbers_come_back_as_written(rows, delimiter):
    width = min(len(row) for row in rows)
    rows = [row[:width] for row in rows]
    content = csv_bytes(rows, header=[f"v{i}" for i in range(width)], delimiter=delimiter)
    try:
        table = parse_csv(content, "n.csv")
    except UploadError as problem:
        assert problem.code == "no_numeric"  # every column mostly nan
        return
    for name in table.columns:
        column = int(name[1:])
        expected = [value if math.isfinite(value) else math.nan for value in (row[column] for row in rows)]
        np.testing.assert_array_equal(table.data[name].to_numpy(), np.array(expected))


def test_the_page_state_reads_forgets_and_hands_over_a_file():
    """``emlab.your_data.state`` is pure: a dict stands in for ``st.session_state``."""
    from emlab.shared.state_keys import SESSION
    from emlab.your_data import state
    from emlab.your_data.state import KEYS

    session = {**state.DEFAULTS, SESSION.uploaded_dataset: None, SESSION.upload_id: ""}
    state.read_file(session, b"a,b,label\n1,2,x\n3,5,y\n4,4,z\n", "points.csv")
    assert session[KEYS.table].columns == ("a", "b") and session[KEYS.problem] == ""
    assert session[KEYS.columns] == ["a", "b"] and len(session[KEYS.content_hash]) == 64
    state.use_selection(session)
    dataset, dataset_id = state.in_use(session)
    assert dataset.X.shape == (3, 2) and dataset_id == state.selection_id(session, ["a", "b"], False)
    state.read_file(session, b"x\n1\n", "one_row.csv")
    assert session[KEYS.table] is None and "one row" in session[KEYS.problem]
    assert state.in_use(session)[0] is dataset, "a bad file leaves the data in use alone"
    state.forget(session)
    assert (session[KEYS.table], session[KEYS.problem], session[KEYS.content_hash]) == (None, "", "")
