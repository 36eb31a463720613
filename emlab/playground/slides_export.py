"""One slide export at a time per server process, run in a child process (no Streamlit).

A page calls :func:`export_animation`; it returns at once with ``busy`` when another session's
export holds :data:`EXPORT_LOCK` (the page says "wait"), and otherwise hands the work to a fresh
child process (browser, GIF and MP4 encoding alike), watched by a worker thread that only waits
on a pipe. The server's own Python therefore never computes for an export, and the other
sessions go on as if nothing ran. The page's ``progress(done, total)`` is called from the
caller's thread, where Streamlit elements may be updated.

How the Playground uses it: a file-type choice (GIF / MP4) and a size (``SLIDE_SIZES``), then a
button; on click, ``bar = st.progress(0.0)`` and ``result = export_animation(figure, kind, size,
progress=lambda done, total: bar.progress(done / total, t("slides.progress", lang, done=done,
total=total)), lang=lang)`` with the same cached figure the chart shows (built in the page's
language and presentation mode); then ``st.warning(t("slides.busy", lang))`` if ``result.busy``,
``st.error(result.error)`` if ``result.error``, otherwise keep ``result.data`` in session state
and offer it with ``st.download_button(..., on_click="ignore")``.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from dataclasses import dataclass

import plotly.graph_objects as go

from emlab.playground.frames import PLAY_SPEEDS
from emlab.playground.slides import (
    DEFAULT_FRAME_MS,
    ChromiumNotFoundError,
    ProgressCallback,
    gif_bytes,
    mp4_bytes,
    render_frames,
    require_chromium,
)

EXPORT_LOCK = threading.Lock()
PROGRESS_POLL_S = 0.2
EXPORT_KINDS = {"gif": gif_bytes, "mp4": mp4_bytes}
EXPORT_FILES = {"gif": ("em_lab_animation.gif", "image/gif"), "mp4": ("em_lab_animation.mp4", "video/mp4")}
# The speeds offered: the Playground's own Play and Slow buttons (ms per half-step).
EXPORT_SPEEDS = {name: frame_ms for name, (frame_ms, _) in PLAY_SPEEDS.items()}


@dataclass(frozen=True)
class ExportResult:
    """What an export hands back: the file's bytes, or why there are none.

    ``busy`` is True when another export was running (nothing was done); ``error`` is a message
    for the student (no Chromium on the server, or nothing to export).
    """

    data: bytes | None
    busy: bool = False
    error: str | None = None


def run_exclusive(job: Callable[[ProgressCallback], bytes], progress: ProgressCallback | None = None) -> ExportResult:
    """Run ``job(count)`` in a worker thread unless another job holds :data:`EXPORT_LOCK`.

    Parameters
    ----------
    job : callable(count) -> bytes
        The work; it calls ``count(done, total)`` as it goes. A ``ChromiumNotFoundError`` or
        ``ValueError`` it raises becomes ``ExportResult.error``; anything else is re-raised here.
    progress : callable(done, total), optional
        Called from the caller's thread whenever the count has moved (polled every
        ``PROGRESS_POLL_S`` seconds).
    """
    if not EXPORT_LOCK.acquire(blocking=False):
        return ExportResult(None, busy=True)
    try:
        counts = {"done": 0, "total": 0}
        outcome: dict = {}

        def count(done: int, total: int) -> None:
            counts.update(done=done, total=total)

        def work() -> None:
            try:
                outcome["data"] = job(count)
            except (ChromiumNotFoundError, ValueError) as error:
                outcome["error"] = str(error)
            except BaseException as error:  # handed to the caller's thread and raised there
                outcome["raise"] = error

        worker = threading.Thread(target=work, name="emlab-slides-export", daemon=True)
        worker.start()
        reported = 0
        while worker.is_alive() or counts["done"] != reported:
            worker.join(PROGRESS_POLL_S)
            if progress is not None and counts["done"] != reported:
                reported = counts["done"]
                progress(reported, counts["total"])
            elif progress is None:
                reported = counts["done"]
        if "raise" in outcome:
            raise outcome["raise"]
        return ExportResult(outcome.get("data"), error=outcome.get("error"))
    finally:
        EXPORT_LOCK.release()


def export_animation(
    figure: go.Figure,
    kind: str = "gif",
    size: str = "720p",
    *,
    frame_ms: int = DEFAULT_FRAME_MS,
    progress: ProgressCallback | None = None,
    lang: str = "en",
) -> ExportResult:
    """``figure``'s animation as a GIF or MP4 file, one export per server process at a time.

    Parameters
    ----------
    figure : go.Figure
        The Playground's animated figure, built in the language and presentation mode wanted.
    kind : {"gif", "mp4"}
    size : {"720p", "1080p"}
    frame_ms : int
        How long each half-step shows (the last one is held longer).
    progress : callable(done, total), optional
        Frames drawn so far, called from the caller's thread.
    lang : str
        Language of the message when no Chromium is found.
    """
    if kind not in EXPORT_KINDS:
        raise ValueError(f"kind must be one of {sorted(EXPORT_KINDS)}, not {kind!r}")
    figure_json = figure.to_json()

    def job(count: ProgressCallback) -> bytes:
        require_chromium(lang)  # says what to install without starting a process
        return _in_child_process(count, figure_json, kind, size, frame_ms, lang)

    return run_exclusive(job, progress)


def _in_child_process(count: ProgressCallback, figure_json: str, kind: str, size: str, frame_ms: int, lang: str):
    """Run :func:`_export_file` in a fresh (spawned) process and relay its messages; returns the file."""
    context = multiprocessing.get_context("spawn")  # no fork of a threaded server
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_export_file, args=(sender, figure_json, kind, size, frame_ms, lang), name="emlab-slides", daemon=True
    )
    child.start()
    sender.close()
    try:
        while True:
            try:
                message = receiver.recv()
            except EOFError:
                raise RuntimeError(f"The export process ended without a result (exit code {child.exitcode}).") from None
            if message[0] == "progress":
                count(*message[1:])
            elif message[0] == "file":
                return message[1]
            else:
                _, error_type, text = message
                raise {"chromium": ChromiumNotFoundError, "value": ValueError}.get(error_type, RuntimeError)(text)
    finally:
        receiver.close()
        child.join(5)
        if child.is_alive():
            child.kill()


def _export_file(sender, figure_json: str, kind: str, size: str, frame_ms: int, lang: str) -> None:
    """In the child process: draw the frames, write the file, and send progress and the result."""
    try:

        def report(done: int, total: int) -> None:
            sender.send(("progress", done, total))

        pngs = render_frames(figure_json, size, progress=report, lang=lang)
        sender.send(("file", EXPORT_KINDS[kind](pngs, frame_ms)))
    except ChromiumNotFoundError as error:
        sender.send(("error", "chromium", str(error)))
    except ValueError as error:
        sender.send(("error", "value", str(error)))
    except Exception as error:  # reported to the page's thread, which raises it
        sender.send(("error", "other", f"{type(error).__name__}: {error}"))
    finally:
        sender.close()
