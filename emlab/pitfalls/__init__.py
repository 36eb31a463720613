"""When EM goes wrong (``pages/4_When_EM_goes_wrong.py``): local optima, singularities, label switching,
hard against soft assignments, and the original script's mistakes."""
