"""The admin's own forms in a real browser (issue 13): every custom submit button with an icon —
提交申诉, 提交处理结果, 发起更正 — shows its label beside a small icon and fits a 390 px screen, as
well as the desktop. Before the fix Wagtail 8 drew the unsized icon at 300×150 and the label fell
outside the button's visible part."""

import pytest

from tests.e2e.admin_checks import admin_login, assert_labelled_button

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_custom_admin_buttons_show_their_labels_on_a_phone_and_a_desktop(page, mobile_page, site_url):
    from ratings.models import Appeal

    appeal = Appeal.objects.filter(status=Appeal.OPEN).first()
    for browser_page in (mobile_page, page):
        admin_login(browser_page, site_url, "editor")
        browser_page.goto(f"{site_url}/admin/ratings/appeals/decide/{appeal.pk}/")
        assert_labelled_button(browser_page, "提交处理结果")
        browser_page.goto(f"{site_url}/admin/ratings/quarters/2026Q2/correction/")
        assert_labelled_button(browser_page, "发起更正")
        browser_page.context.clear_cookies()
        admin_login(browser_page, site_url, "firm7")
        browser_page.goto(site_url + "/admin/ratings/appeals/new/")
        assert_labelled_button(browser_page, "提交申诉")
