"""The published ratings in a real browser: the quarter table, the printable plate in print media,
and the committee's approval through Wagtail's own admin (SPEC §4, §7)."""

import pytest

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


def test_the_committee_approves_the_waiting_quarter_in_the_admin(page, site_url):
    assert page.goto(site_url + "/ratings/2026-q3/").status == 404
    _committee_on_the_review_page(page, site_url)
    assert page.get_by_text("待处理的申诉").count() >= 1
    # The approve action sits in the footer's action menu; click the real button in place.
    approve = page.locator("button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])")
    assert approve.count() == 1
    with page.expect_navigation():
        approve.evaluate("button => button.click()")
    assert page.goto(site_url + "/ratings/2026-q3/").status == 200
    from ratings.models import Release

    release = Release.objects.defer("document").get(quarter="2026Q3")
    assert release.approved_by.username == "committee" and release.version == 1


def _committee_on_the_review_page(page, site_url):
    page.goto(site_url + "/admin/login/")
    page.fill("input[name=username]", "committee")
    page.fill("input[name=password]", "demo")
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url("**/admin/")
    from ratings.models import QuarterPage

    quarter_page = QuarterPage.objects.get(quarter="2026Q3")
    edit_url = f"{site_url}/admin/pages/{quarter_page.pk}/edit/"
    page.goto(edit_url)
    return quarter_page, edit_url


def _one_live_release_and_no_revision_after_it(quarter_page):
    from ratings.models import QuarterPage, Release

    assert Release.objects.filter(quarter="2026Q3").count() == 1
    quarter_page = QuarterPage.objects.get(pk=quarter_page.pk)
    assert quarter_page.live and not quarter_page.has_unpublished_changes
    assert quarter_page.latest_revision_id == quarter_page.live_revision_id


@pytest.fixture
def slow_publication():
    """A publication that takes 2 s on the server, as a city-scale quarter does: long enough for
    the old page's timers (autosave every 500 ms) to fire while the approval is on its way."""
    import time

    from wagtail.signals import page_published

    def slow(sender, **kwargs):
        time.sleep(2)

    page_published.connect(slow, dispatch_uid="e2e-slow-publication")
    yield
    page_published.disconnect(dispatch_uid="e2e-slow-publication")


def test_one_click_on_approve_with_a_comment_after_a_while_publishes_once(page, site_url, slow_publication):
    """Issue 8: on the review page a while (autosave armed), the comment written, one click."""
    quarter_page, edit_url = _committee_on_the_review_page(page, site_url)
    page.wait_for_timeout(3000)
    responses, requests = [], []
    page.on("response", lambda r: responses.append((r.request.method, r.url, r.status)))
    page.on("request", lambda r: requests.append((r.method, r.url)))
    opener = page.locator("button[data-workflow-action-name=approve][data-workflow-action-modal-url]")
    assert opener.count() == 1
    opener.evaluate("button => button.click()")
    comment = page.locator(".modal textarea").first
    comment.fill("经考评委员会审议，同意发布。")
    page.wait_for_timeout(5000)
    with page.expect_navigation(timeout=20_000):
        page.locator(".modal form button[type=submit], .modal form input[type=submit]").first.click()
    page.wait_for_timeout(1000)
    server_errors = [r for r in responses if r[2] >= 500]
    assert not server_errors, server_errors
    # Counted as the browser sends them: an autosave cut short by the navigation still reached the server.
    edit_posts = [r for r in requests if r[0] == "POST" and r[1].startswith(edit_url)]
    assert len(edit_posts) == 1, edit_posts
    _one_live_release_and_no_revision_after_it(quarter_page)
    from wagtail.models import TaskState

    approval = TaskState.objects.filter(status="approved").latest("finished_at")
    assert approval.finished_by.username == "committee" and "同意发布" in approval.comment
    assert page.goto(site_url + "/ratings/2026-q3/").status == 200


def test_two_concurrent_approve_posts_publish_once(page, site_url):
    quarter_page, edit_url = _committee_on_the_review_page(page, site_url)
    statuses = page.evaluate(
        """async (url) => {
            const form = document.querySelector('input[name=title]').form;
            const make = () => {
                const data = new FormData(form);
                data.set('action-workflow-action', 'true');
                data.set('workflow-action-name', 'approve');
                data.set('workflow-action-extra-data', JSON.stringify({comment: '并发批准'}));
                return fetch(url, {method: 'POST', body: data, redirect: 'manual', credentials: 'same-origin'});
            };
            const results = await Promise.all([make(), make()]);
            return results.map(r => r.status);
        }""",
        edit_url,
    )
    assert all(status < 500 for status in statuses), statuses
    _one_live_release_and_no_revision_after_it(quarter_page)
    assert page.goto(site_url + "/ratings/2026-q3/").status == 200
