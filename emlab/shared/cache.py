"""Cached pipeline calls shared by every page (the Streamlit side of ``emlab.shared.pipeline``).

Histories are kept with ``st.cache_resource``: they are a pure function of the settings,
identical for every user, and immutable (frozen states, read-only arrays), so sharing one copy
is safe and saves unpickling tens of megabytes per rerun. Anything a user can change lives in
``st.session_state`` instead. Both caches are bounded (entries and time) so memory stays flat
however many students connect.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from emlab.shared.controls import page_language, uploaded_dataset
from emlab.shared.pipeline import LoadedData, fit_history, load_data
from emlab.shared.settings import DataSettings, ModelSettings
from emlab.shared.text import t
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


@dataclass(frozen=True, eq=False)
class ChosenData:
    """The data set the sidebar chose, with the upload it came from (if any) for cache keys."""

    data: LoadedData
    uploaded: DataSet | None
    upload_id: str


def chosen_upload(data_settings: DataSettings) -> tuple[DataSet | None, str]:
    """This session's uploaded data set and its id when the sidebar chose "upload", else (None, "").

    Another source ignores the upload, so an upload made in this session neither splits the
    cache nor changes what other sources show.
    """
    if data_settings.source != "upload":
        return None, ""
    return uploaded_dataset()


def load_chosen_data(data_settings: DataSettings, *, lang: str | None = None) -> ChosenData | None:
    """The data the sidebar chose, or None after telling the student what to change."""
    lang = lang or page_language()
    uploaded, upload_id = chosen_upload(data_settings)
    if data_settings.source == "upload" and uploaded is None:
        st.warning(t("warn.upload_missing", lang))
        return None
    try:
        data = cached_data(data_settings, uploaded, upload_id)
    except ValueError as error:
        st.error(t("error.data", lang, message=error))
        return None
    return ChosenData(data, uploaded, upload_id)
