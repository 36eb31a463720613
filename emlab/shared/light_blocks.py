"""Light blocks: small tables as Markdown, code as preformatted HTML, one rule for numbers (pure, no Streamlit).

Each of Streamlit's table and code elements pulls a JavaScript bundle of its own into the page
before its charts can show (issue 10; measured in headless Chromium against the floor app's
7.4 MB): ``st.dataframe`` 1.7 MB (the data grid), ``st.table`` 1.0 MB (Arrow), ``st.code`` and
any fenced block in ``st.markdown`` 1.66 MB (the syntax highlighter and its font), raw HTML in
``st.markdown`` 0.19 MB. A pipe table in ``st.markdown`` (which every page loads anyway) costs
nothing extra, and ``st.html`` with a ``<pre>`` 32 kB.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Iterable

import numpy as np
import pandas as pd


def fixed(value, decimals: int) -> str:
    """``value`` with exactly ``decimals`` digits after the point (ASCII minus, no thousands separator).

    The one rule for numbers in a table: a column of numbers with the same number of decimals
    lines up when right-aligned, and the text can be copied into Python as it is.
    """
    return f"{float(value):.{decimals}f}"


def vector(values: Iterable, decimals: int) -> str:
    """A vector as ``(a, b, ...)``, each entry written by :func:`fixed`."""
    return "(" + ", ".join(fixed(value, decimals) for value in np.ravel(values)) + ")"


def markdown_table(
    table: pd.DataFrame, *, right: Collection[str] | None = None, bold_rows: Collection[int] = ()
) -> str:
    """``table`` as a Markdown pipe table.

    Parameters
    ----------
    table : DataFrame
        Cells are written with ``str``: format numbers before (:func:`fixed`, :func:`vector`).
    right : collection of str, optional
        Column names to right-align (numbers); by default the columns whose dtype is numeric.
    bold_rows : collection of int
        Row positions written in bold (a winner, a highlighted class).
    """

    def cell(value, bold: bool) -> str:
        text = str(value).replace("|", "\\|")
        return f"**{text}**" if bold and text else text

    if right is None:
        right = [name for name in table.columns if pd.api.types.is_numeric_dtype(table[name])]
    header = "| " + " | ".join(cell(name, False) for name in table.columns) + " |"
    rule = "|" + "|".join("--:" if name in right else ":--" for name in table.columns) + "|"
    rows = [
        "| " + " | ".join(cell(value, position in bold_rows) for value in row) + " |"
        for position, row in enumerate(table.itertuples(index=False))
    ]
    return "\n".join([header, rule, *rows])


CODE_STYLE = (
    "background:#f0f2f6;border-radius:0.5rem;padding:0.9rem 1rem;margin:0 0 1rem 0;overflow-x:auto;"
    "font-family:'Source Code Pro',ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:0.875rem;"
    "line-height:1.5;color:#31333f;white-space:pre"
)


def code_block_html(code: str) -> str:
    """``code`` as an HTML ``<pre>`` block (escaped) that looks like Streamlit's code block, for ``st.html``.

    It keeps every space and line, copies as the text it shows, and loads no syntax highlighter;
    what it gives up is the colouring and the copy button.
    """
    return f'<pre style="{CODE_STYLE}">{html.escape(code)}</pre>'
