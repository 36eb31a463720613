"""Reading Markdown pipe tables in tests: the pages draw small tables as Markdown (issue 10)."""

from __future__ import annotations


def read_table(markdown: str) -> dict[str, list[str]]:
    """Column name -> cells (bold marks removed) of the pipe table ``markdown``."""
    lines = markdown.strip().splitlines()
    header, rows = _cells(lines[0]), [_cells(line) for line in lines[2:]]
    return {name: [row[column] for row in rows] for column, name in enumerate(header)}


def page_table(at, column: str) -> dict[str, list[str]]:
    """The one Markdown table on an AppTest page that has ``column``."""
    found = [m.value for m in at.markdown if m.value.startswith("| ") and f"| {column} |" in m.value.splitlines()[0]]
    assert len(found) == 1, f"expected one table with column {column!r}, found {len(found)}"
    return read_table(found[0])


def _cells(line: str) -> list[str]:
    return [cell.strip().removeprefix("**").removesuffix("**") for cell in line.strip().strip("|").split(" | ")]
