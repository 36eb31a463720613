"""The Playground's slides export in AppTest: the choices, the wait message, the missing-Chromium warning.

Rendering itself (frames, GIF and MP4 files) is tested in tests/test_slides.py; here the export
is replaced where it would start a browser, so these tests check what the page does with each outcome.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import emlab.playground.slides as slides
import emlab.playground.slides_export as slides_export
from emlab.playground.keys import KEYS
from emlab.playground.slides_export import ExportResult
from emlab.shared.text import t

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    yield


def run_app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def warnings(at: AppTest) -> list[str]:
    return [element.value for element in at.warning]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_without_chromium_the_page_says_how_to_get_one_instead_of_failing(monkeypatch, lang):
    monkeypatch.setattr(slides, "find_chromium", lambda: None)
    at = run_app(lang=lang)
    assert t("slides.no_chromium", lang) in warnings(at)
    assert not [button for button in at.button if button.key == KEYS.slides_make]
    assert at.radio(key=KEYS.slides_kind).options == [t("slides.kind.gif", lang), t("slides.kind.mp4", lang)]


def test_the_file_is_offered_after_it_is_made_with_the_choices_and_the_language(monkeypatch):
    calls = []

    def fake_export(figure, kind, size, *, frame_ms, progress, lang):
        calls.append((len(figure.frames), kind, size, frame_ms, lang, figure.layout.font.size))
        progress(1, 2)
        progress(2, 2)
        return ExportResult(b"GIF89a" + b"\0" * 1000)

    monkeypatch.setattr(slides, "find_chromium", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(slides_export, "export_animation", fake_export)
    at = run_app(lang="zh", big="true")
    at.radio(key=KEYS.slides_kind).set_value("mp4")
    at.radio(key=KEYS.slides_speed).set_value("slow").run()
    assert not [button for button in at.download_button if button.key == KEYS.download("slides")]
    at.button(key=KEYS.slides_make).click().run()
    assert not at.exception, [e.value for e in at.exception]
    frames = len(calls) and calls[0][0]
    assert calls == [(frames, "mp4", "720p", slides_export.EXPORT_SPEEDS["slow"], "zh", 22)]
    offered = [button for button in at.download_button if button.key == KEYS.download("slides")]
    assert len(offered) == 1 and offered[0].proto.label == t("slides.download.mp4", "zh")
    assert t("slides.ready", "zh", frames=frames, megabytes=1006 / 1e6) in [c.value for c in at.caption]
    at.radio(key=KEYS.slides_size).set_value("1080p").run()  # another choice: the old file is not offered as it
    assert not [button for button in at.download_button if button.key == KEYS.download("slides")]


def test_another_export_running_means_a_message_to_wait(monkeypatch):
    monkeypatch.setattr(slides, "find_chromium", lambda: "/usr/bin/chromium")
    at = run_app(lang="zh")
    assert slides_export.EXPORT_LOCK.acquire(blocking=False)
    try:
        at.button(key=KEYS.slides_make).click().run()
    finally:
        slides_export.EXPORT_LOCK.release()
    assert not at.exception, [e.value for e in at.exception]
    assert t("slides.busy", "zh") in warnings(at)
    assert not [button for button in at.download_button if button.key == KEYS.download("slides")]
