"""Cached pipeline calls shared by every page (the Streamlit side of ``emlab.pipeline``).

Histories are kept with ``st.cache_resource``: they are a pure function of the settings,
identical for every user, and immutable (frozen states, read-only arrays), so sharing one copy
is safe and saves unpickling tens of megabytes per rerun. Anything a user can change lives in
``st.session_state`` instead. Both caches are bounded (entries and time) so memory stays flat
however many students connect.
"""

from __future__ import annotations

import streamlit as st

from emlab.pipeline import LoadedData, fit_history, load_data
from emlab.settings import DataSettings, ModelSettings
from gmm_core import DataSet, EMState

CACHE_TTL_SECONDS = 3600


@st.cache_resource(max_entries=32, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_data(settings: DataSettings, _uploaded: DataSet | None = None, upload_id: str = "") -> LoadedData:
    """The data set for ``settings`` (``upload_id`` identifies the uploaded file in the cache key)."""
    return load_data(settings, _uploaded)


@st.cache_resource(max_entries=24, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_history(
    data_settings: DataSettings, model: ModelSettings, _data: LoadedData, upload_id: str = ""
) -> list[EMState]:
    """The EM history for the data and model settings (the data itself is identified by its settings)."""
    return fit_history(_data, model)
