"""Step through EM (``pages/1_Step_through.py``): one half-step per click, with the formulas filled in.

- ``walk``: the model, the half-steps computed so far and a cursor (parameters kept, responsibilities recomputed);
- ``controller``: what each button, chart click and settings change does (returns session-state updates);
- ``view``: what the page shows for a walk (status sentences, charts, formula numbers);
- ``keys``: session-state and widget keys, buttons and shortcuts (contracts);
- ``scene``, ``figures``, ``curve``: the data as drawn, the step chart, the log-likelihood curve (pure plotly);
- ``formulas``: the EM formulas with live numbers (LaTeX) and their tables; ``text``: the page's sentences.
"""
