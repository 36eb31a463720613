"""Every user-facing sentence, in one catalogue, so wording stays consistent and translatable.

Each page owns a small module of entries (``common``, ``playground``, ``step``, ...), merged here.
Pages call ``t("key", name=value)``; entries are ``str.format`` templates. A second language is
a second dictionary per module (``ZH = {...}``), looked up by ``lang``; missing entries fall back
to English.
"""

from __future__ import annotations

import importlib

# The shared entries, then one module per feature folder.
_MODULES = (
    "emlab.shared.common_text",
    "emlab.playground.text",
    "emlab.step_through.text",
    "emlab.story.text",
    "emlab.choose_k.text",
    "emlab.pitfalls.text",
    "emlab.your_data.text",
)


def _load(language: str) -> dict[str, str]:
    catalogue: dict[str, str] = {}
    for name in _MODULES:
        module = importlib.import_module(name)
        entries = getattr(module, language.upper(), {})
        duplicated = catalogue.keys() & entries.keys()
        if duplicated:
            raise KeyError(f"Text keys defined twice: {sorted(duplicated)}")
        catalogue.update(entries)
    return catalogue


CATALOGUES = {"en": _load("en")}


def t(key: str, lang: str = "en", **values) -> str:
    """The sentence for ``key`` in ``lang`` (English if missing), filled in with ``values``."""
    catalogue = CATALOGUES.get(lang) or CATALOGUES["en"]
    template = catalogue.get(key, CATALOGUES["en"].get(key))
    if template is None:
        raise KeyError(f"No text for {key!r}")
    return template.format(**values) if values else template
