"""Widget values on every page chosen to cover every pair: no exception, no NaN shown, whatever a student clicks.

Each page is driven through a sequence of combinations in one AppTest, rerun after each. The
widgets and buttons are read from the page itself, so new controls are fuzzed without touching
this file. Every widget gets a small domain of values (every option of a choice, both states of
a toggle, the lowest, middle and highest value of a slider or number input, no/one/all options of
a multiselect), the buttons one more factor (no click, or a click on one of them), and an
all-pairs generator picks the combinations: for any two widgets, every pair of their values
appears in at least one combination (about 60 per page instead of 300 random ones). Widgets that
only appear after a combination (e.g. once example data is loaded) get a second round with the
same coverage. Marked ``slow``; ``test_all_pairs_covers_every_pair`` checks the generator itself.
"""

from __future__ import annotations

import contextlib
import itertools
import json
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
    "pages/6_Why_EM_works.py",
)
# The pages wired to the language control (all of them) also run in Chinese.
CHINESE_PAGES = PAGES
CASES = [*((page, "en") for page in PAGES), *((page, "zh") for page in CHINESE_PAGES)]
# Widgets that appear only after earlier combinations get another all-pairs round, at most this many.
MAX_ROUNDS = 3
# A number that failed: "nan"/"inf" as a value. Prose may mention NaN (e.g. how missing cells are read),
# so in sentences only a value position counts ("= nan", ": inf", "(nan"); in numbers-only places any.
NAN_VALUE = re.compile(r"(?<![A-Za-z])[-+]?(nan|inf)(?![A-Za-z])", re.IGNORECASE)
NAN_IN_PROSE = re.compile(r"(=|:|\(|\$)\s*[-+]?(nan|inf)(?![A-Za-z])", re.IGNORECASE)
# Sizes that make one rerun slow without finding anything new: cap them so the suite stays fast.
SLOW_KEYS = {"n": 2000, "max_iter": 150}
BUTTONS = "(buttons)"
NO_CLICK = "(no click)"
NUMERIC_LEVELS = ("lowest", "middle", "highest")


def all_pairs(factors: dict[str, list], new: set[str] | None = None) -> list[dict]:
    """Rows (one value per factor) in which every pair of values of any two factors appears at least once.

    With ``new``, only the pairs with at least one factor in ``new`` need to appear. Greedy and
    deterministic: each new row starts from the first pair not yet covered and fills the other
    factors, one by one, with the value that covers most uncovered pairs with those already chosen.
    """
    names = sorted(factors, key=lambda name: -len(factors[name]))  # stable: ties keep the page's order
    if len(names) == 1:
        return [{names[0]: value} for value in factors[names[0]]] if new is None or names[0] in new else []
    uncovered = {
        ((x, i), (y, j))
        for x, y in itertools.combinations(range(len(names)), 2)
        if new is None or names[x] in new or names[y] in new
        for i in range(len(factors[names[x]]))
        for j in range(len(factors[names[y]]))
    }
    rows = []
    while uncovered:
        first, second = min(uncovered)
        row = dict([first, second])
        for factor in range(len(names)):
            if factor not in row:
                row[factor] = max(
                    range(len(factors[names[factor]])),
                    key=lambda value: (_pairs_covered(row, factor, value, uncovered), -value),
                )
        uncovered -= {((x, row[x]), (y, row[y])) for x, y in itertools.combinations(sorted(row), 2)}
        rows.append({names[factor]: factors[names[factor]][value] for factor, value in row.items()})
    return rows


def _pairs_covered(row: dict, factor: int, value: int, uncovered: set) -> int:
    """How many uncovered pairs setting ``factor`` to ``value`` would cover with the factors in ``row``."""
    return sum(
        (((other, chosen), (factor, value)) if other < factor else ((factor, value), (other, chosen))) in uncovered
        for other, chosen in row.items()
    )


def test_all_pairs_covers_every_pair():
    factors = {"a": [1, 2, 3, 4], "b": ["x", "y", "z"], "c": [True, False], "d": [0, 1, 2, 3, 4, 5], "e": ["only"]}
    rows = all_pairs(factors)
    for a, b in itertools.combinations(factors, 2):
        seen = {(row[a], row[b]) for row in rows}
        assert seen == set(itertools.product(factors[a], factors[b])), (a, b)
    assert 24 <= len(rows) < 4 * 6 * 3 * 2, "all pairs, in far fewer rows than every combination"
    assert all_pairs({"a": [1, 2]}) == [{"a": 1}, {"a": 2}]


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
    for error in at.error:
        assert str(error.value).strip(), f"{context}: an st.error without text"
    for text in shown_prose(at) + [str(e.value) for e in at.error]:
        assert "Traceback (most recent call last)" not in str(text), f"{context}: a traceback in {str(text)[:300]!r}"
    for pattern, texts in ((NAN_VALUE, shown_numbers(at)), (NAN_IN_PROSE, shown_prose(at))):
        for text in texts:
            match = pattern.search(str(text))
            assert match is None, f"{context}: the page shows {match.group(0)!r} in {str(text)[:200]!r}"
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        title = json.dumps(spec.get("layout", {}).get("title", ""))
        assert "NaN" not in title and "nan" not in title.lower().split('"'), f"{context}: NaN in a chart title"


def widget_key(widget) -> str:
    return widget.key or f"{widget.type}:{widget.label}"


def domain(widget) -> list | None:
    """The values to cover for ``widget`` (numeric ones as levels, resolved against the widget when set)."""
    kind = widget.type
    if kind == "slider":
        return None if isinstance(widget.value, (tuple, list)) else list(NUMERIC_LEVELS)
    if kind == "number_input":
        return list(NUMERIC_LEVELS)
    if kind in ("selectbox", "radio", "select_slider"):
        return list(widget.options) or None
    if kind in ("toggle", "checkbox"):
        return [False, True]
    if kind == "multiselect":
        options = list(widget.options)
        return [()] + [(option,) for option in options] + ([tuple(options)] if len(options) > 1 else [])
    return None


def concrete_value(widget, level):
    """The value for ``widget`` at ``level`` within its current range or options, or None to leave it alone."""
    kind = widget.type
    if kind in ("slider", "number_input"):
        low = widget.min if widget.min is not None else -1000
        high = widget.max if widget.max is not None else 1000
        if widget.key in SLOW_KEYS:
            high = min(high, SLOW_KEYS[widget.key])
        step = widget.step or 1
        value = {"lowest": low, "highest": high, "middle": low + step * round((high - low) / 2 / step)}[level]
        return type(widget.value)(round(value, 10)) if widget.value is not None else value
    if kind in ("selectbox", "radio", "select_slider"):
        return option_value(widget, level) if level in widget.options else None
    if kind in ("toggle", "checkbox"):
        return level
    if kind == "multiselect":
        values = [option_value(widget, option) for option in level if option in widget.options]
        return None if any(v is None for v in values) else values
    return None


def enabled_buttons(at: AppTest) -> dict:
    return {widget_key(b): b for b in at.button if not b.disabled}


def discover(at: AppTest, factors: dict[str, list]) -> bool:
    """Add the widgets and buttons on the page that ``factors`` lacks; True if any was new."""
    new = False
    for widget in settable_widgets(at):
        key = widget_key(widget)
        values = domain(widget)
        if key not in factors and values:
            factors[key] = values
            new = True
    buttons = factors.setdefault(BUTTONS, [NO_CLICK])
    for key in enabled_buttons(at):
        if key not in buttons:
            buttons.append(key)
            new = True
    return new


def apply(at: AppTest, row: dict) -> list[str]:
    """Set every widget on the page that ``row`` names, click its button; return what changed."""
    changes = []
    for widget in settable_widgets(at):
        key = widget_key(widget)
        if key in row:
            value = concrete_value(widget, row[key])
            if value is not None:
                widget.set_value(value)
                changes.append(f"{key}={value!r}")
    button = enabled_buttons(at).get(row.get(BUTTONS))
    if button is not None:
        button.click()
        changes.append(f"click {row[BUTTONS]}")
    return changes


@pytest.mark.slow
@pytest.mark.parametrize(("page", "lang"), CASES)
def test_all_pairs_of_widget_values_never_break_the_page(page, lang, monkeypatch):
    np.random.seed(0)
    # No browser for the slides export: its button would render every frame (tests/test_slides_page.py
    # covers the page's side of it); the page then shows its missing-Chromium warning instead.
    monkeypatch.setenv("EMLAB_CHROMIUM", str(ROOT / "no-chromium-here"))
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    if lang != "en":
        at.query_params["lang"] = lang
    at.run()
    assert_healthy(at, f"{page} on defaults")
    factors: dict[str, list] = {}
    discover(at, factors)
    new = None  # first round: every pair; later ones: the pairs with a widget or button found since
    for round_number in range(MAX_ROUNDS):
        covered = {key: list(values) for key, values in factors.items()}
        for combo, row in enumerate(all_pairs(covered, new)):
            changes = apply(at, row)
            at.run()
            assert_healthy(at, f"{page} round {round_number} combination {combo} ({', '.join(changes)})")
            discover(at, factors)
        new = {key for key, values in factors.items() if values != covered.get(key)}
        if not new:
            break
