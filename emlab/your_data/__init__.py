"""Your own data (``pages/5_Your_own_data.py``): read a CSV, choose columns, hand it to every page.

- ``upload``: reading a file, step by step (the names the page uses);
- ``limits``, ``decoding``, ``sniffing``, ``cells``, ``column_names``, ``numeric_table``: the steps;
- ``selection``: chosen columns to a data set; ``problems``: what can be wrong, in words;
- ``state``: the page's session-state keys and what its buttons do (pure, takes the state mapping);
- ``figures``: the preview chart; ``text``: the page's text.
"""
