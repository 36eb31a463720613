"""Benchmark: the Playground's animation as a GIF and MP4 for slides (emlab.playground.slides).

Target (issue 12): 100 frames at 1280x720 in under 60 s, GIF under 8 MB. Renders the default data
(N = 500, K = 3) run for 50 iterations with tol = 0 (101 frames), and reports the render time per
frame, the GIF and MP4 assembly times and sizes. With ``--kaleido`` it also draws the first
frames through plotly's own static export (kaleido 1.x, one full figure per frame, driving the
same Chromium; ``pip install kaleido`` first) in the same run, for the ratio that chose the
renderer. ``--lang zh`` draws the figure's text in Chinese (to look at the CJK font fallback; the
frames are saved with --save).

Run by hand from the project root; it exits non-zero if the budget is missed:

    python benchmarks/bench_slides.py
    python benchmarks/bench_slides.py --size 1080p --large --save /tmp/slides
    python benchmarks/bench_slides.py --kaleido 10
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from emlab.playground import animation, slides, slides_export  # noqa: E402
from emlab.shared import text  # noqa: E402
from emlab.shared.pipeline import fit_history, load_data  # noqa: E402
from emlab.shared.settings import DataSettings, ModelSettings, ViewSettings  # noqa: E402

TARGET_SECONDS = 60.0
TARGET_GIF_BYTES = 8_000_000


def build_figure(iterations: int, large: bool, lang: str):
    """The Playground's animated figure for the default data, ``2 * iterations + 1`` frames."""
    data = load_data(DataSettings())
    history = fit_history(data, ModelSettings(tol=0, max_iter=iterations))
    return animation.animated_figure(history, data, ViewSettings(large=large), lang=lang)


class Ticker:
    """Another "session": a thread that wakes every 10 ms and remembers its longest wait for the GIL."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        last = time.perf_counter()
        while not self._stop.wait(0.01):
            now = time.perf_counter()
            self.longest = max(self.longest, now - last - 0.01)
            last = now

    def __enter__(self) -> Ticker:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def kaleido_seconds_per_frame(figure, frames: int) -> float:
    """Seconds per frame through kaleido (a full static export per frame), same Chromium, same size."""
    import kaleido

    figures = slides.frame_figures(figure)[:frames]
    options = {"format": "png", "width": slides.LAYOUT_SIZE[0], "height": slides.LAYOUT_SIZE[1]}

    async def render() -> float:
        async with kaleido.Kaleido(n=1, path=slides.require_chromium()) as renderer:
            await renderer.calc_fig(figures[0], opts=options)  # the browser's start is not a frame
            start = time.perf_counter()
            for figure_dict in figures[1:]:
                await renderer.calc_fig(figure_dict, opts=options)
            return (time.perf_counter() - start) / (len(figures) - 1)

    return asyncio.run(render())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=50, help="EM iterations (frames = 2 x this + 1)")
    parser.add_argument("--size", choices=sorted(slides.SLIDE_SIZES), default="720p")
    parser.add_argument("--large", action="store_true", help="presentation mode")
    parser.add_argument("--lang", choices=text.LANGUAGES, default="en")
    parser.add_argument("--kaleido", type=int, default=0, metavar="FRAMES", help="also time kaleido on FRAMES frames")
    parser.add_argument("--save", type=Path, help="folder for the GIF, the MP4 and the first/middle/last PNGs")
    args = parser.parse_args()

    figure = build_figure(args.iterations, args.large, args.lang)
    ticks: list[float] = []
    start = start_render = time.perf_counter()
    pngs = slides.render_frames(figure, args.size, progress=lambda done, total: ticks.append(time.perf_counter()))
    render_seconds = time.perf_counter() - start
    steady = (ticks[-1] - ticks[0]) / max(1, len(ticks) - 1)
    start = time.perf_counter()
    gif = slides.gif_bytes(pngs)
    gif_seconds = time.perf_counter() - start
    start = time.perf_counter()
    mp4 = slides.mp4_bytes(pngs)
    mp4_seconds = time.perf_counter() - start
    # The page's way: the whole export in a child process, this process only waiting on a pipe.
    with Ticker() as other_session:
        start = time.perf_counter()
        result = slides_export.export_animation(figure, "gif", args.size)
        export_seconds = time.perf_counter() - start
    assert result.data is not None, result
    load = os.getloadavg()[0]
    print(f"frames {len(pngs)} at {args.size}{' presentation mode' if args.large else ''}, lang {args.lang}")
    print(f"machine load (1 min) {load:.1f} on {os.cpu_count()} cores")
    first_frame = ticks[0] - start_render
    print(f"render   {render_seconds:6.1f} s   (of which browser start and first frame {first_frame:.1f} s)")
    print(f"         {steady * 1000:6.0f} ms per frame after the first")
    print(f"GIF      {gif_seconds:6.1f} s   {len(gif) / 1e6:6.2f} MB")
    print(f"MP4      {mp4_seconds:6.1f} s   {len(mp4) / 1e6:6.2f} MB")
    waited = other_session.longest * 1000
    print(f"another thread waited at most {waited:.0f} ms at a time (one frame: {steady * 1000:.0f} ms)")
    size_mb = len(result.data) / 1e6
    print(f"export_animation (GIF, child process): {export_seconds:.1f} s (target 60 s), {size_mb:.2f} MB")
    if args.kaleido:
        per_frame = kaleido_seconds_per_frame(figure, args.kaleido + 1)
        print(f"kaleido  {per_frame * 1000:6.0f} ms per frame ({per_frame / steady:.1f}x the page renderer)")
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        (args.save / "animation.gif").write_bytes(gif)
        (args.save / "animation.mp4").write_bytes(mp4)
        for name, index in (("first", 0), ("middle", len(pngs) // 2), ("last", -1)):
            (args.save / f"frame_{name}.png").write_bytes(pngs[index])
        print(f"saved in {args.save}")
    return 0 if export_seconds < TARGET_SECONDS and len(result.data) < TARGET_GIF_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
