"""What can be wrong with an upload or a column choice, said so the student knows what to change.

Every problem is an :class:`UploadError` (a ``ValueError``) whose ``code`` names it and whose
message comes from the text catalogue (``upload.problem.<code>`` for files,
``upload.select.<code>`` for choices). User text inside a message is quoted as Markdown code
(:func:`quote`), so a file cannot inject links or formatting.
"""

from __future__ import annotations

from emlab.shared.text import t


class UploadError(ValueError):
    """A file or a choice that cannot be used; ``code`` names the problem, the message explains it."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def file_problem(code: str, *, lang: str = "en", **values) -> UploadError:
    return UploadError(code, t(f"upload.problem.{code}", lang, **values))


def selection_problem(code: str, *, lang: str = "en", **values) -> UploadError:
    return UploadError(code, t(f"upload.select.{code}", lang, **values))


def quote(text: str) -> str:
    """User text as a Markdown code span, so it is shown literally (no links, no formatting)."""
    return "`" + text.replace("`", "'") + "`"


def quote_list(names: list[str], limit: int = 8) -> str:
    shown = ", ".join(quote(name) for name in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "") if names else "none"
