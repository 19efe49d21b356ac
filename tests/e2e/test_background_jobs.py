"""Background jobs in a real browser (issue 13): an editor rebuilds the search index from 设置 →
搜索索引 and lands on the job's page; a running job's page follows the job without a reload (its
script polls the status) and ends on the result link; axe finds nothing Wagtail's own pages lack;
the page holds at 390 px."""

import pytest

from tests.e2e.admin_axe import assert_admin_page_accessible, wagtail_baseline
from tests.e2e.admin_checks import admin_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_editor_rebuilds_the_search_index_and_lands_on_the_finished_job(page, site_url):
    admin_login(page, site_url, "editor")
    baseline = wagtail_baseline(page, site_url)
    page.goto(site_url + "/admin/search-index/")
    assert_admin_page_accessible(page, baseline)
    with page.expect_navigation():
        page.get_by_role("button", name="重建搜索索引").click()
    assert "/admin/jobs/" in page.url
    assert page.locator("[data-job-status]").inner_text() == "已完成"  # the test backend runs it at once
    assert page.locator("progress").get_attribute("value") == page.locator("progress").get_attribute("max")
    assert page.get_by_role("link", name="打开站内搜索").is_visible()
    assert_admin_page_accessible(page, baseline)
    page.goto(site_url + "/admin/jobs/")
    assert page.get_by_role("link", name="重建搜索索引").count() >= 1
    assert_admin_page_accessible(page, baseline)


def _running_job():
    from django.contrib.auth import get_user_model

    from core.models import BackgroundJob

    editor = get_user_model().objects.get(username="editor")
    return BackgroundJob.objects.create(
        kind="e2e.sample", label="计算 2026Q4 的暂定评级", started_by=editor, status="running", done=1, total=3,
        message="已按评分办法评定 23 个小区，正在生成结果文档",
    )  # fmt: skip


def test_a_running_job_page_follows_the_job_to_its_result_without_a_reload(page, site_url):
    from core.models import BackgroundJob

    admin_login(page, site_url, "editor")
    baseline = wagtail_baseline(page, site_url)
    job = _running_job()
    page.goto(f"{site_url}/admin/jobs/{job.pk}/")
    bar = page.locator("progress")
    assert (bar.get_attribute("value"), bar.get_attribute("max")) == ("1", "3")
    assert "第 1 / 3 步（33%）" in page.locator("[data-job-text]").inner_text()
    assert page.get_by_role("link", name="刷新本页").is_visible()
    assert not page.locator("[data-job-result]").is_visible()
    assert_admin_page_accessible(page, baseline)

    BackgroundJob.objects.filter(pk=job.pk).update(
        status="succeeded", done=3, message="已计算 2026Q4 的暂定结果", result_url="/admin/ratings/quarters/",
        result_label="返回季度评级与发布",
    )  # fmt: skip
    result = page.get_by_role("link", name="返回季度评级与发布")
    result.wait_for(state="visible", timeout=15_000)
    assert page.locator("[data-job-status]").inner_text() == "已完成"
    assert page.evaluate("document.querySelector('progress').value") == 3
    assert "已计算 2026Q4 的暂定结果" in page.locator("[data-job-text]").inner_text()
    assert not page.get_by_role("link", name="刷新本页").is_visible()
    assert_admin_page_accessible(page, baseline)


def test_a_failed_job_page_holds_at_390_px(mobile_page, site_url):
    from core.models import BackgroundJob

    admin_login(mobile_page, site_url, "editor")
    job = _running_job()
    BackgroundJob.objects.filter(pk=job.pk).update(
        status="failed", error="2026Q4 正在考评委员会审批中，不能重新计算。如需修改，请委员会退回修改。"
    )
    mobile_page.goto(f"{site_url}/admin/jobs/{job.pk}/")
    assert mobile_page.get_by_text("任务失败").is_visible()
    width = mobile_page.evaluate("document.documentElement.scrollWidth")
    assert width <= mobile_page.viewport_size["width"], width
