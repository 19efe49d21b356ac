"""The editor's workplace in the admin (issue 13), at 390 px and at desktop width: the home shows what
is due, the import form starts from it, the preview names each estate with the values to be written
(old → new), and confirming writes them. axe on each admin page, against Wagtail's own pages."""

import csv
import datetime as dt
import io
import os
from pathlib import Path

import pytest

from django.utils import timezone

from tests.e2e.admin_axe import assert_admin_page_accessible, wagtail_baseline
from tests.e2e.admin_checks import admin_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/e2e-admin-editor"))
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _assert_button_reads(page, label):
    """The button shows its label in full, inside the viewport (not a bare icon, not cut off)."""
    button = page.locator("button", has_text=label).first
    assert button.is_visible()
    box = button.bounding_box()
    width = page.viewport_size["width"]
    assert box["width"] > 80 and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    assert button.inner_text().strip().endswith(label)


def _scores_file(month, rows) -> bytes:
    from ratings.services.scores import scores_template_columns

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(scores_template_columns(month))
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_an_editor_imports_scores_after_reading_the_values_in_the_preview(page, mobile_page, site_url):
    """At desktop width, then on a 390 px phone (other estates), in one demo database."""
    from registry.models import Estate

    estates = list(Estate.objects.filter(active=True).order_by("code")[:4])
    _import_as_the_editor(page, site_url, "desktop", estates[:2])
    _import_as_the_editor(mobile_page, site_url, "phone", estates[2:])


def _import_as_the_editor(page, site_url, device, estates):
    from ratings.models import MonthlyScore

    month = f"{timezone.localdate().replace(day=1) - dt.timedelta(days=1):%Y-%m}"  # last month
    changed, added = estates
    # A score already stored for last month, which the file changes (业主评价 15.0 → 18.5).
    MonthlyScore.objects.create(
        estate=changed, month=month, imported_at=timezone.now(), firm=None,
        scores={"owner": "15.0", "environment": "14.0", "civility": "9.0", "sanitation": "9.0",
                "safety": "9.0", "standards": "4.5"},
    )  # fmt: skip

    admin_login(page, site_url, "editor")
    baseline = wagtail_baseline(page, site_url)
    home = page.locator("main")
    assert home.get_by_text("本月待办：数据导入").is_visible()
    assert home.get_by_text(f"{month} 考核得分").first.is_visible()
    for heading in ("季度评级", "待处理的申诉", "待审核的信息公开", "待审核的三微案例", "近 30 天的导入"):
        assert home.get_by_text(heading, exact=True).first.is_visible(), heading
    assert page.evaluate(NO_OVERFLOW)
    _shot(page, f"{device}-1-home")
    assert_admin_page_accessible(page, baseline)

    page.get_by_role("link", name=f"{month} 考核得分").click()
    page.wait_for_url("**/admin/ratings/imports/**")
    assert page.locator("input[name=month]").input_value() == month
    assert page.locator("input[name=kind][value=scores]").is_checked()
    _assert_button_reads(page, "上传并预览")
    if device == "desktop":  # the template of this month's scores, as Excel would open it
        with page.expect_download() as download:
            page.locator(".import-templates li", has_text="月度考核得分").get_by_role(
                "link", name="CSV"
            ).click()
        header = Path(download.value.path()).read_bytes()
        assert header.startswith(
            b"\xef\xbb\xbfestate_code,owner,"
        ) and download.value.suggested_filename.endswith(".csv")
    assert page.evaluate(NO_OVERFLOW)
    _shot(page, f"{device}-2-form")
    assert_admin_page_accessible(page, baseline)

    row = ["18.5", "14.0", "9.0", "9.0", "9.0", "4.5", "", ""]
    data = _scores_file(month, [[changed.code, *row], [added.code, "17.0", *row[1:]]])
    page.set_input_files("input[name=file]", {"name": "scores.csv", "mimeType": "text/csv", "buffer": data})
    page.locator("button", has_text="上传并预览").click()
    page.wait_for_url("**/admin/ratings/imports/*/")
    table = page.locator("table.import-preview")
    changed_row = table.locator("tr", has_text=changed.name)
    assert changed.code in changed_row.inner_text()
    assert "15.0" in changed_row.locator("del").first.inner_text()
    assert "18.5" in changed_row.inner_text() and "更新" in changed_row.inner_text()
    added_row = table.locator("tr", has_text=added.name)
    assert "新增" in added_row.inner_text() and "17.0" in added_row.inner_text()
    assert page.get_by_text("新增 1 行").is_visible() and page.get_by_text("更新 1 行").is_visible()
    assert MonthlyScore.objects.get(estate=changed, month=month).scores["owner"] == "15.0"
    _assert_button_reads(page, "确认导入")
    assert page.evaluate(NO_OVERFLOW)
    _shot(page, f"{device}-3-preview")
    assert_admin_page_accessible(page, baseline)

    page.locator("button", has_text="确认导入").click()
    page.wait_for_url("**/admin/ratings/imports/")
    assert page.get_by_text("已导入").first.is_visible()
    _shot(page, f"{device}-4-done")
    assert MonthlyScore.objects.get(estate=changed, month=month).scores["owner"] == "18.5"
    assert MonthlyScore.objects.get(estate=added, month=month).scores["owner"] == "17.0"
