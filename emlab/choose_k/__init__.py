"""How many components? (``pages/3_How_many_components.py``): BIC and AIC against K."""
