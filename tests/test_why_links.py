"""The Playground and the step-through page point to "Why EM works" where they say the curve only climbs."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from emlab.shared.text import t

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("page", ["app.py", "pages/1_Step_through.py"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_climbing_curve_links_to_why_em_works(page, lang):
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    captions = [caption.value for caption in at.caption]
    assert t("nav.why_link", lang) in captions
