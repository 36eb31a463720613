"""What several pages use: settings, the pipeline, caching, the sidebar controls, style, common figure
pieces, LaTeX helpers and the text catalogue. Nothing here imports a feature folder."""
