"""The sidebar's two popovers: which settings wait behind them, and labels that always show their values.

Rarely moved settings (data shape and seed, EM's options) sit in ``st.popover``s, which cost the
browser nothing to draw while closed (issue 10); the settings the pages tell students to move stay
in view. A popover's label is made before its widgets, so these tests check it against what the
widgets hold: by default, after a change, from a link, from a bad link, on the next page, in Chinese.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from emlab.shared.controls import NO_BREAK_SPACE, WORD_JOINER
from emlab.shared.state_keys import PARAM
from emlab.shared.text import t
from tests.app_pages import APP, open_page, tree_nodes

IN_SHAPE = {PARAM.d, PARAM.alpha, PARAM.separation, PARAM.elongation, PARAM.data_seed}
IN_EM_OPTIONS = {PARAM.model_seed, PARAM.reg_covar, PARAM.max_iter, PARAM.tol}
IN_VIEW = {PARAM.source, PARAM.layout, PARAM.n, PARAM.k_true, PARAM.k, PARAM.cov, PARAM.init}
IN_VIEW |= {PARAM.after_first_m_step, PARAM.truth, PARAM.large}


def popovers(at) -> dict[str, set[str]]:
    """Each sidebar popover's label (as plain text) and the keys of the widgets inside it."""
    found = {}
    for node in tree_nodes(at.sidebar):
        if getattr(node, "type", None) == "popover":
            label = node.proto.popover.label.replace(WORD_JOINER, "").replace(NO_BREAK_SPACE, " ")
            found[label] = keys_below(node)
    return found


def keys_below(node) -> set[str]:
    """The widget keys in ``node`` and below it."""
    return {below.key for below in tree_nodes(node) if getattr(below, "key", None)}


def sidebar_keys(at) -> set[str]:
    return keys_below(at.sidebar)


def shape_label(d=2, alpha="10", separation="4", elongation="2.5", seed=0, lang="en") -> str:
    parts = [t("data.shape.d", lang, value=d), t("data.shape.alpha", lang, value=alpha)]
    parts += [t("data.shape.sep", lang, value=separation), t("data.shape.elong", lang, value=elongation)]
    parts.append(t("data.shape.data_seed", lang, value=seed))
    return t("data.shape.label", lang, values=" · ".join(parts))


def options_label(seed=5, reg="1e-06", max_iter=100, tol="0.001", lang="en") -> str:
    parts = [t("model.options.model_seed", lang, value=seed), t("model.options.reg", lang, value=reg)]
    parts += [t("model.options.max_iter", lang, value=max_iter), t("model.options.tol", lang, value=tol)]
    return t("model.options.label", lang, values=" · ".join(parts))


def test_rarely_moved_settings_wait_in_two_popovers_and_the_rest_stays_in_view():
    at = open_page("app.py")
    found = popovers(at)
    assert found == {shape_label(): IN_SHAPE, options_label(): IN_EM_OPTIONS}
    assert sidebar_keys(at) - IN_SHAPE - IN_EM_OPTIONS >= IN_VIEW


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_labels_show_the_values_from_a_link(lang):
    at = open_page("app.py", d="4", alpha="2.0", sep="6.5", data_seed="3", reg="0.0001", max_iter="50", lang=lang)
    assert set(popovers(at)) == {
        shape_label(4, "2", "6.5", seed=3, lang=lang),
        options_label(reg="0.0001", max_iter=50, lang=lang),
    }
    assert at.slider(key=PARAM.d).value == 4 and at.select_slider(key=PARAM.alpha).value == 2.0


def test_labels_follow_a_change_inside_the_popover():
    at = open_page("app.py")
    at.slider(key=PARAM.d).set_value(3).run()
    at.number_input(key=PARAM.model_seed).set_value(11).run()
    assert set(popovers(at)) == {shape_label(3), options_label(seed=11)}


def test_a_bad_link_shows_in_the_label_what_the_widgets_hold():
    at = open_page("app.py", d="99", alpha="3", max_iter="abc")
    assert at.slider(key=PARAM.d).value == 2 and at.select_slider(key=PARAM.alpha).value == 10.0
    assert set(popovers(at)) == {shape_label(), options_label()}


def test_the_seed_layout_has_no_separation_or_elongation_in_its_popover():
    at = open_page("app.py", layout="seed_script")
    assert popovers(at)[t("data.shape.label", values="D = 2 · α = 10 · seed 0")] == {
        PARAM.d,
        PARAM.alpha,
        PARAM.data_seed,
    }


def test_popover_settings_follow_the_student_to_the_next_page_and_its_labels():
    at = open_page("app.py", d="3", tol="0.0001")
    at.query_params.clear()  # following a sidebar link drops the query string
    at.switch_page("pages/1_Step_through.py").run()
    assert not at.exception
    assert at.slider(key=PARAM.d).value == 3 and at.select_slider(key=PARAM.tol).value == 1e-4
    assert set(popovers(at)) == {shape_label(3), options_label(tol="0.0001")}


def test_when_the_session_and_the_link_disagree_the_label_follows_the_widget():
    """The link wins (``bind``), the label was made from the session's value: the run is repeated once."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[PARAM.d] = 5
    at.query_params[PARAM.d] = "3"
    at.run()
    assert not at.exception
    assert at.slider(key=PARAM.d).value == 3
    assert shape_label(3) in popovers(at)
