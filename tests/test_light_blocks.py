"""Small tables as Markdown and code as a preformatted block: what the pages draw instead of bundles."""

from __future__ import annotations

import pandas as pd

from emlab.shared.light_blocks import code_block_html, fixed, markdown_table, vector
from tests.markdown_tables import read_table


def test_fixed_writes_the_same_decimals_with_an_ascii_minus_and_no_separator():
    assert [fixed(v, 2) for v in (0.5, -1234.567, 3)] == ["0.50", "-1234.57", "3.00"]
    assert vector([1.0, -0.25], 1) == "(1.0, -0.2)"


def test_markdown_table_aligns_numbers_right_bolds_rows_and_escapes_bars():
    table = pd.DataFrame({"name": ["a|b", "c"], "n": [1, 22], "text": ["x", ""]})
    lines = markdown_table(table, bold_rows=[1]).splitlines()
    assert lines[:2] == ["| name | n | text |", "|:--|--:|:--|"]
    assert lines[2] == "| a\\|b | 1 | x |"
    assert lines[3] == "| **c** | **22** |  |"
    assert markdown_table(table, right=["text"]).splitlines()[1] == "|:--|:--|--:|"


def test_read_table_gives_back_the_cells():
    table = pd.DataFrame({"k": ["1", "2"], "score": ["-3.5000", "-2.0000"]})
    assert read_table(markdown_table(table, bold_rows=[0])) == {"k": ["1", "2"], "score": ["-3.5000", "-2.0000"]}


def test_code_block_keeps_every_space_and_escapes_html():
    block = code_block_html('if a < b:\n    print("x & y")\n')
    assert block.startswith("<pre ") and block.endswith("</pre>")
    assert "if a &lt; b:\n    print(&quot;x &amp; y&quot;)\n" in block
    assert "white-space:pre" in block
