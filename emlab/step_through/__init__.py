"""Step through EM (``pages/1_Step_through.py``): one half-step per click, with the formulas filled in."""
