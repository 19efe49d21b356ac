"""A firm in the admin, in a real browser (issue 13, SPEC §4): its user logs in, finds on the home
page the score it may still appeal, files the appeal with a PDF of evidence, and reads it back —
on a 390 px phone and on a desktop, with axe on every admin page used (no violation that Wagtail's
own pages do not already have). Set E2E_SCREENSHOTS to a folder to keep a screenshot of each step."""

import os
from pathlib import Path

import pytest

from django.utils import timezone

from tests.e2e.admin_axe import assert_admin_page_accessible, wagtail_baseline
from tests.e2e.admin_checks import admin_login, assert_labelled_button
from tests.e2e.conftest import MOBILE_WIDTH
from tests.helpers import pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FIRM_USER = "firm7"
NEW_MONTH = "2026-10"  # the demo ends with 2026-09, whose quarter waits for the committee (locked)
REASON = "10月业主评价只抽样了一栋楼，样本不具代表性，附抽样记录，申请复核。"


def _screenshot(page, name: str) -> None:
    folder = os.environ.get("E2E_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def _new_scores_of_the_firm(username: str, count: int):
    """This month's scores of the firm's first estates, imported just now: open to appeal."""
    from django.contrib.auth import get_user_model

    from ratings.models import MonthlyScore
    from registry.permissions import user_firm_ids

    (firm_id,) = user_firm_ids(get_user_model().objects.get(username=username))
    made = []
    for last in MonthlyScore.objects.filter(firm_id=firm_id, month="2026-09").order_by("estate__code")[
        :count
    ]:
        made.append(
            MonthlyScore.objects.create(
                estate=last.estate,
                month=NEW_MONTH,
                scores=last.scores,
                firm_id=firm_id,
                imported_at=timezone.now(),
            )
        )
    return made


def _no_sideways_scroll(page) -> None:
    """Neither the page nor the admin's main column scrolls sideways; else names what sticks out."""
    overflow = page.evaluate(
        """() => {
            const root = document.documentElement, main = document.querySelector('main');
            if (root.scrollWidth <= root.clientWidth && main.scrollWidth <= main.clientWidth) return [];
            return [...main.querySelectorAll('*')]
                .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
                .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
                .slice(0, 8);
        }"""
    )
    assert overflow == [], overflow


def _files_an_appeal(page, site_url: str, score, step: str) -> None:
    admin_login(page, site_url, FIRM_USER)
    baseline = wagtail_baseline(page, site_url)

    # Home: the estates as cards on a phone, a table on a desktop; the score to appeal, with its link.
    page.goto(site_url + "/admin/")
    card = page.locator("#firm-estates-section tbody tr").first
    phone = page.viewport_size["width"] <= MOBILE_WIDTH
    assert card.evaluate("tr => getComputedStyle(tr).display") == ("block" if phone else "table-row")
    assert page.locator(".w-summary").count() == 0  # no "125 Pages" for a firm
    appeal_link = page.locator(f"#firm-appeals-section a[href$='?score={score.pk}']")
    appeal_link.scroll_into_view_if_needed()
    _screenshot(page, f"{step}-1-home")
    _no_sideways_scroll(page)
    assert_admin_page_accessible(page, baseline)

    # The form, with the score chosen, the reason and a PDF.
    appeal_link.click()
    page.wait_for_url("**/admin/ratings/appeals/new/**")
    assert page.locator("select[name=score]").input_value() == str(score.pk)
    page.fill("textarea[name=reason]", REASON)
    page.set_input_files(
        "input[name=evidence]",
        files=[{"name": "业主抽样记录.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}],
    )
    assert_labelled_button(page, "提交申诉")
    _screenshot(page, f"{step}-2-form")
    _no_sideways_scroll(page)
    assert_admin_page_accessible(page, baseline)
    with page.expect_navigation():
        page.get_by_role("button", name="提交申诉").click()

    # The appeal as filed: the message, the reason, the evidence to download.
    assert "/admin/ratings/appeals/inspect/" in page.url
    _screenshot(page, f"{step}-3-filed")
    assert page.get_by_text(f"已提交 {score.estate.name} {NEW_MONTH} 的申诉").is_visible()
    assert page.get_by_role("link", name="业主抽样记录.pdf").count() == 1
    assert page.get_by_text("待处理").first.is_visible()
    _no_sideways_scroll(page)
    assert_admin_page_accessible(page, baseline)


def test_a_firm_files_an_appeal_with_a_pdf_on_a_phone_and_on_a_desktop(page, mobile_page, site_url):
    from ratings.models import Appeal

    phone_score, desktop_score = _new_scores_of_the_firm(FIRM_USER, 2)
    _files_an_appeal(mobile_page, site_url, phone_score, "phone")
    _files_an_appeal(page, site_url, desktop_score, "desktop")

    for score in (phone_score, desktop_score):
        appeal = Appeal.objects.get(score=score)
        assert appeal.status == Appeal.OPEN and appeal.submitted_by.username == FIRM_USER
        assert appeal.firm_id == score.firm_id and appeal.reason == REASON
        (evidence,) = appeal.evidence.all()
        assert evidence.original_name == "业主抽样记录.pdf"
        assert evidence.file.storage.exists(evidence.file.name)
        with evidence.file.open("rb") as stored:
            assert stored.read(5) == b"%PDF-"
