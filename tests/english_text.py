"""Helpers for the Chinese-page tests: every string a page shows, and the catalogue's English sentences.

:func:`shown_strings` collects every string field of every element an AppTest run drew (text,
markdown, labels, help texts, options, metric values, table cells) and, for charts, every string
in the plotly JSON (titles, axis titles, legend names, hover templates, slider labels, buttons).
:func:`english_sentences` gives the catalogue's English entries that are sentences (letters and
at least :data:`MIN_WORDS` words), cut at their format placeholders and line breaks, so a
fragment that still shows in ``lang=zh`` is English a student would read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from streamlit.testing.v1 import AppTest

from emlab.shared.text import CATALOGUES
from tests.app_pages import tree_nodes

MIN_WORDS = 3
# Cut points: str.format and plotly placeholders, HTML line breaks, Markdown/LaTeX code spans.
_CUTS = re.compile(r"%?\{[^{}]*\}|<br>|\n|`[^`]*`|\$[^$]*\$")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def english_sentences(min_words: int = MIN_WORDS) -> dict[str, str]:
    """English fragment -> its catalogue key, for every fragment of ``min_words`` words or more.

    An entry whose Chinese text is the same as its English one (a name kept as it is) is skipped.
    """
    english, chinese = CATALOGUES["en"], CATALOGUES["zh"]
    fragments: dict[str, str] = {}
    for key, template in english.items():
        if chinese.get(key) == template:
            continue
        for piece in _CUTS.split(template):
            piece = piece.strip(" .,:;()*_-")
            if len(_WORD.findall(piece)) >= min_words:
                fragments.setdefault(piece, key)
    return fragments


def _proto_strings(message) -> Iterator[str]:
    for _field, value in message.ListFields():
        single = isinstance(value, (str, bytes, int, float)) or hasattr(value, "ListFields")
        values = [value] if single else value
        for item in values:
            if isinstance(item, str):
                yield item
            elif hasattr(item, "ListFields"):
                yield from _proto_strings(item)


def _json_strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def shown_strings(at: AppTest) -> list[str]:
    """Every string the run drew: element fields, widget labels/help/options, and chart JSON."""
    strings: list[str] = []
    for node in tree_nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ListFields"):
            continue
        if getattr(node, "type", None) == "plotly_chart":
            strings.extend(_json_strings(json.loads(proto.spec)))
        strings.extend(string for string in _proto_strings(proto) if not string.startswith('{"data"'))
    return strings


def english_labels() -> dict[str, str]:
    """English entry -> key, for the short entries without placeholders (labels, legend names, titles).

    Two words at least: a single English word in a chart is as often one of plotly's own values
    (``"start"``, ``"points"``) as a label.
    """
    english, chinese = CATALOGUES["en"], CATALOGUES["zh"]
    return {
        text: key
        for key, text in english.items()
        if "{" not in text and chinese.get(key) != text and len(_WORD.findall(text)) >= 2
    }


def english_left(at: AppTest) -> dict[str, str]:
    """The catalogue's English (-> key) that still shows on the page: a sentence anywhere, or a whole label."""
    strings = shown_strings(at)
    shown = "\n".join(strings)
    left = {fragment: key for fragment, key in english_sentences().items() if fragment in shown}
    labels = english_labels()
    left.update({string: labels[string] for string in strings if string in labels})
    return left


# Latin-script words of two letters or more: a name such as reg_covar, np.dot or k-means is one word;
# C1, x2 (components, features) and the exponent of 1e-3 are not words.
_LATIN_WORD = re.compile(r"(?<![\w.])[A-Za-z]{2}[\w.'’-]*")
# What plotly shows as text: str.format and hover placeholders, HTML tags and LaTeX are not words.
_NOT_SHOWN = re.compile(r"%?\{[^{}]*\}|<[^>]*>|\$[^$]*\$")


def chart_words_left(at: AppTest) -> dict[str, str]:
    """Latin-script words the page's charts show that the Chinese catalogue never uses -> where they show.

    Read from the text a chart shows (trace names, point texts, hover texts, annotations, axis and
    chart titles, animation buttons and slider labels), so a label written into a figure builder
    instead of the catalogue (``"best"``, ``"iteration %{x}"``) is found too. Names the Chinese text
    keeps as they are (``EM``, ``reg_covar``, ``k-means``, ``full``) are words it uses, so they pass.
    """
    kept = {word for text in CATALOGUES["zh"].values() for word in _LATIN_WORD.findall(_NOT_SHOWN.sub(" ", text))}
    left: dict[str, str] = {}
    for chart in at.get("plotly_chart"):
        for where, text in _chart_texts(json.loads(chart.proto.spec)):
            for word in _LATIN_WORD.findall(_NOT_SHOWN.sub(" ", text)):
                if word not in kept:
                    left.setdefault(word, where)
    return left


def _chart_texts(spec: dict) -> Iterator[tuple[str, str]]:
    """(field, text) for every piece of text a plotly figure shows."""
    layout = spec.get("layout", {})
    traces = spec.get("data", []) + [trace for frame in spec.get("frames", []) for trace in frame.get("data", [])]
    legend = layout.get("showlegend", True)
    for trace in traces:
        if legend and trace.get("showlegend", True) and isinstance(trace.get("name"), str):
            yield "name", trace["name"]
        for field in ("text", "hovertext", "hovertemplate"):
            yield from ((field, text) for text in _strings(trace.get(field)))
    yield from (("annotation", text) for text in _strings([a.get("text") for a in layout.get("annotations", [])]))
    axes = [value for name, value in layout.items() if name.startswith(("xaxis", "yaxis"))]
    colour_bars = [trace.get("colorbar") for trace in traces]
    yield from (("title", text) for owner in [layout, *axes, *colour_bars] for text in _strings(_title(owner)))
    for menu in layout.get("updatemenus", []):
        yield from (("button", text) for text in _strings([button.get("label") for button in menu.get("buttons", [])]))
    for slider in layout.get("sliders", []):
        yield from (("slider", text) for text in _strings([step.get("label") for step in slider.get("steps", [])]))
        yield from (("slider", text) for text in _strings(slider.get("currentvalue", {}).get("prefix")))


def _title(owner):
    """The text of ``owner``'s title (a layout, an axis, a colour bar), in either form plotly accepts."""
    title = owner.get("title") if isinstance(owner, dict) else None
    return title.get("text") if isinstance(title, dict) else title


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        yield from (item for item in value if isinstance(item, str))
