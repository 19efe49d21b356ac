"""Review (SPEC §6): a firm writes and submits its case, an editor approves it (then, and only
then, it is public) or sends it back with a comment that the firm reads in its editor."""

import pytest

from django.test import Client
from django.urls import reverse

from wagtail.models import WorkflowState

from cases.models import CaseIndexPage, CasePage
from cases.services import APPROVE, REJECT, case_review, case_submit
from core.errors import ActionRefused
from tests.cases.helpers import case_form_data, make_case
from tests.helpers import needs_concurrent_writers, post_at_once

pytestmark = pytest.mark.django_db


def draft_of(world, **kwargs):
    return make_case(firm=world.firm_a, estate=world.estate_a, live=False, owner=world.user_a, **kwargs)


def test_submit_then_approve_publishes_the_case(world, client):
    page = draft_of(world, slug="handrails")
    assert client.get("/cases/handrails/").status_code == 404

    case_submit(page=page, user=world.user_a)
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert client.get("/cases/handrails/").status_code == 404  # in review: still not public

    case_review(page=page, user=world.editor, action=APPROVE)
    page.refresh_from_db()
    assert page.live
    assert client.get("/cases/handrails/").status_code == 200
    assert "楼道加装扶手" in client.get("/cases/").content.decode()


def test_a_firm_user_writes_and_submits_a_case_in_the_admin(world, client):
    client.force_login(world.user_a)
    index = CaseIndexPage.objects.get()
    url = reverse("wagtailadmin_pages:add", args=["cases", "casepage", index.pk])
    assert client.get(url).status_code == 200
    data = case_form_data(firm=world.firm_a, estate=world.estate_a, tags="电动车充电, 消防安全")
    data["action-submit"] = "提交审核"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = CasePage.objects.get(slug="chongdianzhuang")
    assert not page.live and page.firm == world.firm_a
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert sorted(page.get_latest_revision_as_object().tags.names()) == ["消防安全", "电动车充电"]


def test_rejection_needs_a_comment_and_the_firm_reads_it(world, client):
    page = draft_of(world)
    case_submit(page=page, user=world.user_a)
    with pytest.raises(ActionRefused):
        case_review(page=page, user=world.editor, action=REJECT, comment=" ")
    case_review(page=page, user=world.editor, action=REJECT, comment="请补充居民评价和现场照片")
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert not page.live

    client.force_login(world.user_a)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    assert "请补充居民评价和现场照片" in response.content.decode()

    case_submit(page=page, user=world.user_a)  # resubmitted after the changes
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_only_editors_review_and_firms_never_publish(world, client):
    page = draft_of(world)
    case_submit(page=page, user=world.user_a)
    with pytest.raises(ActionRefused):
        case_review(page=page, user=world.user_a, action=APPROVE)

    client.force_login(world.user_a)
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = case_form_data(firm=world.firm_a, estate=world.estate_a, slug=page.slug)
    data["action-publish"] = "发布"
    client.post(edit, data)
    page.refresh_from_db()
    assert not page.live


@needs_concurrent_writers
def test_two_concurrent_approvals_in_the_admin_publish_once(world):
    """批准 posted twice at the same moment from Wagtail's review menu (core.review's lock)."""
    from wagtail.models import PageLogEntry

    page = draft_of(world, slug="handrails")
    case_submit(page=page, user=world.user_a)
    page.refresh_from_db()
    task_state = page.current_workflow_state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
    statuses = post_at_once(url, world.editor, {"comment": ""})
    assert all(status < 500 for status in statuses), statuses
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish").count() == 1
    assert Client().get("/cases/handrails/").status_code == 200
