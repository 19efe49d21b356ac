"""A resident finds their estate the way issue 12 describes: two characters from the middle of its
name typed on the home page, the estate picked from the suggestions, its plate, then the printable
plate — on a phone and on a desktop, by tap and by keyboard."""

import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ESTATE = "枫林雅园"


def _suggestions_for(page, text: str):
    box = page.locator("#home-q")
    box.click()
    box.press_sequentially(text, delay=60)
    option = page.get_by_role("option", name=re.compile(ESTATE))
    option.first.wait_for(state="visible")
    assert box.get_attribute("aria-expanded") == "true"
    return box, option.first


def _sees_the_plate_then_prints_it(page):
    page.wait_for_url(re.compile(r"/estates/fenglinyayuan/$"))
    plate = page.locator("#plate")
    assert re.search(r"[绿蓝黄红]牌", plate.inner_text())  # the band in words
    page.get_by_role("link", name="打印挂牌（A4）").click()
    page.wait_for_url(re.compile(r"/ratings/[0-9]{4}-q[1-4]/plates/fenglinyayuan/$"))
    assert page.locator("article.plate").is_visible()
    assert ESTATE in page.locator("#plate-estate").inner_text()


def test_a_resident_on_a_phone_types_two_characters_picks_the_estate_and_prints_its_plate(
    mobile_page, site_url
):
    mobile_page.goto(site_url + "/")
    assert mobile_page.locator('form[role="search"]').count() == 1  # one search box on the home page
    _, option = _suggestions_for(mobile_page, "林雅")
    assert "小区" in option.inner_text() and "牌" in option.inner_text()  # kind and plate in words
    option.tap()
    _sees_the_plate_then_prints_it(mobile_page)


def test_the_suggestions_work_with_the_keyboard_and_pinyin_initials(page, site_url):
    page.goto(site_url + "/")
    box, _ = _suggestions_for(page, "flyy")
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant")
    box.press("Enter")
    _sees_the_plate_then_prints_it(page)
