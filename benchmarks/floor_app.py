"""The floor app for browser benchmarks: what a bare Streamlit page with one plotly chart costs.

One title, one 500-point plotly scatter and one button, nothing else. ``bench_browser.py`` measures
every page of EM Lab as a ratio to this app, measured in the same run with the loads interleaved.

Opened with ``?redraw=1`` the button also draws a new 500-point scatter (the next seed), so the
benchmark can show what any click that changes a chart costs in bare Streamlit: the reference a
step-through click is read against. Opened with ``?sidebar=1`` it also draws EM Lab's settings
sidebar as the Playground has it (heading, language, the seven page links, the Shape and EM options
popovers, K, the method and the view toggles), so the benchmark can show what those controls cost
on their own, beside one bare chart. Without either the page is exactly the one measured on load.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st


def next_seed() -> None:
    st.session_state.seed = st.session_state.get("seed", 0) + 1


def our_sidebar() -> None:
    """EM Lab's settings sidebar, element for element as on the Playground, with nothing to show it for."""
    from emlab.shared.controls import data_controls, init_state, language_control, model_controls, view_controls
    from emlab.shared.page import PAGES
    from emlab.shared.text import t

    init_state()
    with st.sidebar:
        st.markdown(f"### {t('app.title')}")
        language_control()
        for _, label_key, icon in PAGES:  # the same elements; this app has only itself to link to
            st.page_link(st.context.url or "http://127.0.0.1/", label=t(label_key), icon=icon)
        st.divider()
    data_controls()
    model_controls()
    view_controls(("x1", "x2"))


if st.query_params.get("sidebar") == "1":
    our_sidebar()
st.title("Floor app")
redraws = st.query_params.get("redraw") == "1"
points = np.random.default_rng(st.session_state.get("seed", 0)).normal(size=(500, 2))
st.plotly_chart(go.Figure(go.Scatter(x=points[:, 0], y=points[:, 1], mode="markers")), key="floor_chart")
st.button("Click", key="floor_button", on_click=next_seed if redraws else None)
