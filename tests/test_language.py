"""The language setting: the ``lang`` URL value, the control's labels, and the CJK font fallback."""

from __future__ import annotations

import json
import re

import pytest
import streamlit as st

from emlab.shared.language import (
    CJK_FONTS,
    DEFAULT_LANGUAGE,
    LANGUAGE_LABELS,
    QUERY_PARAM,
    language_label,
    parse_language,
    with_cjk_fallback,
)
from emlab.shared.state_keys import SESSION
from emlab.shared.style import FONT_FAMILY
from emlab.shared.text import CATALOGUES, LANGUAGES
from tests.app_pages import open_page
from tests.english_text import chart_words_left, english_left, english_sentences, shown_strings


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


# --------------------------------------------------------------------------- pages in Chinese (AppTest)

# The pages wired to the language control (all of them).
CHINESE_PAGES = (
    "app.py",
    "pages/1_Step_through.py",
    "pages/2_How_the_data_is_made.py",
    "pages/3_How_many_components.py",
    "pages/4_When_EM_goes_wrong.py",
    "pages/5_Your_own_data.py",
    "pages/6_Why_EM_works.py",
)
# Page -> widget presses that show more of it (key, action), so hidden text is checked too.
MORE_OF_THE_PAGE = {
    "pages/1_Step_through.py": ("e_step", "m_step"),
    "pages/5_Your_own_data.py": ("up_example",),
}


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    yield


def test_the_english_sentences_found_are_the_catalogue_s_sentences():
    sentences = english_sentences()
    assert len(sentences) > 200
    assert "Watch the EM algorithm fit a Gaussian mixture, one half-step at a time" in sentences
    assert not any("{" in fragment or "<br>" in fragment for fragment in sentences)


@pytest.mark.parametrize("page", CHINESE_PAGES)
def test_in_chinese_no_english_sentence_of_the_catalogue_shows(page):
    at = open_page(page, lang="zh")
    assert english_left(at) == {}
    assert chart_words_left(at) == {}
    assert any(re.search(r"[\u4e00-\u9fff]", text) for text in shown_strings(at))
    for key in MORE_OF_THE_PAGE.get(page, ()):
        buttons = [button for button in at.button if button.key == key]
        if buttons and not buttons[0].disabled:
            buttons[0].click().run()
            assert not at.exception, [e.value for e in at.exception]
            assert english_left(at) == {}, key
            assert chart_words_left(at) == {}, key


@pytest.mark.parametrize("section", ["sing", "ls", "hs", "seed"])
def test_in_chinese_every_pitfall_experiment_shows_no_english_sentence(section):
    """The page test above sees only the first experiment; the link opens each of the others."""
    at = open_page("pages/4_When_EM_goes_wrong.py", lang="zh", pit_section=section)
    assert english_left(at) == {}
    assert chart_words_left(at) == {}
    assert any(re.search(r"[\u4e00-\u9fff]", text) for text in shown_strings(at))


def test_english_pages_do_show_the_catalogue_s_sentences():
    """The checks above can fail: the same page in English shows many of the sentences and chart words."""
    at = open_page("app.py")
    assert len(english_left(at)) > 10
    assert {"iteration", "components"} <= set(chart_words_left(at))


def test_the_language_control_writes_lang_to_the_url_and_keeps_every_other_setting():
    settings = {"k": "4", "cov": "diag", "n": "300", "model_seed": "7", "big": "true"}
    at = open_page("app.py", **settings)
    english_spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    at.segmented_control(key=SESSION.language_choice).set_value("zh").run()
    assert not at.exception
    assert at.query_params["lang"] == ["zh"] or at.query_params["lang"] == "zh"
    for key, value in settings.items():
        assert at.query_params[key] in (value, [value]), key
    chinese_spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert english_left(at) == {}
    assert figure_numbers(chinese_spec) == figure_numbers(english_spec)
    at.segmented_control(key=SESSION.language_choice).set_value("en").run()
    assert "lang" not in at.query_params
    assert figure_numbers(json.loads(at.get("plotly_chart")[0].proto.spec)) == figure_numbers(english_spec)


def test_the_language_is_carried_to_the_next_page():
    at = open_page("app.py", lang="zh", k="4")
    at.query_params.clear()  # following a sidebar link drops the query string
    at.switch_page("pages/3_How_many_components.py").run()
    assert not at.exception
    assert english_left(at) == {}
    assert at.session_state[SESSION.language] == "zh"


def figure_numbers(spec: dict) -> list:
    """The figure's data without its text: each trace's and frame's x, y and marker arrays."""
    keep = ("x", "y", "marker", "line", "visible", "type", "mode")

    def numbers(traces):
        return [{key: trace.get(key) for key in keep} for trace in traces]

    frames = [(frame.get("name"), numbers(frame.get("data", []))) for frame in spec.get("frames", [])]
    return [numbers(spec["data"]), frames]


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("app.py", {"n": "20", "k": "10", "tol": "0.0"}),  # warnings: few samples, tol = 0
        ("app.py", {"source": "upload"}),  # no upload yet
        ("app.py", {"source": "iris", "view": "features", "fx": "petal length (cm)", "fy": "petal length (cm)"}),
        ("pages/1_Step_through.py", {"source": "upload"}),
        ("pages/2_How_the_data_is_made.py", {"source": "old_faithful"}),
    ],
)
def test_warnings_and_errors_are_in_chinese_too(page, query):
    at = open_page(page, lang="zh", **query)
    messages = [element.value for element in (*at.warning, *at.error, *at.info)]
    assert messages, "the settings should have drawn a message"
    assert all(re.search(r"[\u4e00-\u9fff]", str(message)) for message in messages), messages
    assert english_left(at) == {}
