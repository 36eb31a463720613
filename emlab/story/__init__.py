"""How the data is made (``pages/2_How_the_data_is_made.py``): Dirichlet, multinomial, Gaussian."""
