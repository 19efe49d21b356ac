"""The published ratings in a real browser: the quarter table, the printable plate in print media,
and the committee's approval on its review screen in the admin (SPEC §4, §7; issue 13)."""

from pathlib import Path

import pytest

from tests.e2e.admin_axe import assert_admin_page_accessible, wagtail_baseline
from tests.e2e.admin_checks import admin_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_quarter_table_filters_by_band_without_leaving_the_page_family(page, site_url):
    page.goto(site_url + "/ratings/2026-q2/")
    assert page.locator("h1").inner_text().startswith("2026年第2季度")
    assert page.get_by_text("更正说明").count() >= 1
    page.select_option("select[name=band]", "red")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    rows = page.locator("#table table tbody tr")
    assert rows.count() >= 1
    for i in range(rows.count()):
        assert "红牌" in rows.nth(i).inner_text()


def test_a_workbook_being_written_asks_the_reader_to_come_back_in_chinese(mobile_page, site_url, monkeypatch):
    """While another worker writes the city's workbook (16 s), a reader gets a 503 page that says so
    and links back, passing axe and fitting the phone."""
    from django.core.cache import cache

    from ratings import files
    from ratings.models import Release
    from tests.e2e.conftest import MOBILE_WIDTH
    from tests.e2e.test_cases_site import violations

    monkeypatch.setattr(files, "READER_WAIT_SECONDS", 0.2)
    release = Release.objects.filter(quarter="2026Q2").defer("document").latest("version")
    cache.delete_many([files._key(release, kind) for kind in ("xlsx", "xlsx.br", "xlsx.gz")])
    cache.add(files._key(release, "xlsx") + ":writing", "another worker", 60)
    try:
        response = mobile_page.goto(site_url + "/ratings/2026-q2/data.xlsx")
        assert response.status == 503 and response.headers["retry-after"] == "15"
        assert mobile_page.locator("h1").inner_text() == "数据文件正在生成"
        assert not violations(mobile_page)
        assert mobile_page.evaluate("document.documentElement.scrollWidth") <= MOBILE_WIDTH
        with mobile_page.expect_navigation():
            mobile_page.get_by_role("link", name="返回本季度评级").click()
        assert mobile_page.url == site_url + "/ratings/2026-q2/"
    finally:
        cache.delete(files._key(release, "xlsx") + ":writing")


def test_printed_plate_shows_only_the_plate_with_its_band_in_words(page, site_url):
    page.goto(site_url + "/ratings/2026-q2/plates/xingtandongli/")
    page.emulate_media(media="print")
    for selector in ("header", "nav.site-nav", "footer"):
        locator = page.locator(selector).first
        assert locator.count() == 0 or not locator.is_visible(), selector
    plate_text = page.locator("main").inner_text()
    assert "红牌" in plate_text and "杏坛东里" in plate_text
    assert page.locator("main svg").count() >= 1  # the QR code
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1


SCREENSHOTS = Path("/tmp/e2e-screenshots")
APPROVE = "form button[name=decision][value=approve]"
REJECT = "form button[name=decision][value=reject]"


def _committee_on_the_review_page(page, site_url):
    """Sign in as the committee and open the waiting quarter as Wagtail would link it (its page
    editor): the committee lands on its review screen."""
    admin_login(page, site_url, "committee")
    from ratings.models import QuarterPage

    quarter_page = QuarterPage.objects.get(quarter="2026Q3")
    page.goto(f"{site_url}/admin/pages/{quarter_page.pk}/edit/")
    review_url = f"{site_url}/admin/ratings/quarters/2026Q3/review/"
    assert page.url == review_url
    return quarter_page, review_url


def _shot(page, name):
    """The screen as the user sees it, and each section whole (the admin scrolls inside <main>)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    for section in ("table", "decision"):
        if page.locator(f"#{section}").count():
            page.locator(f"#{section}").screenshot(path=str(SCREENSHOTS / f"{name}-{section}.png"))


def _the_two_actions_show_their_labels(page):
    for selector, label in ((APPROVE, "批准并发布"), (REJECT, "退回修改")):
        button = page.locator(selector)
        assert button.count() == 1 and button.is_visible()
        assert button.inner_text().strip() == label
        box = button.bounding_box()
        assert box["height"] < 80 and box["width"] < 400, box  # a labelled button, not a giant icon
        assert button.locator("svg").bounding_box()["width"] <= 32
    # Nothing else to press in the page's own content: no 保存草稿, 发布 or 取消工作流.
    assert page.locator("main form button, main form input[type=submit]").count() == 2


def _nothing_overflows(page):
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths


def _approved_once(quarter_page, *, comment=None):
    from wagtail.models import PageLogEntry, TaskState

    from ratings.models import QuarterPage, Release

    assert Release.objects.filter(quarter="2026Q3").count() == 1
    release = Release.objects.defer("document").get(quarter="2026Q3")
    assert release.approved_by.username == "committee" and release.version == 1
    quarter_page = QuarterPage.objects.get(pk=quarter_page.pk)
    assert quarter_page.live and not quarter_page.has_unpublished_changes
    assert quarter_page.latest_revision_id == quarter_page.live_revision_id
    approvals = TaskState.objects.filter(status="approved", workflow_state__object_id=str(quarter_page.pk))
    assert approvals.count() == 1
    # One decision in the audit log, one publication: a second approval would log its own.
    logged = list(PageLogEntry.objects.filter(page_id=quarter_page.pk).values_list("action", flat=True))
    assert logged.count("wagtail.workflow.approve") == 1 and logged.count("wagtail.publish") == 1, logged
    if comment:
        assert comment in approvals.get().comment


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_the_committee_approves_the_waiting_quarter_on_its_review_screen(
    page, mobile_page, site_url, viewport
):
    browser_page = page if viewport == "desktop" else mobile_page
    assert browser_page.goto(site_url + "/ratings/2026-q3/").status == 404
    quarter_page, review_url = _committee_on_the_review_page(browser_page, site_url)
    main = browser_page.locator("main")
    for heading in ("待处理的申诉", "与上季度", "暂定结果", "审批决定"):
        assert main.get_by_role("heading", name=heading).count() >= 1, heading
    assert browser_page.locator("[data-review-table] tbody tr").count() >= 1
    _the_two_actions_show_their_labels(browser_page)
    _nothing_overflows(browser_page)
    _shot(browser_page, f"committee-review-{viewport}")
    assert_admin_page_accessible(browser_page, wagtail_baseline(browser_page, site_url))

    # The band filter keeps the committee on the screen, with the count of that band.
    browser_page.locator("nav[aria-label=按挂牌筛选] a", has_text="红牌").first.click()
    browser_page.wait_for_load_state()
    rows = browser_page.locator("[data-review-table] tbody tr")
    assert rows.count() >= 1 and all("红牌" in rows.nth(i).inner_text() for i in range(rows.count()))

    # 退回修改 without a comment: the form comes back with the reason, nothing changes.
    browser_page.locator(REJECT).click()
    browser_page.wait_for_load_state()
    assert "退回修改时请填写审批意见" in browser_page.locator("main").inner_text()
    assert browser_page.locator("textarea[name=comment]").is_visible()
    # The form comes back in view, with its error (the page opens at #decision).
    browser_page.wait_for_function(
        "() => { const r = document.querySelector('textarea[name=comment]').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }",
        timeout=5000,
    )
    _nothing_overflows(browser_page)
    _shot(browser_page, f"committee-reject-refused-{viewport}")

    browser_page.fill("textarea[name=comment]", "经考评委员会审议，同意发布。")
    with browser_page.expect_navigation():
        browser_page.locator(APPROVE).click()
    assert "已批准并发布" in browser_page.locator(".messages").inner_text()
    assert browser_page.locator(APPROVE).count() == 0  # decided: nothing left to press
    _shot(browser_page, f"committee-approved-{viewport}")
    _approved_once(quarter_page, comment="同意发布")
    assert browser_page.goto(site_url + "/ratings/2026-q3/").status == 200


@pytest.fixture
def slow_publication():
    """A publication that takes 2 s on the server, as a city-scale quarter does: long enough for
    an impatient second click while the approval is on its way."""
    import time

    from wagtail.signals import page_published

    def slow(sender, **kwargs):
        time.sleep(2)

    page_published.connect(slow, dispatch_uid="e2e-slow-publication")
    yield
    page_published.disconnect(dispatch_uid="e2e-slow-publication")


def _two_clicks_on_approve(page, review_url, *, gap_ms, comment=""):
    """Approve, then approve again `gap_ms` later while the first is still publishing. Returns the
    POSTs the browser sent; fails on any server error."""
    requests, responses = [], []
    page.on("request", lambda r: requests.append((r.method, r.url)))
    page.on("response", lambda r: responses.append((r.request.method, r.url, r.status)))
    if comment:
        page.fill("textarea[name=comment]", comment)
    # Both clicks from inside the page, as a person clicks: the second does not wait for the
    # navigation the first started (Playwright's own click would).
    page.evaluate(
        "([selector, gap]) => { const b = document.querySelector(selector); b.click(); setTimeout(() => b.click(), gap); }",
        [APPROVE, gap_ms],
    )
    page.wait_for_timeout(gap_ms + 6000)
    page.wait_for_load_state()
    assert not [r for r in responses if r[2] >= 500], responses
    posts = [url for method, url in requests if method == "POST"]
    assert len(posts) == 2 and set(posts) == {review_url}, posts  # the server did get both
    return posts


def test_a_double_click_on_approve_publishes_once(page, site_url, slow_publication):
    quarter_page, review_url = _committee_on_the_review_page(page, site_url)
    _two_clicks_on_approve(page, review_url, gap_ms=150)
    _approved_once(quarter_page)
    assert (
        "无需再次操作" in page.locator(".messages").inner_text()
        or "已批准并发布" in page.locator(".messages").inner_text()
    )


def test_a_second_click_during_a_slow_publication_publishes_once(page, site_url, slow_publication):
    """Issue 8, on the review screen: after a while on the page, the comment written, a click, and
    another while the first is still publishing."""
    quarter_page, review_url = _committee_on_the_review_page(page, site_url)
    page.wait_for_timeout(3000)
    _two_clicks_on_approve(page, review_url, gap_ms=1000, comment="经考评委员会审议，同意发布。")
    _approved_once(quarter_page, comment="同意发布")
    assert page.goto(site_url + "/ratings/2026-q3/").status == 200


def test_two_concurrent_approve_posts_publish_once(page, site_url):
    quarter_page, review_url = _committee_on_the_review_page(page, site_url)
    statuses = page.evaluate(
        """async (url) => {
            const form = document.querySelector('button[name=decision][value=approve]').form;
            const make = () => {
                const data = new FormData(form);
                data.set('decision', 'approve');
                data.set('comment', '并发批准');
                return fetch(url, {method: 'POST', body: data, redirect: 'manual', credentials: 'same-origin'});
            };
            const results = await Promise.all([make(), make()]);
            return results.map(r => r.status);
        }""",
        review_url,
    )
    assert all(status < 500 for status in statuses), statuses
    _approved_once(quarter_page, comment="并发批准")
    assert page.goto(site_url + "/ratings/2026-q3/").status == 200
