"""Random widget values on every page: no exception, no NaN shown, whatever a student clicks.

Each page is driven through a seeded sequence of random combinations: one to three of the
widgets currently on the page get random values (the extremes a third of the time) and a
button is sometimes pressed, then the page reruns. The widget set is read from the page itself,
so new controls are fuzzed without touching this file. Every page gets 300 combinations
(``EMLAB_FUZZ_COMBOS`` overrides, e.g. 30 for a quick run while editing a page).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = (
    "app.py",
    "pages/1_Step_through.py",
    "pages/2_How_the_data_is_made.py",
    "pages/3_How_many_components.py",
    "pages/4_When_EM_goes_wrong.py",
    "pages/5_Your_own_data.py",
)
COMBOS_PER_PAGE = int(os.environ.get("EMLAB_FUZZ_COMBOS", 300))
EXTREME_PROBABILITY = 1 / 3
BUTTON_PROBABILITY = 0.3
# A number that failed: "nan"/"inf" as a value. Prose may mention NaN (e.g. how missing cells are read),
# so in sentences only a value position counts ("= nan", ": inf", "(nan"); in numbers-only places any.
NAN_VALUE = re.compile(r"(?<![A-Za-z])[-+]?(nan|inf)(?![A-Za-z])", re.IGNORECASE)
NAN_IN_PROSE = re.compile(r"(=|:|\(|\$)\s*[-+]?(nan|inf)(?![A-Za-z])", re.IGNORECASE)
# Sizes that make one rerun slow without finding anything new: cap them so the suite stays fast.
SLOW_KEYS = {"n": 2000, "max_iter": 150}


def option_value(widget, formatted: str):
    """The option value behind a displayed option string (None when it can't be recovered)."""
    format_func = widget.format_func
    for candidate in _candidates(formatted):
        try:
            if str(format_func(candidate)) == formatted:
                return candidate
        except Exception:  # a page's format_func may expect another type: try the next reading
            continue
    return None


def _candidates(text: str):
    for parse in (int, float):
        with contextlib.suppress(ValueError):
            yield parse(text)
    yield text


def random_value(widget, rng: random.Random):
    """A random value for ``widget`` within its own range or options, or None to leave it alone."""
    extreme = rng.random() < EXTREME_PROBABILITY
    kind = widget.type
    if kind == "slider":
        low, high, step = widget.min, widget.max, widget.step or 1
        if isinstance(widget.value, (tuple, list)):
            return None
        if widget.key in SLOW_KEYS:
            high = min(high, SLOW_KEYS[widget.key])
        if extreme:
            return rng.choice([low, high])
        count = int(round((high - low) / step))
        value = low + step * rng.randint(0, max(count, 0))
        return type(widget.value)(round(value, 10))
    if kind == "number_input":
        low = widget.min if widget.min is not None else -1000
        high = widget.max if widget.max is not None else 1000
        value = rng.choice([low, high]) if extreme else rng.uniform(low, high)
        return type(widget.value)(value) if widget.value is not None else value
    if kind in ("selectbox", "radio", "select_slider"):
        options = widget.options
        if not options:
            return None
        formatted = rng.choice([options[0], options[-1]]) if extreme else rng.choice(options)
        return option_value(widget, formatted)
    if kind in ("toggle", "checkbox"):
        return rng.random() < 0.5
    if kind == "multiselect":
        options = widget.options
        chosen = rng.sample(options, k=rng.randint(0, len(options))) if options else []
        values = [option_value(widget, o) for o in chosen]
        return None if any(v is None for v in values) else values
    return None


SETTABLE = ("slider", "number_input", "selectbox", "radio", "select_slider", "toggle", "checkbox", "multiselect")


def settable_widgets(at: AppTest) -> list:
    widgets = []
    for kind in SETTABLE:
        widgets.extend(w for w in getattr(at, kind) if not getattr(w, "disabled", False))
    return widgets


def shown_numbers(at: AppTest) -> list[str]:
    """Texts that are numbers or formulas: metrics, tables, LaTeX."""
    texts = [str(m.value) for m in at.metric] + [latex.value for latex in at.latex]
    texts += [frame.value.to_string() for frame in at.dataframe]
    return texts


def shown_prose(at: AppTest) -> list[str]:
    """Sentences the page shows: markdown, captions, messages."""
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return texts + [e.value for e in at.info] + [e.value for e in at.warning] + [e.value for e in at.success]


def assert_healthy(at: AppTest, context: str) -> None:
    assert not at.exception, f"{context}: exception {at.exception[0].value}"
    for pattern, texts in ((NAN_VALUE, shown_numbers(at)), (NAN_IN_PROSE, shown_prose(at))):
        for text in texts:
            match = pattern.search(str(text))
            assert match is None, f"{context}: the page shows {match.group(0)!r} in {str(text)[:200]!r}"
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        title = json.dumps(spec.get("layout", {}).get("title", ""))
        assert "NaN" not in title and "nan" not in title.lower().split('"'), f"{context}: NaN in a chart title"


@pytest.mark.parametrize("page", PAGES)
def test_random_widget_values_never_break_the_page(page):
    rng = random.Random(f"emlab-fuzz-{page}")
    np.random.seed(0)
    at = AppTest.from_file(str(ROOT / page), default_timeout=120).run()
    assert_healthy(at, f"{page} on defaults")
    for combo in range(COMBOS_PER_PAGE):
        widgets = settable_widgets(at)
        changes = []
        for widget in rng.sample(widgets, k=min(len(widgets), rng.randint(1, 3))):
            value = random_value(widget, rng)
            if value is not None:
                widget.set_value(value)
                changes.append(f"{widget.key or widget.label}={value!r}")
        buttons = [b for b in at.button if not b.disabled]
        if buttons and rng.random() < BUTTON_PROBABILITY:
            button = rng.choice(buttons)
            button.click()
            changes.append(f"click {button.key or button.label}")
        at.run()
        assert_healthy(at, f"{page} combination {combo} ({', '.join(changes)})")
