"""Pure functions from EM states to plotly figures: no Streamlit, no maths beyond drawing."""
