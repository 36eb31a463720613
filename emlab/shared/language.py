"""The language setting: English or Simplified Chinese, carried in the URL as ``lang=en|zh``.

Pure (no Streamlit), so the rule is tested once and every page reads it the same way:

- :func:`parse_language` turns the query-parameter value (a string, a list of strings as some
  Streamlit versions give, or nothing) into ``"en"`` or ``"zh"``; anything else means English,
  the default, so an old or mistyped link still opens.
- :data:`LANGUAGE_LABELS` are the names the language control shows, each in its own language.
- :func:`with_cjk_fallback` adds a CJK font to a plotly font family, so charts drawn in Chinese
  (in the browser and in server-side exports) never show boxes: Noto Sans CJK SC is Debian's
  ``fonts-noto-cjk``, the others are what Windows and macOS ship.

How a page uses it: ``lang = setup_page(...)`` (``emlab.shared.page``) draws the sidebar's
language control (``emlab.shared.controls.language_control``: a segmented control over
``LANGUAGES`` with ``format_func=language_label``) and returns the language. The control is not a
``bind="query-params"`` widget, because a bound choice widget writes its displayed label to the
URL (``lang=中文``); instead ``controls.page_language`` keeps ``lang`` in the URL (left out for
English) and in the session, so it is part of a shared link and carried to the next page. Every
``t(...)`` call, figure builder and download then receives that ``lang`` explicitly (cached
builders take it as an argument, so caches never mix languages), and the figures' font family
(``emlab.shared.style.FONT_FAMILY``) is the house font through :func:`with_cjk_fallback`.
"""

from __future__ import annotations

from collections.abc import Iterable

from emlab.shared.text import LANGUAGES

DEFAULT_LANGUAGE = "en"
QUERY_PARAM = "lang"
LANGUAGE_LABELS = {"en": "English", "zh": "中文"}
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", "sans-serif")


def parse_language(value: str | Iterable[str] | None) -> str:
    """``"en"`` or ``"zh"`` from a ``lang`` query value; anything unknown or missing gives English.

    Case and surrounding spaces are ignored, and the regional forms people type (``zh-CN``,
    ``zh_Hans``, ``en-GB``) count as their language. With several values the last one wins,
    as in a URL where a parameter repeats.
    """
    if value is None:
        return DEFAULT_LANGUAGE
    if not isinstance(value, str):
        values = list(value)
        if not values:
            return DEFAULT_LANGUAGE
        value = values[-1]
    base = value.strip().lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def language_label(lang: str) -> str:
    """The name of ``lang`` in itself, for the language control (``format_func``)."""
    return LANGUAGE_LABELS[parse_language(lang)]


def with_cjk_fallback(family: str | None) -> str:
    """``family`` with the CJK fonts appended (once), for a plotly ``layout.font.family``.

    The browser takes each glyph from the first listed font that has it, so Latin text keeps
    the house font and Chinese falls through to a CJK one.
    """
    names = [name.strip() for name in (family or "").split(",") if name.strip()]
    generic = [name for name in names if name in ("sans-serif", "serif", "monospace")]
    specific = [name for name in names if name not in generic]
    lowered = {name.lower() for name in specific}
    extra = [font for font in CJK_FONTS if font != "sans-serif" and font.lower() not in lowered]
    return ", ".join([*specific, *extra, *(generic or ["sans-serif"])])
