"""Opening a page in AppTest the way a fresh browser tab does: through app.py, with URL parameters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_page(page: str, **query: str) -> AppTest:
    """``page`` (``"app.py"`` or ``"pages/..."``) as a fresh tab opens it, with ``query`` as its URL parameters.

    Opened through ``app.py`` and ``switch_page``, as the sidebar's links do; fails on any exception.
    """
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(query)
    if page != "app.py":
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def tree_nodes(node) -> Iterator:
    """``node`` and everything below it in an AppTest element tree, depth first (parents before children)."""
    yield node
    for child in getattr(node, "children", {}).values():
        yield from tree_nodes(child)
