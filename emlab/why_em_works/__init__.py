"""Why EM works (``pages/6_Why_EM_works.py``): the bound that touches the likelihood, EM beside gradient ascent."""
