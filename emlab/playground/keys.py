"""Widget keys of the Playground page (``app.py``), declared once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlaygroundKeys:
    """Keys of the page's chart and downloads (the shared sidebar's are ``emlab.shared.state_keys.PARAM``)."""

    chart: str = "play_chart"
    download_prefix: str = "play_dl_"  # + data, history_csv, history_json, html

    def download(self, name: str) -> str:
        """The key of the download button ``name``."""
        return self.download_prefix + name


KEYS = PlaygroundKeys()
