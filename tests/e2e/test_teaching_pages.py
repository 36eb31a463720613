"""The three teaching pages in a real browser: each opens cold by URL, draws its charts, and links onward."""

from __future__ import annotations

import pytest

from emlab.shared.text import t
from tests.e2e.conftest import free_port, start_server, stop_server
from tests.e2e.helpers import (
    CHART,
    assert_no_exception,
    open_page,
    open_popover,
    screenshot,
    wait_for_app,
    wait_for_charts,
)

# (URL path and query, charts drawn, a text the page must show)
TEACHING_PAGES = [
    ("How_the_data_is_made?k_true=3&alpha=2.0&n=400", 3, "1. Class probabilities"),
    ("How_many_components?ck_kmax=8&ck_n_init=1", 2, "Winner:"),
    ("When_EM_goes_wrong?pit_section=sing", 2, "EM broke down at iteration"),
]
TALL = {"width": 1280, "height": 2400}


def page_id(path: str) -> str:
    return path.split("?")[0]


@pytest.mark.parametrize(("path", "charts", "text"), TEACHING_PAGES, ids=[page_id(p) for p, _, _ in TEACHING_PAGES])
def test_teaching_page_opens_cold_by_url(browser, path, charts, text):
    """The deep link is the first request a freshly started server sees."""
    server = start_server(free_port())
    port = server.args[server.args.index("--server.port") + 1]
    context = browser.new_context(viewport=TALL)
    try:
        page = context.new_page()
        open_page(page, f"http://127.0.0.1:{port}/{path}", timeout_ms=180_000)
        wait_for_charts(page, charts, timeout_ms=180_000)
        assert_no_exception(page)
        assert page.locator(CHART).count() == charts
        page.get_by_text(text).first.wait_for(state="visible")
        screenshot(page, f"teaching_{page_id(path)}")
    finally:
        context.close()
        stop_server(server)


def test_story_draws_a_ternary_plot_for_three_classes(page, app_url):
    open_page(page, f"{app_url}/How_the_data_is_made?k_true=3")
    wait_for_charts(page, 3)
    assert page.locator(f"{CHART} .ternary").count() == 1
    assert_no_exception(page)


def test_story_link_opens_the_playground_on_the_same_data(page, app_url):
    open_page(page, f"{app_url}/How_the_data_is_made?n=300&k_true=4&alpha=0.5&data_seed=7")
    wait_for_charts(page, 3)
    link = page.get_by_role("link", name="Fit exactly this data in the Playground").first
    with page.context.expect_page() as opened:
        link.click()
    playground = opened.value
    wait_for_app(playground, 120_000)
    wait_for_charts(playground, 1)
    assert_no_exception(playground)
    assert playground.url.startswith(f"{app_url}/?")
    sidebar = playground.locator('[data-testid="stSidebar"]')

    def slider_value(label: str) -> str:
        slider = sidebar.locator('[data-testid="stSlider"]').filter(has_text=label)
        return slider.locator('[data-testid="stSliderThumbValue"]').inner_text()

    assert slider_value("Samples N") == "300"
    assert slider_value("True components") == "4"
    shape = open_popover(playground, t("data.shape.label", values="").strip())  # the data seed waits there
    seed = shape.locator('[data-testid="stNumberInput"]').filter(has_text="Data seed").locator("input")
    assert seed.input_value() == "7"
    screenshot(playground, "teaching_story_to_playground")


def test_original_script_preset_redraws_round_clusters(page, app_url):
    open_page(page, f"{app_url}/How_the_data_is_made")
    wait_for_charts(page, 3)
    page.get_by_role("button", name="The original script's generator").click()
    wait_for_app(page)
    wait_for_charts(page, 3)
    assert_no_exception(page)
    page.get_by_text("cannot make rotated or elongated clusters").wait_for(state="visible")
    checked = page.locator('[data-testid="stSidebar"] [role="radiogroup"] input:checked')
    assert checked.first.evaluate("input => input.closest('label').innerText") == "seed_script"


def test_pitfalls_experiments_one_click_apart_each_with_its_link(page, app_url):
    """Every experiment is a click away, the URL names the one shown, a hidden one keeps its settings."""
    open_page(page, f"{app_url}/When_EM_goes_wrong?pit_lo_starts=8")
    wait_for_charts(page, 3)
    gallery = page.locator(".st-key-pit_lo_gallery_chart")  # points painted, one picture per panel (issue 10)
    assert gallery.locator(".imagelayer image").count() == 8 and gallery.locator("path.point").count() == 0
    for title, section, charts in (
        ("2. Singularities", "sing", 2),
        ("3. Label switching", "ls", 1),
        ("4. Hard vs soft", "hs", 1),
        ("5. The original script", "seed", 2),
        ("1. Local optima", "lo", 3),
    ):
        page.locator(".st-key-pit_section button").filter(has_text=title).click()
        page.wait_for_function(f"() => location.search.includes('pit_section={section}')")
        wait_for_app(page)
        page.wait_for_function(
            f"() => [...document.querySelectorAll('{CHART}')].filter(gd => gd._fullLayout).length === {charts}"
        )
        assert_no_exception(page)
    assert "pit_lo_starts=8" in page.evaluate("() => location.search")
    screenshot(page, "teaching_pitfalls_sections")
