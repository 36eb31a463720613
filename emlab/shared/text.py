"""Every user-facing sentence, in one catalogue, so wording stays consistent and translatable.

Each feature owns small catalogue modules of entries: every module named ``text`` or ending in
``_text`` under ``emlab/`` (``emlab/shared/common_text.py``, ``emlab/playground/text.py``, ...),
found on disk, so a new page's catalogue joins without an edit here. Each holds ``EN = {...}``;
its translation lives beside it in a sibling module with ``_zh`` appended
(``common_text_zh.py``, ``text_zh.py``) holding ``ZH = {...}`` with the same keys and the same
``str.format`` placeholders, so the people who write English and the translators never edit the
same file. Pages call ``t("key", lang, name=value)``; a missing translation falls back to English
(tests/test_translation.py keeps the Chinese catalogue complete).
"""

from __future__ import annotations

import importlib
from pathlib import Path

LANGUAGES = ("en", "zh")
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # the emlab package
_SHARED_FIRST = "emlab.shared.common_text"


def catalogue_modules() -> tuple[str, ...]:
    """Dotted names of the English catalogue modules: the shared one first, then by path."""
    names = set()
    for path in _PACKAGE_ROOT.rglob("*text.py"):
        if path.stem != "text" and not path.stem.endswith("_text"):
            continue
        relative = path.relative_to(_PACKAGE_ROOT.parent).with_suffix("")
        name = ".".join(relative.parts)
        if name != __name__:
            names.add(name)
    rest = sorted(names - {_SHARED_FIRST})
    return (_SHARED_FIRST, *rest) if _SHARED_FIRST in names else tuple(rest)


def translation_module(module: str, language: str) -> str:
    """The dotted name of ``module``'s translation into ``language`` (``...text`` -> ``...text_zh``)."""
    return f"{module}_{language}"


def module_entries(module: str, language: str) -> dict[str, str]:
    """The entries of one catalogue module in ``language`` (empty when it has no translation yet)."""
    if language == "en":
        return dict(importlib.import_module(module).EN)
    try:
        translated = importlib.import_module(translation_module(module, language))
    except ModuleNotFoundError as error:
        if error.name != translation_module(module, language):
            raise
        return {}
    return dict(getattr(translated, language.upper()))


def _load(language: str) -> dict[str, str]:
    catalogue: dict[str, str] = {}
    for module in catalogue_modules():
        entries = module_entries(module, language)
        duplicated = catalogue.keys() & entries.keys()
        if duplicated:
            raise KeyError(f"Text keys defined twice: {sorted(duplicated)}")
        catalogue.update(entries)
    return catalogue


CATALOGUES = {language: _load(language) for language in LANGUAGES}


def t(key: str, lang: str = "en", **values) -> str:
    """The sentence for ``key`` in ``lang`` (English if missing), filled in with ``values``."""
    catalogue = CATALOGUES.get(lang) or CATALOGUES["en"]
    template = catalogue.get(key, CATALOGUES["en"].get(key))
    if template is None:
        raise KeyError(f"No text for {key!r}")
    return template.format(**values) if values else template
