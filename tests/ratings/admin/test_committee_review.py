"""The committee's review screen (SPEC §4, issue 13): one page with the provisional table, the open
appeals and the changes against the previous quarter, and exactly two actions — 批准并发布 and
退回修改 — which go through `quarter_review`; every other action is neither shown nor accepted."""

import datetime as dt
from html.parser import HTMLParser

import pytest

from django.urls import reverse

from wagtail.models import TaskState, WorkflowState

from portal.roles import firm_account_group_ensure
from ratings import selectors
from ratings.models import Appeal, MonthlyScore, QuarterPage, Release
from ratings.services import appeals, publication
from tests.factories import EstateFactory, ServiceContractFactory
from tests.ratings.helpers import Q, month_data, publish, street_scores

pytestmark = pytest.mark.django_db

PAGE_SIZE = 50


def review_url(quarter=Q):
    return reverse("ratings_quarters:review", args=[quarter])


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def submitted(people) -> QuarterPage:
    publication.quarter_submit(quarter=Q, user=people["editor"])
    return QuarterPage.objects.get(quarter=Q)


@pytest.fixture
def in_review(street, people, client):
    """The quarter submitted, the committee signed in: the page and its number of revisions."""
    page = submitted(people)
    client.force_login(people["committee"])
    return page, page.revisions.count()


def task_state(page) -> TaskState:
    return QuarterPage.objects.get(pk=page.pk).current_workflow_state.current_task_state


def decide(client, decision, comment="", *, page):
    data = {"decision": decision, "comment": comment, "task_state": task_state(page).pk}
    return client.post(review_url(), data)


def still_in_review(page, revisions: int) -> bool:
    page = QuarterPage.objects.get(pk=page.pk)
    return (
        selectors.quarter_in_review(Q)
        and not page.live
        and not Release.objects.exists()
        and page.revisions.count() == revisions
    )


class Controls(HTMLParser):
    """Every form, submit button and workflow/action-menu item of an admin page, with its text."""

    def __init__(self):
        super().__init__()
        self.forms, self.buttons, self.action_items, self._open = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(attrs)
        submit = (tag == "button" and attrs.get("type", "submit") == "submit") or (
            tag == "input" and attrs.get("type") == "submit"
        )
        if submit:
            self.buttons.append({**attrs, "text": attrs.get("value", "") if tag == "input" else ""})
            if tag == "button":
                self._open.append(self.buttons[-1])
        if "data-workflow-action-name" in attrs or "action-menu" in (attrs.get("class") or ""):
            self.action_items.append(attrs)

    def handle_data(self, data):
        for button in self._open:
            button["text"] += data.strip()

    def handle_endtag(self, tag):
        if tag == "button" and self._open:
            self._open.pop()


def controls(response) -> Controls:
    parser = Controls()
    parser.feed(response.content.decode())
    return parser


def main_forms(parsed: Controls) -> list[dict]:
    """The page's own forms (Wagtail's chrome has the search box, a GET form)."""
    return [f for f in parsed.forms if (f.get("method") or "get").lower() == "post"]


# --- one screen, two actions ---------------------------------------------------------------------


def test_the_committee_is_sent_from_the_page_editor_to_the_review_screen(street, people, client):
    page = submitted(people)
    client.force_login(people["committee"])
    response = client.get(edit_url(page))
    assert response.status_code == 302 and response["Location"] == review_url()
    screen = client.get(review_url())
    html = screen.content.decode()
    assert screen.status_code == 200
    assert "待处理的申诉" in html and "暂定结果" in html and "与上季度" in html
    for code in ("E1", "E2", "E3", "E4"):
        assert code in html  # every estate of the frozen computation


def test_the_review_screen_offers_the_committee_exactly_approve_and_request_changes(street, people, client):
    submitted(people)
    client.force_login(people["committee"])
    parsed = controls(client.get(review_url()))
    forms = main_forms(parsed)
    assert [f.get("action") for f in forms] == [review_url() + "#decision"]
    assert [(b.get("name"), b.get("value"), b["text"]) for b in parsed.buttons] == [
        ("decision", "approve", "批准并发布"),
        ("decision", "reject", "退回修改"),
    ]
    assert parsed.action_items == []  # no Wagtail action menu, no workflow-action buttons
    html = client.get(review_url()).content.decode()
    for other in (
        "保存草稿",
        "取消工作流",
        "action-publish",
        "action-cancel-workflow",
        "workflow-action-name",
    ):
        assert other not in html


@pytest.mark.parametrize(
    "extra",
    [
        {},  # 保存草稿
        {"action-publish": "true"},
        {"action-cancel-workflow": "true"},
        {"action-submit": "true"},
        {"action-restart-workflow": "true"},
        {"action-workflow-action": "true", "workflow-action-name": "approve"},
        {"action-workflow-action": "true", "workflow-action-name": "reject"},
    ],
    ids=[
        "save-draft",
        "publish",
        "cancel-workflow",
        "submit",
        "restart",
        "approve-in-editor",
        "reject-in-editor",
    ],
)
def test_the_committee_cannot_act_through_the_page_editor_by_hand(in_review, client, extra):
    page, revisions = in_review
    data = {"title": "改过的标题", "slug": page.slug, "intro": "改过", **extra}
    data["workflow-action-extra-data"] = '{"comment": "手工提交"}'
    response = client.post(edit_url(page), data)
    assert response.status_code == 302 and response["Location"] == review_url()
    assert still_in_review(page, revisions)
    assert QuarterPage.objects.get(pk=page.pk).title != "改过的标题"
    messages = [str(m) for m in client.get(review_url()).context["messages"]]
    assert any("审批页面" in m for m in messages)


@pytest.mark.parametrize("decision", ["publish", "cancel", "save", ""])
def test_the_review_screen_accepts_no_other_decision(in_review, client, decision):
    page, revisions = in_review
    response = decide(client, decision, "手工提交的其他操作", page=page)
    assert response.status_code == 200
    assert "批准并发布" in response.content.decode() and "退回修改" in response.content.decode()
    assert "error" in response.content.decode()
    assert still_in_review(page, revisions)


def test_wagtails_own_workflow_action_view_cannot_decide_a_quarter(in_review, client):
    page, revisions = in_review
    for action in ("approve", "reject"):
        url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state(page).pk])
        response = client.post(url, {"comment": "绕过审批页面"})
        assert response.status_code == 403 or response["Location"] == reverse("wagtailadmin_home")
        assert still_in_review(page, revisions)


def test_request_changes_without_a_comment_re_renders_the_form_with_an_error(in_review, client):
    page, revisions = in_review
    for comment in ("", "   \n "):
        response = decide(client, "reject", comment, page=page)
        html = response.content.decode()
        assert response.status_code == 200 and "退回修改时请填写审批意见" in html
        assert 'name="comment"' in html
        assert still_in_review(page, revisions)
        assert task_state(page).status == TaskState.STATUS_IN_PROGRESS


def test_request_changes_with_a_comment_unlocks_the_quarter(street, people, client):
    page = submitted(people)
    client.force_login(people["committee"])
    response = decide(client, "reject", "E2 一月的业主评价需复核", page=page)
    assert response.status_code == 302 and response["Location"] == review_url()
    rejected = TaskState.objects.get(status=TaskState.STATUS_REJECTED)
    assert rejected.finished_by == people["committee"] and rejected.comment == "E2 一月的业主评价需复核"
    assert not selectors.quarter_in_review(Q) and not Release.objects.exists()
    assert (
        QuarterPage.objects.get(pk=page.pk).current_workflow_state.status
        == WorkflowState.STATUS_NEEDS_CHANGES
    )
    screen = client.get(review_url())
    assert not main_forms(controls(screen))  # nothing left to decide


def test_approve_publishes_once_with_the_optional_comment_and_a_second_post_changes_nothing(
    street, people, client
):
    page = submitted(people)
    client.force_login(people["committee"])
    data = {"decision": "approve", "comment": "", "task_state": task_state(page).pk}
    first = client.post(review_url(), data)
    second = client.post(review_url(), data)
    assert first.status_code == 302 and second.status_code == 302
    page.refresh_from_db()
    assert page.live and Release.objects.filter(quarter=Q).count() == 1
    assert Release.objects.get().approved_by == people["committee"]
    assert page.latest_revision_id == page.live_revision_id
    messages = [str(m) for m in client.get(review_url()).context["messages"]]
    assert any("已经完成" in m for m in messages)


def test_a_form_left_open_from_an_earlier_submission_does_not_approve_the_next(street, people, client):
    page = submitted(people)
    stale = task_state(page).pk
    client.force_login(people["committee"])
    decide(client, "reject", "请复核", page=page)
    publication.quarter_submit(quarter=Q, user=people["editor"])
    client.post(review_url(), {"decision": "approve", "comment": "", "task_state": stale})
    assert selectors.quarter_in_review(Q) and not Release.objects.exists()


def test_editors_keep_the_page_editor_and_read_the_review_screen_without_deciding(street, people, client):
    page = submitted(people)
    client.force_login(people["editor"])
    assert client.get(edit_url(page)).status_code == 200
    screen = client.get(review_url())
    assert screen.status_code == 200 and not main_forms(controls(screen))
    response = client.post(review_url(), {"decision": "approve", "task_state": task_state(page).pk})
    assert response.status_code in (302, 403) and not Release.objects.exists()
    assert response.status_code == 403 or response["Location"] == reverse("wagtailadmin_home")
    index = client.get(reverse("ratings_quarters:index")).content.decode()
    assert review_url() in index


# --- what the screen shows ------------------------------------------------------------------------


def test_the_screen_lists_the_open_appeals_of_the_quarters_months(street, people, client):
    MonthlyScore.objects.filter(estate__code="E2").update(firm=street["firm_a"])
    firm_user = people["editor"].__class__.objects.create_user("firm-a")
    firm_user.groups.add(firm_account_group_ensure(firm=street["firm_a"]))
    score = MonthlyScore.objects.get(estate__code="E2", month="2025-01")
    appeals.appeal_submit(user=firm_user, score=score, reason="抽样户数太少，请复核业主评价")
    assert Appeal.objects.filter(status=Appeal.OPEN).count() == 1
    submitted(people)
    client.force_login(people["committee"])
    html = client.get(review_url()).content.decode()
    assert "待处理的申诉（1）" in html and "抽样户数太少" in html and "2025-01" in html


def test_the_screen_shows_band_changes_against_the_previous_quarters_release(street, people, client):
    """2024Q4: E1 blue, E2 green, E5 (gone by 2025) yellow. 2025Q1: E1 green (up), E2 blue (down),
    E3 pending and E4 red (new: not rated in 2024Q4), E5 leaving."""
    estates = street["estates"]
    e5 = EstateFactory(code="E5", group=estates["E1"].group, households=1000)
    ServiceContractFactory(
        estate=e5, firm=street["firm_a"], start=dt.date(2020, 1, 1), end=dt.date(2024, 12, 31)
    )
    for month in ("2024-10", "2024-11", "2024-12"):
        month_data(estates["E1"], month, minus="15.0")
        month_data(estates["E2"], month)
        month_data(e5, month, figures=(10, 0, 0, 10, 0))  # no 12345 points: 70, yellow
    previous = publish(quarter="2024Q4")
    assert {r["estate_code"] for r in previous.document["estates"]} >= {"E1", "E2", "E5"}
    submitted(people)
    client.force_login(people["committee"])
    screen = client.get(review_url())
    kinds = {k["kind"]: k for k in screen.context["previous"]["kinds"]}
    assert [i["code"] for i in kinds["up"]["items"]] == ["E1"]
    assert [i["code"] for i in kinds["down"]["items"]] == ["E2"]
    assert {i["code"] for i in kinds["new"]["items"]} == {"E3", "E4"} - {
        r["estate_code"] for r in previous.document["estates"]
    }
    assert [i["code"] for i in kinds["leaving"]["items"]] == ["E5"]
    html = screen.content.decode()
    assert "升牌（1）" in html and "降牌（1）" in html and "退出（1）" in html
    e1 = kinds["up"]["items"][0]
    assert e1["old_band"].startswith("蓝牌") and e1["new_band"].startswith("绿牌")


# --- city scale: paged, filtered by band, a fixed number of queries --------------------------------


def review_queries(count, people, client, django_assert_max_num_queries, params=""):
    data = street_scores(count)
    publication.quarter_submit(quarter=Q, user=people["editor"])
    client.force_login(people["committee"])
    client.get(review_url())  # warm Wagtail's per-process caches (site root, menus)
    with django_assert_max_num_queries(REVIEW_QUERIES) as captured:
        response = client.get(review_url() + params)
    assert response.status_code == 200
    return response, len(captured.captured_queries), data


# 24 today at 5 estates and at 60 (more than a page): a query per row would pass this at once.
REVIEW_QUERIES = 26


@pytest.mark.parametrize("count", [5, 60])
def test_the_review_screen_pages_the_table_in_a_fixed_number_of_queries(
    people, client, django_assert_max_num_queries, count
):
    response, queries, _data = review_queries(count, people, client, django_assert_max_num_queries)
    table = response.context["table"]
    assert table["total"] == count and len(table["rows"]) == min(count, PAGE_SIZE)
    html = response.content.decode()
    assert html.count("<tr>") <= PAGE_SIZE + 20  # never the whole city at once
    assert f"全部 {count}" in html
    for band in response.context["band_summary"]:
        assert f"{band['label']} {band['count']}" in html
    assert sum(b["count"] for b in response.context["band_summary"]) == count


def test_the_band_filter_shows_only_that_band_and_later_pages_follow_it(
    people, client, django_assert_max_num_queries
):
    response, _queries, _data = review_queries(
        60, people, client, django_assert_max_num_queries, params="?band=red"
    )
    table = response.context["table"]
    red = next(b["count"] for b in response.context["band_summary"] if b["code"] == "red")
    assert table["total"] == red and all(row["band"] == "red" for row in table["rows"])
    second = client.get(review_url() + "?page=2")
    assert second.context["table"]["page_obj"].number == 2 and len(second.context["table"]["rows"]) == 10


def test_the_committees_home_links_each_waiting_quarter_to_its_review_screen(street, people, client):
    page = submitted(people)
    client.force_login(people["committee"])
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "待考评委员会审批的季度" in home and review_url() in home
    workflow_action = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state(page).pk]
    )
    assert workflow_action not in home  # Wagtail's approve buttons are not offered
    client.force_login(people["editor"])
    assert "待考评委员会审批的季度" not in client.get(reverse("wagtailadmin_home")).content.decode()
