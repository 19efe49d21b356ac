"""The cases column in a real browser (SPEC §6, §12): axe finds nothing on /cases/, a case page
with its evidence chart and an issue page — on a 390 px phone and on a desktop, in standard and
large type — nothing scrolls sideways on the phone, and the filters work without JavaScript."""

import json
from pathlib import Path

import axe_playwright_python
import pytest

from tests.e2e.conftest import MOBILE_WIDTH

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
CASE_WITH_EVIDENCE = "/cases/yejianzhaomingbumang-loujianxiaoluliangqilai/"  # 夜间照明补盲 (安全生产)
PATHS = ["/cases/", "/cases/?category=service", CASE_WITH_EVIDENCE, "/cases/issues/", "/cases/issues/12/"]


def violations(page) -> list[str]:
    page.evaluate(AXE_SCRIPT)
    result = page.evaluate(f"axe.run(document, {json.dumps(WCAG_21_AA)})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}" for v in result["violations"]
    ]


def test_case_pages_pass_axe_on_phone_and_desktop_in_both_type_sizes(page, mobile_page, site_url):
    found = {}
    for label, tab in (("desktop", page), ("390px", mobile_page)):
        for size in ("standard", "large"):
            tab.goto(f"{site_url}/display/large-type/{'on' if size == 'large' else 'off'}/?next=/cases/")
            for path in PATHS:
                response = tab.goto(site_url + path)
                assert response.status == 200, path
                if problems := violations(tab):
                    found[f"{label} {size} {path}"] = problems
                if label == "390px":
                    width = tab.evaluate("document.documentElement.scrollWidth")
                    assert width <= MOBILE_WIDTH, (size, path, width)
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


def test_the_evidence_chart_has_its_figures_in_words_too(page, site_url):
    page.goto(site_url + CASE_WITH_EVIDENCE)
    chart = page.locator("#evidence svg[role=img]")
    assert chart.is_visible()
    rows = page.locator("#evidence table tbody tr")
    assert rows.count() >= 2
    assert page.locator("#evidence-desc").inner_text().strip()


def test_filters_combine_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "/cases/")
    page.select_option("select[name=category]", "service")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    items = page.locator(".case-list > li")
    assert items.count() >= 1
    for i in range(items.count()):
        assert "微服务" in items.nth(i).inner_text()
    context.close()


def test_a_citys_estate_filter_is_a_removable_choice_usable_by_keyboard(mobile_page, site_url, monkeypatch):
    """Above core.choices.SELECT_MAX (a city's thousands of estates) the estate filter is no select: it
    shows as 小区：X with a link that removes it, reached with Tab, kept when the form is sent, and
    the page passes axe and fits the phone, in large type too."""
    from cases.models import CasePage
    from core import choices

    monkeypatch.setattr(choices, "SELECT_MAX", 1)
    case = CasePage.objects.live().exclude(estate=None).select_related("estate").first()
    tab = mobile_page
    tab.goto(f"{site_url}/display/large-type/on/?next=/cases/")
    tab.goto(f"{site_url}/cases/?estate={case.estate_id}&category={case.category}")
    assert tab.locator("select[name=estate]").count() == 0
    assert f"小区：{case.estate.name}" in tab.locator(".filter-form__chosen").inner_text()
    assert not violations(tab)
    assert tab.evaluate("document.documentElement.scrollWidth") <= MOBILE_WIDTH

    # Sending the form keeps the estate; the other filters change.
    tab.select_option("select[name=category]", "")
    with tab.expect_navigation():
        tab.get_by_role("button", name="筛选").click()
    assert f"estate={case.estate_id}" in tab.url and "category=&" in tab.url + "&"

    for _ in range(60):
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.textContent").startswith("取消此条件"):
            break
    else:
        pytest.fail("the link that removes the estate filter is not reached with Tab")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert "estate=" not in tab.url
    assert tab.locator(".filter-form__chosen").count() == 0
