"""The floor app for browser benchmarks: what a bare Streamlit page with one plotly chart costs.

One title, one 500-point plotly scatter and one button, nothing else. ``bench_browser.py`` measures
every page of EM Lab as a ratio to this app, measured in the same run with the loads interleaved.

Opened with ``?redraw=1`` the button also draws a new 500-point scatter (the next seed), so the
benchmark can show what any click that changes a chart costs in bare Streamlit: the reference a
step-through click is read against. Without it the page is exactly the one measured on load.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st


def next_seed() -> None:
    st.session_state.seed = st.session_state.get("seed", 0) + 1


st.title("Floor app")
redraws = st.query_params.get("redraw") == "1"
points = np.random.default_rng(st.session_state.get("seed", 0)).normal(size=(500, 2))
st.plotly_chart(go.Figure(go.Scatter(x=points[:, 0], y=points[:, 1], mode="markers")), key="floor_chart")
st.button("Click", key="floor_button", on_click=next_seed if redraws else None)
