"""One place for colours, symbols and sizes: an Okabe-Ito palette (colour-blind safe) plus a symbol per component."""

from __future__ import annotations

from emlab.shared.language import with_cjk_fallback

# Okabe & Ito (2008), reordered so the first colours contrast most on white; yellow is last.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "pentagon", "hexagon", "triangle-down")
TRUTH_COLOR = "#6b6b6b"
NEUTRAL_POINT = "#9a9a9a"
HOUSE_FONT = "Source Sans Pro, Arial, sans-serif"
# What every figure names: the house font, then CJK fonts for Chinese labels (never boxes), then sans-serif.
FONT_FAMILY = with_cjk_fallback(HOUSE_FONT)
# A white halo around the C1, C2, ... labels so they stay readable over points of their own colour.
LABEL_OUTLINE = "1px 1px 2px white, -1px -1px 2px white, 1px -1px 2px white, -1px 1px 2px white"
# Bar fill patterns, one per class: the second cue beside colour in bar charts.
PATTERNS = ("", "/", "x", "-", "|", "+", ".", "\\")

# Presentation mode's page text (the figures take sizes(large=True)): prose, captions, tables, widget
# and metric labels one step up on the main page, for the back row (metric values are large already);
# the sidebar keeps its size.
PROJECTOR_CSS = """<style>
[data-testid="stMain"] [data-testid="stMarkdownContainer"] :is(p, li, td, th) { font-size: 1.3rem; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] :is(p, li) { font-size: 1.1rem; }
[data-testid="stMain"] :is([data-testid="stWidgetLabel"], [data-testid="stMetricLabel"], button) p {font-size: 1.1rem}
[data-testid="stMain"] [data-testid="stMetricValue"] p { font-size: inherit; }
</style>"""


def component_color(k: int) -> str:
    """Colour of component ``k`` (cycles after eight; the symbol tells repeats apart)."""
    return PALETTE[k % len(PALETTE)]


def component_symbol(k: int) -> str:
    """Marker symbol of component ``k``: the second cue beside colour."""
    return SYMBOLS[k % len(SYMBOLS)]


def component_name(k: int) -> str:
    """Label of component ``k`` as students see it (1-based)."""
    return f"C{k + 1}"


def rgba(hex_color: str, alpha: float) -> str:
    """``#rrggbb`` plus an opacity as a CSS ``rgba(...)`` string."""
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha:g})"


def figure_style(large: bool) -> dict:
    """The template and font of every figure (layout properties); ``large`` is presentation mode."""
    return {"template": "plotly_white", "font": {"family": FONT_FAMILY, "size": sizes(large)["font"]}}


def sizes(large: bool) -> dict[str, float]:
    """Font and marker sizes; ``large`` is presentation mode for a projector."""
    if large:
        return {"font": 22, "title": 26, "point": 9, "mean": 22, "line": 3.5}
    return {"font": 14, "title": 17, "point": 6, "mean": 15, "line": 2.2}
