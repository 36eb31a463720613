"""The animation for slides: frames as static figures, GIF/MP4 files, no-browser message, one export at a time.

Tests that draw in Chromium are marked ``e2e`` and skipped, with the reason, where no Chromium is
installed; the rest run everywhere.
"""

from __future__ import annotations

import io
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import av
import numpy as np
import pytest
from PIL import Image, ImageDraw

from emlab.playground import slides, slides_export
from emlab.playground.animation import animated_figure
from emlab.playground.slides import (
    SLIDE_SIZES,
    ChromiumNotFoundError,
    find_chromium,
    frame_figures,
    gif_bytes,
    mp4_bytes,
    render_figures,
    render_frames,
    require_chromium,
    slide_spec,
)
from emlab.playground.slides_export import ExportResult, export_animation, run_exclusive
from emlab.shared.pipeline import fit_history, load_data
from emlab.shared.settings import DataSettings, ModelSettings, ViewSettings
from emlab.shared.text import t

needs_chromium = pytest.mark.skipif(
    find_chromium() is None, reason="no Chromium installed (apt-get install chromium, or set EMLAB_CHROMIUM)"
)
THUMBNAIL = (160, 90)


@pytest.fixture(scope="module")
def small_fit():
    data = load_data(DataSettings(n=300))
    return data, fit_history(data, ModelSettings(tol=0, max_iter=6))


@pytest.fixture(scope="module")
def figure(small_fit):
    data, history = small_fit
    return animated_figure(history, data, ViewSettings())


@pytest.fixture
def no_chromium(monkeypatch):
    for variable in slides.BROWSER_PATH_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(slides, "CHROMIUM_CANDIDATES", ())
    monkeypatch.setattr(slides.shutil, "which", lambda name: None)


def synthetic_pngs(count: int, size=(64, 36)) -> list[bytes]:
    """``count`` PNGs with a dot that moves along the bottom row, so neighbours always differ."""
    images = []
    for index in range(count):
        image = Image.new("RGB", size, "white")
        ImageDraw.Draw(image).ellipse((4 * index, 10, 4 * index + 8, 18), fill=(0, 114, 178))
        out = io.BytesIO()
        image.save(out, format="PNG")
        images.append(out.getvalue())
    return images


def thumbnail(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB").resize(THUMBNAIL, Image.Resampling.BOX), dtype=float)


def gif_frames(data: bytes) -> list[Image.Image]:
    gif = Image.open(io.BytesIO(data))
    frames = []
    for index in range(gif.n_frames):
        gif.seek(index)
        frames.append(gif.convert("RGB"))
    return frames


def gif_durations(data: bytes) -> list[int]:
    gif = Image.open(io.BytesIO(data))
    durations = []
    for index in range(gif.n_frames):
        gif.seek(index)
        durations.append(gif.info["duration"])
    return durations


def mp4_frames(data: bytes) -> list[Image.Image]:
    with av.open(io.BytesIO(data)) as container:
        return [frame.to_image() for frame in container.decode(video=0)]


# --------------------------------------------------------------------------- frames, without a browser


def test_one_static_figure_per_frame_with_the_slider_at_it(figure):
    figures = frame_figures(figure)
    assert len(figures) == len(figure.frames)
    for position, frame_figure in enumerate(figures):
        assert frame_figure["layout"]["sliders"][0]["active"] == position
        assert "updatemenus" not in frame_figure["layout"]
        assert "frames" not in frame_figure
        assert len(frame_figure["data"]) == len(figure.data)


def test_static_figures_hold_each_frames_merged_state(figure):
    # The last frame chains back through every M-step and E-step: its shades and means are the fit's.
    spec = json.loads(figure.to_json())
    figures = frame_figures(figure)
    for frame, frame_figure in zip(spec["frames"], figures, strict=True):
        for index, update in zip(frame["traces"], frame["data"], strict=True):
            trace = frame_figure["data"][index]
            for key, value in update.items():
                if isinstance(value, dict) and "bdata" not in value:
                    for inner, inner_value in value.items():
                        assert trace[key][inner] == inner_value
                else:
                    assert trace[key] == value
    first, last = figures[0], figures[-1]
    changed = [i for i, (a, b) in enumerate(zip(first["data"], last["data"], strict=True)) if a != b]
    assert changed, "the first and last frames show the same state"


def test_a_frame_update_keeps_the_trace_attributes_it_does_not_name():
    base = {"marker": {"size": 9, "color": [1, 2]}, "x": {"dtype": "f4", "bdata": "AAAA"}}
    update = {"marker": {"color": {"dtype": "u1", "bdata": "AQ=="}}, "x": [1.0]}
    merged = slides._merge(base, update)
    assert merged == {"marker": {"size": 9, "color": {"dtype": "u1", "bdata": "AQ=="}}, "x": [1.0]}
    assert base["marker"]["color"] == [1, 2]  # the base is not changed


def test_slide_layout_is_sized_without_buttons_and_names_a_cjk_font(figure):
    spec = slide_spec(figure)
    assert (spec["layout"]["width"], spec["layout"]["height"]) == SLIDE_SIZES["720p"]
    assert "updatemenus" not in spec["layout"]
    assert "Noto Sans CJK SC" in spec["layout"]["font"]["family"]
    assert len(figure.layout.updatemenus) == 1  # the page's figure is left as it was


def test_a_figure_without_frames_is_refused_with_a_message(figure):
    still = type(figure)(data=figure.data, layout=figure.layout)
    with pytest.raises(ValueError, match=t("slides.no_frames", lang="zh")):
        render_frames(still, lang="zh")
    with pytest.raises(ValueError, match="size"):
        render_frames(figure, size="4k")


# --------------------------------------------------------------------------- files, without a browser


def test_gif_has_every_frame_loops_and_holds_the_last():
    pngs = synthetic_pngs(12)
    data = gif_bytes(pngs, frame_ms=200, hold_last_ms=1000)
    frames = gif_frames(data)
    assert len(frames) == 12
    assert Image.open(io.BytesIO(data)).info["loop"] == 0
    assert gif_durations(data) == [200] * 11 + [1200]
    for before, after in zip(frames, frames[1:], strict=False):
        assert np.any(np.asarray(before) != np.asarray(after))
    original = Image.open(io.BytesIO(pngs[5])).convert("RGB")
    assert np.abs(thumbnail(frames[5]) - thumbnail(original)).mean() < 2


def test_mp4_decodes_to_every_frame_with_the_last_held():
    pngs = synthetic_pngs(12, size=(96, 54))
    data = mp4_bytes(pngs, frame_ms=200, hold_last_ms=1000)
    frames = mp4_frames(data)
    assert len(frames) == 12
    assert frames[0].size == (96, 54)
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        seconds = float(container.duration / av.time_base)
    assert seconds == pytest.approx(12 * 0.2 + 1.0, abs=0.25)
    original = Image.open(io.BytesIO(pngs[-1])).convert("RGB")
    assert np.abs(thumbnail(frames[-1]) - thumbnail(original)).mean() < 6


def test_files_need_frames():
    with pytest.raises(ValueError):
        gif_bytes([])
    with pytest.raises(ValueError):
        mp4_bytes([])


# --------------------------------------------------------------------------- no Chromium


def test_no_chromium_gives_a_message_that_says_how_to_get_one(no_chromium, figure):
    assert find_chromium() is None
    with pytest.raises(ChromiumNotFoundError) as error:
        require_chromium()
    assert "apt-get install chromium" in str(error.value) and "EMLAB_CHROMIUM" in str(error.value)
    with pytest.raises(ChromiumNotFoundError, match="apt-get install chromium"):
        render_frames(figure, lang="zh")
    result = export_animation(figure, "gif", lang="zh")
    assert result == ExportResult(None, error=t("slides.no_chromium", lang="zh"))


def test_an_explicit_browser_setting_is_the_only_candidate(monkeypatch, tmp_path):
    monkeypatch.setenv("EMLAB_CHROMIUM", str(tmp_path / "missing-chromium"))
    assert find_chromium() is None
    monkeypatch.setenv("EMLAB_CHROMIUM", "/bin/sh")  # any executable stands in for the path rule
    assert find_chromium() == "/bin/sh"


# --------------------------------------------------------------------------- one export at a time


def test_a_second_export_is_told_busy_at_once_and_the_first_finishes():
    started, release = threading.Event(), threading.Event()

    def slow_job(count):
        started.set()
        release.wait(30)
        count(1, 1)
        return b"done"

    results = {}
    first = threading.Thread(target=lambda: results.setdefault("first", run_exclusive(slow_job)))
    first.start()
    assert started.wait(30)
    assert run_exclusive(lambda count: b"never") == ExportResult(None, busy=True)
    release.set()
    first.join(30)
    assert results["first"] == ExportResult(b"done")
    assert run_exclusive(lambda count: b"again") == ExportResult(b"again")  # the lock was released


def test_progress_is_reported_from_the_callers_thread_and_ends_at_the_total():
    calls = []

    def job(count):
        for done in range(1, 6):
            count(done, 5)
        return b"file"

    result = run_exclusive(job, lambda done, total: calls.append((done, total, threading.current_thread())))
    assert result.data == b"file"
    assert calls[-1][:2] == (5, 5)
    assert {thread for _, _, thread in calls} == {threading.current_thread()}


def test_student_errors_become_messages_and_bugs_are_raised_in_the_caller():
    def bad_figure(count):
        raise ValueError("nothing to draw")

    def bug(count):
        raise ZeroDivisionError("a bug")

    assert run_exclusive(bad_figure) == ExportResult(None, error="nothing to draw")
    with pytest.raises(ZeroDivisionError):
        run_exclusive(bug)
    assert not slides_export.EXPORT_LOCK.locked()


def test_unknown_file_kind_is_refused(figure):
    with pytest.raises(ValueError, match="kind"):
        export_animation(figure, "avi")


# --------------------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def rendered(figure):
    if find_chromium() is None:
        pytest.skip("no Chromium installed (apt-get install chromium, or set EMLAB_CHROMIUM)")
    progress = []
    figures = frame_figures(figure)
    # In its own thread: Playwright's sync API refuses a thread whose asyncio loop is running, and
    # the browser tests' session-wide Playwright runs one in this thread when the whole suite runs.
    with ThreadPoolExecutor(max_workers=1) as worker:
        pngs = worker.submit(
            render_frames, figure, progress=lambda done, total: progress.append((done, total))
        ).result()
        references = worker.submit(render_figures, [figures[0], figures[-1]]).result()
    return pngs, progress, references


@pytest.mark.e2e
@needs_chromium
def test_every_frame_is_drawn_at_slide_size_with_progress(figure, rendered):
    pngs, progress, _ = rendered
    assert len(pngs) == len(figure.frames)
    assert {Image.open(io.BytesIO(png)).size for png in pngs} == {SLIDE_SIZES["720p"]}
    assert progress == [(done, len(pngs)) for done in range(1, len(pngs) + 1)]


@pytest.mark.e2e
@needs_chromium
def test_gif_from_the_figure_matches_its_first_and_last_frames(figure, rendered):
    pngs, _, (first_reference, last_reference) = rendered
    data = gif_bytes(pngs)
    frames = gif_frames(data)
    assert len(frames) == len(figure.frames)
    for before, after in zip(frames, frames[1:], strict=False):
        assert np.any(np.asarray(before) != np.asarray(after)), "two consecutive frames are the same picture"
    first, last = (Image.open(io.BytesIO(png)) for png in (first_reference, last_reference))
    assert np.abs(thumbnail(frames[0]) - thumbnail(first)).mean() < 3
    assert np.abs(thumbnail(frames[-1]) - thumbnail(last)).mean() < 3
    assert (
        np.abs(thumbnail(frames[0]) - thumbnail(last)).mean()
        > 3 * np.abs(thumbnail(frames[-1]) - thumbnail(last)).mean()
    )


@pytest.mark.e2e
@needs_chromium
def test_mp4_from_the_figure_matches_its_first_and_last_frames(figure, rendered):
    pngs, _, (first_reference, last_reference) = rendered
    frames = mp4_frames(mp4_bytes(pngs))
    assert len(frames) == len(figure.frames)
    assert frames[0].size == SLIDE_SIZES["720p"]
    for before, after in zip(frames, frames[1:], strict=False):
        assert np.abs(thumbnail(before) - thumbnail(after)).max() > 10
    first, last = (Image.open(io.BytesIO(png)) for png in (first_reference, last_reference))
    assert np.abs(thumbnail(frames[0]) - thumbnail(first)).mean() < 4
    assert np.abs(thumbnail(frames[-1]) - thumbnail(last)).mean() < 4


@pytest.mark.e2e
@needs_chromium
def test_full_hd_export_in_presentation_mode(small_fit):
    data, history = small_fit
    large = animated_figure(history[:3], data, ViewSettings(large=True))
    result = export_animation(large, "gif", "1080p")
    frames = gif_frames(result.data)
    assert len(frames) == len(large.frames) == 3
    assert frames[0].size == SLIDE_SIZES["1080p"]
    normal = animated_figure(history[:3], data, ViewSettings())
    assert slide_spec(large)["layout"]["font"]["size"] > slide_spec(normal)["layout"]["font"]["size"]


@pytest.mark.e2e
@needs_chromium
def test_a_problem_in_the_export_process_comes_back_as_a_message(figure):
    result = export_animation(figure, "mp4", size="4k")
    assert result.data is None and not result.busy
    assert "size" in result.error
