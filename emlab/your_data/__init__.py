"""Your own data (``pages/5_Your_own_data.py``): read a CSV, choose columns, hand it to every page."""
