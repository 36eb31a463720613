"""Every session-state key and URL query parameter the shared layer uses, declared once.

Two kinds of names, both contracts (links, tests and other pages rely on the strings):

- :data:`SESSION`: non-widget session-state entries several pages read (the uploaded data set,
  each page's last good result, the remembered sidebar settings);
- :data:`PARAM`: the keys of the shared sidebar widgets, which are also their URL query
  parameters (``bind="query-params"``), so a lecturer's link reproduces the view.

A feature's own keys live in its folder (``emlab/your_data/state.py``, ...). Plain frozen
dataclasses of strings, so ``st.session_state[SESSION.upload_id]`` reads like a name, a typo is an
``AttributeError`` and a key is still an ordinary ``str``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SessionKeys:
    """Non-widget session-state entries shared by the pages."""

    uploaded_dataset: str = "uploaded_dataset"  # the DataSet chosen on 'Your own data' (or None)
    upload_id: str = "upload_id"  # its id in the other pages' cache keys ("" when none)
    last_good: str = "last_good"  # page id -> the last result that worked
    settings_memory: str = "bound_settings"  # URL parameter -> last value, carried across pages
    arrived: str = "arrived_on_page"  # True on the first run of a page after another one
    current_page: str = "current_page"  # the page that ran last
    language: str = "language"  # "en" or "zh": the language this run shows (see controls.page_language)
    language_choice: str = "language_choice"  # the language control's widget (the URL holds PARAM.lang)
    relabelled: str = "popover_relabelled"  # + ":<first key>": this run repeats one to fix a popover's label


@dataclass(frozen=True)
class UrlParams:
    """Keys of the shared sidebar widgets, which are their URL query parameters too."""

    source: str = "source"
    layout: str = "layout"
    n: str = "n"
    k_true: str = "k_true"
    d: str = "d"
    alpha: str = "alpha"
    data_seed: str = "data_seed"
    separation: str = "sep"
    elongation: str = "elong"
    k: str = "k"
    cov: str = "cov"
    init: str = "init"
    model_seed: str = "model_seed"
    after_first_m_step: str = "after_m1"  # left out of the URL when ticked (the default)
    reg_covar: str = "reg"
    max_iter: str = "max_iter"
    tol: str = "tol"
    projection: str = "view"
    x_feature: str = "fx"
    y_feature: str = "fy"
    truth: str = "truth"
    large: str = "big"
    lang: str = "lang"  # emlab.shared.language.QUERY_PARAM


SESSION = SessionKeys()
PARAM = UrlParams()
