"""What several pages use. Nothing here imports a feature folder.

- ``settings``: frozen descriptions of what the user asked for (data, model, view) and widget ranges;
- ``pipeline``: pure functions from settings to data sets and EM histories;
- ``cache``, ``controls``, ``page``: the thin Streamlit layer (cached calls, sidebar, page setup);
- ``state_keys``: the shared session-state keys and URL parameters, declared once;
- ``style``: palette, symbols, sizes, the figure template and font;
- ``figures``: the 2-D view, soft-coloured points, ellipses, means, layout, and the display rules
  (histogram bins, the off-scale first log-likelihood, which rows a chart draws);
- ``panels``: the log-likelihood panel and the pieces of a 1-D histogram picture;
- ``state_figures``: one EM state as traces and as a still figure;
- ``formulas``: LaTeX with live values; ``text``, ``common_text``, ``language``, ``glossary_zh``:
  the text catalogue and its languages.
"""
