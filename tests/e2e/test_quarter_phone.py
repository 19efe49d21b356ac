"""The quarter page on a phone (issue 12): compact rows of about 120 px at most per estate in
standard type at 390 px, nothing wider than the screen, and find-my-estate without JavaScript."""

import pytest

from tests.e2e.conftest import MOBILE_WIDTH

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

QUARTER = "/ratings/2026-q2/"  # the demo's corrected quarter: a veto, an exit warning, a v2
MAX_ROW_HEIGHT = 120


def test_each_estate_is_a_compact_row_on_a_phone(mobile_page, site_url):
    mobile_page.goto(site_url + QUARTER)
    rows = mobile_page.locator("tr.rating-row")
    assert rows.count() >= 20
    heights = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        vetoed = row.locator(".veto-note").count() > 0  # the veto's reason is shown in full
        box = row.bounding_box()
        if not vetoed:
            heights[row.locator("th").inner_text().split()[0]] = box["height"]
    assert heights and max(heights.values()) <= MAX_ROW_HEIGHT, heights
    width = mobile_page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE_WIDTH
    # The digest has its own section, below the table.
    table_bottom = mobile_page.locator("table.rating-table").bounding_box()
    verification = mobile_page.locator("#verification").bounding_box()
    assert verification["y"] > table_bottom["y"] + table_bottom["height"]


def test_find_my_estate_works_without_javascript(no_js_page, site_url):
    no_js_page.goto(site_url + QUARTER)
    no_js_page.get_by_label("找我的小区").fill("杏坛")
    no_js_page.get_by_role("button", name="筛选").click()
    no_js_page.wait_for_url("**q=*")
    names = no_js_page.locator("tr.rating-row th a").first
    rows = no_js_page.locator("tr.rating-row")
    assert rows.count() >= 1
    for i in range(rows.count()):
        assert "杏坛" in rows.nth(i).locator("th").inner_text()
    assert "杏坛" in names.inner_text()
