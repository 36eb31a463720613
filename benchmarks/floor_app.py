"""The floor app for browser benchmarks: what a bare Streamlit page with one plotly chart costs.

One title, one 500-point plotly scatter and one button, nothing else. ``bench_browser.py`` measures
every page of EM Lab as a ratio to this app, measured in the same run with the loads interleaved.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.title("Floor app")
points = np.random.default_rng(0).normal(size=(500, 2))
st.plotly_chart(go.Figure(go.Scatter(x=points[:, 0], y=points[:, 1], mode="markers")), key="floor_chart")
st.button("Click", key="floor_button")
