"""Widget keys of the Playground page (``app.py``), declared once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlaygroundKeys:
    """Keys of the page's chart and downloads (the shared sidebar's are ``emlab.shared.state_keys.PARAM``)."""

    chart: str = "play_chart"
    download_prefix: str = "play_dl_"  # + data, history_csv, history_json, html, slides
    slides_kind: str = "play_slides_kind"  # gif or mp4
    slides_size: str = "play_slides_size"  # 720p or 1080p
    slides_speed: str = "play_slides_speed"  # play or slow
    slides_make: str = "play_slides_make"  # the button that renders the frames
    slides_file: str = "play_slides_file"  # session state: (what it was made from, its bytes)

    def download(self, name: str) -> str:
        """The key of the download button ``name``."""
        return self.download_prefix + name


KEYS = PlaygroundKeys()
