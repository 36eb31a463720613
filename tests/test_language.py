"""The language setting: the ``lang`` URL value, the control's labels, and the CJK font fallback."""

from __future__ import annotations

import pytest

from emlab.shared.language import (
    CJK_FONTS,
    DEFAULT_LANGUAGE,
    LANGUAGE_LABELS,
    QUERY_PARAM,
    language_label,
    parse_language,
    with_cjk_fallback,
)
from emlab.shared.style import FONT_FAMILY
from emlab.shared.text import CATALOGUES, LANGUAGES


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("en", "en"),
        ("zh", "zh"),
        (" ZH ", "zh"),
        ("zh-CN", "zh"),
        ("zh_Hans", "zh"),
        ("en-GB", "en"),
        (["en", "zh"], "zh"),  # a repeated parameter: the last one wins
        ([], "en"),
        (None, "en"),
        ("", "en"),
        ("fr", "en"),
        ("zhongwen", "en"),
        ("<script>", "en"),
    ],
)
def test_parse_language(value, expected):
    assert parse_language(value) == expected


def test_defaults_and_names_are_the_contract():
    assert QUERY_PARAM == "lang"
    assert DEFAULT_LANGUAGE == "en"
    assert set(LANGUAGE_LABELS) == set(LANGUAGES) == set(CATALOGUES)
    assert LANGUAGE_LABELS == {"en": "English", "zh": "中文"}
    assert language_label("zh") == "中文"
    assert language_label("nonsense") == "English"


def test_cjk_fallback_keeps_the_house_font_first_and_the_generic_family_last():
    family = with_cjk_fallback(FONT_FAMILY)
    names = [name.strip() for name in family.split(",")]
    house = [name.strip() for name in FONT_FAMILY.split(",") if name.strip() != "sans-serif"]
    assert names[: len(house)] == house
    assert "Noto Sans CJK SC" in names
    assert names[-1] == "sans-serif" and names.count("sans-serif") == 1


def test_cjk_fallback_is_idempotent_and_handles_empty_families():
    once = with_cjk_fallback(FONT_FAMILY)
    assert with_cjk_fallback(once) == once
    assert with_cjk_fallback(None) == ", ".join(CJK_FONTS)
    assert with_cjk_fallback("") == ", ".join(CJK_FONTS)
    assert with_cjk_fallback("noto sans cjk sc").lower().count("noto sans cjk sc") == 1
