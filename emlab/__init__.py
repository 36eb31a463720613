"""emlab: everything between the numerical core and the Streamlit pages.

- ``settings``: frozen, hashable descriptions of what the user asked for (data, model, view);
- ``pipeline``: pure functions from settings to data sets and EM histories (no Streamlit);
- ``figures``: pure functions from EM states to plotly figures (no Streamlit);
- ``text``: every user-facing sentence, in one catalogue;
- ``controls``, ``cache``: the thin Streamlit layer shared by every page.
"""
