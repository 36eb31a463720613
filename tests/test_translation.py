"""The Chinese catalogue is complete, fills in the same values, keeps the formatting, and follows the glossary."""

from __future__ import annotations

import re
import string

import pytest

from emlab.shared import text
from emlab.shared.glossary_zh import GLOSSARY, GLOSSARY_EXCEPTIONS
from emlab.shared.text import CATALOGUES, catalogue_modules, module_entries, t

EN = CATALOGUES["en"]
ZH = CATALOGUES["zh"]
# Entries present in both; the completeness test below reports the rest.
BOTH = sorted(EN.keys() & ZH.keys())

# Entries with nothing to translate, identical in both languages, each with the reason.
SAME_IN_BOTH = {
    "play.metric.bic": "BIC is the name lecturers use in Chinese too",
    "step.table.log_density": "a formula: log N(x_n | ...)",
    "step.table.density": "a formula: N(x_n | mu_k, Sigma_k)",
    "step.table.product": "a formula: pi_k N(x_n | ...)",
    "step.fig.selected_label": "a symbol: x with the row as subscript",
    "story.table.theta": "a symbol: θ_k",
    "story.table.count": "a symbol: n_k",
    "story.table.expected": "a formula: N θ_k",
    "story.fig.theta": "a symbol: θ_k",
    "data.shape.d": "a symbol in a popover label: D = 2",
    "data.shape.alpha": "a symbol in a popover label: α = 10",
    "model.options.reg": "a parameter's name in a popover label: reg_covar 1e-06",
    "model.options.max_iter": "a parameter's name in a popover label: max_iter 100",
    "model.options.tol": "a parameter's name in a popover label: tol 0.001",
    "why.fig.em_path": "EM is the algorithm's name in Chinese too",
    "why.fig.slice_hover": "hover values only: s = position, then the value, then the curve's own name",
    "why.dec.chosen": "two translated pieces in bold and plain",
    "slides.size.720p": "a size in pixels",
    "slides.size.1080p": "a size in pixels",
    "pit.sing.reg": "reg_covar is the scikit-learn parameter's name",
    "pit.fig.reg": "reg_covar = {reg}: a parameter and its value",
}


def placeholders(template: str) -> list[tuple[str, str, str | None]]:
    """The ``str.format`` fields of ``template`` as (name, format spec, conversion), sorted."""
    return sorted(
        (name, spec or "", conversion)
        for _, name, spec, conversion in string.Formatter().parse(template)
        if name is not None
    )


def test_the_loader_finds_every_catalogue_and_its_translation():
    modules = catalogue_modules()
    assert modules[0] == "emlab.shared.common_text"
    assert "emlab.playground.text" in modules and "emlab.playground.slides_text" in modules
    assert "emlab.shared.text" not in modules
    for module in modules:
        assert module_entries(module, "zh"), f"{module} has no Chinese sibling {module}_zh"


def test_every_english_key_has_a_chinese_entry_and_no_more():
    assert sorted(EN.keys() - ZH.keys()) == []
    assert sorted(ZH.keys() - EN.keys()) == []


def test_each_module_translates_its_own_keys():
    # A translation in the wrong sibling would still pass the global check but confuse its owner.
    for module in catalogue_modules():
        assert module_entries(module, "zh").keys() == module_entries(module, "en").keys(), module


@pytest.mark.parametrize("key", BOTH)
def test_same_placeholders(key):
    assert placeholders(ZH[key]) == placeholders(EN[key])


def test_every_entry_is_translated_unless_it_has_nothing_to_translate():
    untranslated = sorted(key for key in BOTH if ZH[key] == EN[key] and key not in SAME_IN_BOTH)
    assert untranslated == []
    stale = sorted(key for key in SAME_IN_BOTH if key in EN and ZH[key] != EN[key])
    assert stale == [], "listed as identical but translated: drop them from SAME_IN_BOTH"


def test_chinese_entries_are_chinese():
    has_han = re.compile(r"[\u4e00-\u9fff]")
    no_han = sorted(key for key in BOTH if key not in SAME_IN_BOTH and not has_han.search(ZH[key]))
    assert no_han == []


@pytest.mark.parametrize("mark", ["$", "**", "\n", "<br>"])
def test_markdown_latex_and_line_breaks_balance(mark):
    assert sorted(key for key in BOTH if EN[key].count(mark) != ZH[key].count(mark)) == []


def test_code_spans_are_kept_and_closed():
    # Chinese may add code spans (scikit-learn names keep code font), never drop one or leave one open.
    broken = sorted(key for key in BOTH if ZH[key].count("`") % 2 or ZH[key].count("`") < EN[key].count("`"))
    assert broken == []


def test_latex_stays_latex():
    latex = re.compile(r"\$[^$]+\$")
    changed = sorted(key for key in BOTH if latex.findall(EN[key]) != latex.findall(ZH[key]))
    assert changed == []


def _prose(template: str) -> str:
    """``template`` without code spans, LaTeX and placeholders: the words a translator translates."""
    return re.sub(r"`[^`]*`|\$[^$]*\$|\{[^{}]*\}", " ", template)


def _mentions(prose: str, term: str) -> bool:
    forms = [re.escape(term) + "(?:s|es)?"]
    if term.endswith("y"):
        forms.append(re.escape(term[:-1]) + "ies")
    if term.endswith("um"):
        forms.append(re.escape(term[:-2]) + "a")
    return re.search(r"(?<![\w-])(?:" + "|".join(forms) + r")(?![\w-])", prose, re.IGNORECASE) is not None


def test_glossary_terms_are_used_consistently():
    missing = [
        f"{key}: {term!r} -> {chinese!r}"
        for key in BOTH
        if key not in GLOSSARY_EXCEPTIONS
        for term, chinese in GLOSSARY.items()
        if _mentions(_prose(EN[key]), term) and chinese not in ZH[key]
    ]
    assert missing == []


def test_glossary_exceptions_name_real_keys():
    assert set(GLOSSARY_EXCEPTIONS) <= EN.keys()


def test_t_returns_chinese_and_fills_values():
    assert t("warn.k_gt_n", lang="zh", k=5, n=3) == ZH["warn.k_gt_n"].format(k=5, n=3)
    assert "5" in t("warn.k_gt_n", lang="zh", k=5, n=3)
    assert t("app.title", lang="zh") != t("app.title")


def test_unknown_language_and_missing_translation_fall_back_to_english(monkeypatch):
    assert t("app.title", lang="fr") == EN["app.title"]
    monkeypatch.setitem(text.CATALOGUES, "zh", {})
    assert t("app.title", lang="zh") == EN["app.title"]


def test_the_glossary_check_sees_plurals_and_skips_code_latex_and_placeholders():
    assert _mentions(_prose("Two singularities and the local optima"), "singularity")
    assert _mentions(_prose("Two singularities and the local optima"), "local optimum")
    assert _mentions(_prose("The E-step recolours"), "E-step")
    assert not _mentions(_prose("a weighted mean"), "weight")
    assert not _mentions(_prose("the `covariance_type` and $\\Sigma$ for {seed}"), "seed")
    assert not _mentions(_prose("`covariance` only in code"), "covariance")
    assert not _mentions(_prose("log-likelihood"), "log")
