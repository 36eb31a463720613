"""The Playground's animation as a GIF or MP4 for slides: every frame rendered on the server.

Pure functions (no Streamlit). :func:`render_frames` opens the animated figure once in a
headless Chromium page (plotly.js from the installed plotly package; :func:`find_chromium`
names an installed browser, nothing is ever downloaded) and steps through its frames as the
slider does, taking a PNG of each. :func:`frame_figures` builds the same frames independently,
as complete static figures (the frames carry only the traces that changed and chain to their
``baseframe``, merged here as plotly.js merges them), which :func:`render_figures` draws from
scratch: the tests check one against the other. :func:`gif_bytes` (Pillow) and
:func:`mp4_bytes` (PyAV, whose wheel ships the H.264 encoder) assemble the files.

One export at a time per server process, in a worker thread: ``emlab.playground.slides_export``.
"""

from __future__ import annotations

import base64
import copy
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

import numpy as np
import plotly
import plotly.graph_objects as go
from PIL import Image

from emlab.shared.language import with_cjk_fallback
from emlab.shared.text import t

# Slide sizes (width, height) in pixels. The figure is laid out at the first size and drawn
# with a scale factor for the larger one, so text keeps its proportion to the picture.
SLIDE_SIZES = {"720p": (1280, 720), "1080p": (1920, 1080)}
LAYOUT_SIZE = SLIDE_SIZES["720p"]
DEFAULT_FRAME_MS = 450  # the Playground's "Play" speed
HOLD_LAST_MS = 2500  # the last frame stays this long, so the audience sees the result
GIF_COLOURS = 64  # palette size: enough for the Okabe-Ito blends, small enough for slides
# Where a Chromium may live, in order: an explicit setting (this project's variable, then the one
# kaleido/choreographer read), then Debian/Ubuntu's paths, then common names on PATH.
BROWSER_PATH_VARIABLES = ("EMLAB_CHROMIUM", "BROWSER_PATH")
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)

ProgressCallback = Callable[[int, int], None]


class ChromiumNotFoundError(RuntimeError):
    """No Chromium-based browser could be found to render the frames (the message says how to get one)."""


# --------------------------------------------------------------------------- frames as static figures


def _is_typed_array(value) -> bool:
    return isinstance(value, dict) and "bdata" in value


def _merge(base: dict, update: dict) -> dict:
    """``update`` deep-merged onto a copy of ``base``, as plotly.js applies a frame to a trace.

    Arrays (lists and typed arrays) are replaced whole, nested attribute objects are merged.
    """
    merged = dict(base)
    for key, value in update.items():
        old = merged.get(key)
        both_objects = isinstance(value, dict) and isinstance(old, dict)
        if both_objects and not _is_typed_array(value) and not _is_typed_array(old):
            merged[key] = _merge(old, value)
        else:
            merged[key] = value
    return merged


def _resolved_frame(frames_by_name: dict[str, dict], name: str) -> dict[int, dict]:
    """Trace index -> the merged update of frame ``name``, following its ``baseframe`` chain."""
    chain = [frames_by_name[name]]
    while "baseframe" in chain[-1]:
        chain.append(frames_by_name[chain[-1]["baseframe"]])
    merged: dict[int, dict] = {}
    for frame in reversed(chain):
        for index, trace in zip(frame["traces"], frame["data"], strict=True):
            merged[index] = _merge(merged.get(index, {}), trace)
    return merged


def frame_figures(figure: go.Figure) -> list[dict]:
    """One complete, static figure dict per animation frame, in playing order.

    Parameters
    ----------
    figure : go.Figure
        The Playground's animated figure (``emlab.playground.animation.animated_figure``).

    Returns
    -------
    list of dict
        Figure dicts laid out as :func:`slide_spec` lays out the animation, without frames; the
        slider stands at the frame, so its label says which half-step is showing.
    """
    spec = slide_spec(figure)
    frames = spec.pop("frames")
    frames_by_name = {frame["name"]: frame for frame in frames}
    layout = spec["layout"]
    figures = []
    for position, frame in enumerate(frames):
        updates = _resolved_frame(frames_by_name, frame["name"])
        data = [_merge(trace, updates[i]) if i in updates else trace for i, trace in enumerate(spec["data"])]
        frame_layout = copy.copy(layout)
        if layout.get("sliders"):
            frame_layout["sliders"] = [{**layout["sliders"][0], "active": position}]
        figures.append({"data": data, "layout": frame_layout})
    return figures


# --------------------------------------------------------------------------- rendering

# The page the frames are drawn in: plotly.js from the installed plotly package, one chart div.
_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><script src="{plotly_js}"></script></head>
<body style="margin:0;background:white">
<div id="chart" style="width:{width}px;height:{height}px"></div></body></html>"""
_PLOT = "spec => Plotly.newPlot('chart', spec.data, spec.layout, {staticPlot: true})"
_PLOT_ANIMATED = (
    "spec => Plotly.newPlot('chart', spec.data, spec.layout, {staticPlot: true})"
    ".then(chart => Plotly.addFrames(chart, spec.frames))"
)
# What the slider does when a student drags it (an immediate, unanimated jump), minus the wait for a redraw.
_SHOW_FRAME = (
    "name => Plotly.animate('chart', [name], "
    "{mode: 'immediate', frame: {duration: 0, redraw: false}, transition: {duration: 0}})"
)


def find_chromium() -> str | None:
    """The path of an installed Chromium, or None; never downloads one.

    ``$EMLAB_CHROMIUM`` or ``$BROWSER_PATH``, when set, is the only candidate (a wrong setting
    should fail loudly, not be replaced by another browser).
    """
    for variable in BROWSER_PATH_VARIABLES:
        if explicit := os.environ.get(variable):
            return explicit if os.access(explicit, os.X_OK) else None
    for path in CHROMIUM_CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    return None


def require_chromium(lang: str = "en") -> str:
    """The Chromium to render with; :class:`ChromiumNotFoundError` saying how to install one if none."""
    path = find_chromium()
    if path is None:
        raise ChromiumNotFoundError(t("slides.no_chromium", lang=lang))
    return path


def _scale(size: str) -> float:
    if size not in SLIDE_SIZES:
        raise ValueError(f"size must be one of {sorted(SLIDE_SIZES)}, not {size!r}")
    return SLIDE_SIZES[size][0] / LAYOUT_SIZE[0]


@contextmanager
def _chart_page(browser_path: str, scale: float):
    """A headless Chromium page holding plotly.js and an empty chart div of ``LAYOUT_SIZE``."""
    from playwright.sync_api import sync_playwright  # imported here: only exports need a browser

    plotly_js = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    with tempfile.TemporaryDirectory(prefix="emlab-slides-") as folder, sync_playwright() as playwright:
        page_file = Path(folder) / "chart.html"
        width, height = LAYOUT_SIZE
        page_file.write_text(_PAGE.format(plotly_js=plotly_js.as_uri(), width=width, height=height), encoding="utf-8")
        browser = playwright.chromium.launch(executable_path=browser_path, headless=True, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=scale)
            page.goto(page_file.as_uri())
            screenshots = page.context.new_cdp_session(page)

            def screenshot() -> bytes:
                # Chromium's own capture, fast zlib: a third of the time of Playwright's screenshot here.
                # The clip's scale makes it draw at the slide's pixel size (the capture ignores
                # the page's device scale factor otherwise).
                clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": scale}
                shot = screenshots.send(
                    "Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True, "clip": clip}
                )
                return base64.b64decode(shot["data"])

            yield page, screenshot
        finally:
            browser.close()


def slide_spec(figure: go.Figure | str) -> dict:
    """The animated figure (or its JSON) as a dict laid out for a slide: fixed size, no play buttons, CJK font."""
    spec = json.loads(figure if isinstance(figure, str) else figure.to_json())
    if not spec.get("frames"):
        raise ValueError("The figure has no animation frames to export.")
    layout = spec.setdefault("layout", {})
    layout.pop("updatemenus", None)  # play buttons mean nothing on a slide
    layout.update({"width": LAYOUT_SIZE[0], "height": LAYOUT_SIZE[1], "autosize": False})
    font = layout.setdefault("font", {})
    font["family"] = with_cjk_fallback(font.get("family"))
    return spec


def render_frames(
    figure: go.Figure | str,
    size: str = "720p",
    *,
    progress: ProgressCallback | None = None,
    lang: str = "en",
) -> list[bytes]:
    """Every frame of ``figure`` as PNG bytes at ``SLIDE_SIZES[size]``, as the slider shows it.

    One Chromium page draws the figure once and then steps through its frames exactly as the
    student's slider does; a full static redraw per frame (plotly's ``kaleido`` export) took
    three times as long here (benchmarks/bench_slides.py).

    Parameters
    ----------
    figure : go.Figure or str
        The animated figure (or its JSON), built in the language and presentation mode wanted.
    size : {"720p", "1080p"}
    progress : callable(done, total), optional
        Called after each frame is drawn.
    lang : str
        Language of the error message when no Chromium is found.

    Raises
    ------
    ChromiumNotFoundError
        When no Chromium is installed.
    """
    scale = _scale(size)
    try:
        spec = slide_spec(figure)
    except ValueError:
        raise ValueError(t("slides.no_frames", lang=lang)) from None
    browser_path = require_chromium(lang)
    names = [frame["name"] for frame in spec["frames"]]
    images = []
    with _chart_page(browser_path, scale) as (page, screenshot):
        page.evaluate(_PLOT_ANIMATED, spec)
        for name in names:
            page.evaluate(_SHOW_FRAME, name)
            images.append(screenshot())
            if progress is not None:
                progress(len(images), len(names))
    return images


def render_figures(figures: list[dict], size: str = "720p", *, lang: str = "en") -> list[bytes]:
    """Each complete figure dict drawn from scratch (one ``Plotly.newPlot`` each) as PNG bytes.

    The reference the animation is checked against: :func:`frame_figures` of a frame drawn
    directly must look like the frame reached by playing.
    """
    scale = _scale(size)
    browser_path = require_chromium(lang)
    images = []
    with _chart_page(browser_path, scale) as (page, screenshot):
        for figure in figures:
            page.evaluate(_PLOT, figure)
            images.append(screenshot())
    return images


# --------------------------------------------------------------------------- files


def _durations(n_frames: int, frame_ms: int, hold_last_ms: int) -> list[int]:
    return [frame_ms] * (n_frames - 1) + [frame_ms + hold_last_ms]


def gif_bytes(pngs: list[bytes], frame_ms: int = DEFAULT_FRAME_MS, hold_last_ms: int = HOLD_LAST_MS) -> bytes:
    """An endlessly looping animated GIF of ``pngs``, the last frame held ``hold_last_ms`` longer.

    One shared palette of ``GIF_COLOURS`` colours keeps the file small and the colours steady.
    It is taken from the first, middle and last frames side by side (grey start, blended
    colours mid-fit, full colours at the end) by maximum coverage, which keeps the frequent
    colours exact: the median cut shifted the white background to off-white here.
    """
    if not pngs:
        raise ValueError("No frames to write.")
    frames = [Image.open(io.BytesIO(png)).convert("RGB") for png in pngs]
    samples = [frames[0], frames[len(frames) // 2], frames[-1]]
    montage = Image.new("RGB", (sum(frame.width for frame in samples), max(frame.height for frame in samples)), "white")
    for offset, frame in zip(np.cumsum([0] + [frame.width for frame in samples[:-1]]), samples, strict=True):
        montage.paste(frame, (int(offset), 0))
    palette = montage.quantize(GIF_COLOURS, method=Image.Quantize.MAXCOVERAGE)
    indexed = [frame.quantize(palette=palette, dither=Image.Dither.NONE) for frame in frames]
    out = io.BytesIO()
    indexed[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=indexed[1:],
        duration=_durations(len(indexed), frame_ms, hold_last_ms),
        loop=0,
        optimize=False,
        disposal=1,
    )
    return out.getvalue()


def mp4_bytes(pngs: list[bytes], frame_ms: int = DEFAULT_FRAME_MS, hold_last_ms: int = HOLD_LAST_MS) -> bytes:
    """An H.264 MP4 (yuv420p, plays in PowerPoint, Keynote and browsers) of ``pngs``.

    Each frame is shown ``frame_ms``; the last one ``hold_last_ms`` longer (variable frame
    timing through the presentation timestamps, so no frame is duplicated).
    """
    import av  # imported here: only exports need it

    if not pngs:
        raise ValueError("No frames to write.")
    first = Image.open(io.BytesIO(pngs[0]))
    width, height = first.size[0] - first.size[0] % 2, first.size[1] - first.size[1] % 2
    out = io.BytesIO()
    time_base = Fraction(1, 1000)
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=Fraction(1000, frame_ms))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = time_base
        stream.codec_context.time_base = time_base
        stream.options = {"crf": "20", "preset": "veryfast", "tune": "animation"}
        durations = _durations(len(pngs), frame_ms, hold_last_ms)
        starts = np.concatenate([[0], np.cumsum(durations)[:-1]]).tolist()
        shown_for = dict(zip(starts, durations, strict=True))

        def timed(packets):
            # Packets leave the encoder out of order; each carries its frame's duration so the
            # file's last frame is held (the muxer reads the final sample's length from it).
            for packet in packets:
                if packet.pts is not None:
                    packet.duration = shown_for.get(packet.pts, frame_ms)
            return packets

        for png, start in zip(pngs, starts, strict=True):
            image = Image.open(io.BytesIO(png)).convert("RGB").crop((0, 0, width, height))
            frame = av.VideoFrame.from_image(image)
            frame.pts, frame.time_base = start, time_base
            container.mux(timed(stream.encode(frame)))
        container.mux(timed(stream.encode(None)))
    return out.getvalue()
