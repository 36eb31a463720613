"""Reading charts in tests: plotly JSON arrays and a page's charts by key."""

from __future__ import annotations

import base64
import json

import numpy as np


def decode(values) -> np.ndarray:
    """A plotly JSON array as numpy: a plain list, or plotly's base64 typed array ``{"dtype", "bdata"}``."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"]))
    return np.asarray(values, dtype=float)


def spec(at, key: str) -> dict:
    """The plotly JSON of the one chart on an AppTest page whose widget key contains ``key``."""
    found = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart") if key in chart.proto.id]
    assert len(found) == 1, f"expected one chart with key {key}, found {len(found)}"
    return found[0]
