"""Review (SPEC §5): the firm submits, an editor approves (the page goes public, as a numbered
version that stays readable) or rejects with a comment the firm sees. A draft is never public."""

import pytest

from django.test import Client
from django.urls import reverse

from disclosures.models import DisclosurePage
from tests.disclosures.helpers import edit_form, edit_url, statement
from tests.helpers import needs_concurrent_writers, post_at_once


def submit(client, world, **form):
    client.force_login(world.user_a)
    response = client.post(edit_url(world.page_a), {**edit_form(**form), "action-submit": "1"})
    assert response.status_code == 302
    world.page_a.refresh_from_db()
    return world.page_a.current_workflow_state.current_task_state


def decide(client, world, task_state, action, comment=""):
    client.force_login(world.editor)
    url = reverse("wagtailadmin_pages:workflow_action", args=[world.page_a.pk, action, task_state.pk])
    response = client.post(url, {"comment": comment})
    assert response.status_code in (200, 302), response.status_code
    world.page_a.refresh_from_db()
    return response


def public_url(page) -> str:
    return page.get_parent().url + "disclosure/"


def test_a_draft_is_not_public(world, client):
    assert client.get(public_url(world.page_a)).status_code == 404
    submit(client, world)
    client.logout()
    assert client.get(public_url(world.page_a)).status_code == 404


def test_submit_then_approve_makes_the_disclosure_public(world, client):
    task_state = submit(client, world)
    decide(client, world, task_state, "approve")
    assert world.page_a.live and not world.page_a.workflow_in_progress
    client.logout()
    response = client.get(public_url(world.page_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert "物业服务费" in body and "2.50 元/㎡·月" in body
    assert 'href="tel:+861062012345"' in body and "已超期" not in body
    assert "第 1 版" in body


def test_every_approval_is_a_version_that_stays_readable(world, client):
    decide(client, world, submit(client, world), "approve")
    later = statement(advertising="20000.00", balance="42000.00")
    decide(client, world, submit(client, world, statements=[later]), "approve")
    client.logout()
    assert "20000.00" in client.get(public_url(world.page_a)).content.decode()
    first = client.get(public_url(world.page_a) + "v1/")
    assert first.status_code == 200
    assert "12000.00" in first.content.decode() and "20000.00" not in first.content.decode()
    assert client.get(public_url(world.page_a) + "v2/").status_code == 200
    assert client.get(public_url(world.page_a) + "v3/").status_code == 404


def test_a_rejection_reaches_the_firm_with_its_comment(world, client):
    task_state = submit(client, world)
    decide(client, world, task_state, "reject", comment="停车收入与合同不符，请核对后重新提交")
    assert not world.page_a.live
    client.force_login(world.user_a)
    history = client.get(reverse("wagtailadmin_pages:workflow_history", args=[world.page_a.pk]))
    assert history.status_code == 200
    detail = client.get(
        reverse(
            "wagtailadmin_pages:workflow_history_detail",
            args=[world.page_a.pk, world.page_a.workflow_states.get().pk],
        )
    )
    assert "停车收入与合同不符，请核对后重新提交" in detail.content.decode()
    edit = client.get(edit_url(world.page_a)).content.decode()
    assert "停车收入与合同不符" in edit
    # The other firm sees none of it.
    client.force_login(world.user_b)
    assert (
        client.get(reverse("wagtailadmin_pages:workflow_history", args=[world.page_a.pk])).status_code != 200
    )


def test_an_overdue_disclosure_says_so(world, client, settings):
    import datetime as dt

    decide(client, world, submit(client, world), "approve")
    old = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    DisclosurePage.objects.filter(pk=world.page_a.pk).update(last_published_at=old)
    client.logout()
    assert "已超期" in client.get(public_url(world.page_a)).content.decode()


def test_autosave_never_carries_a_review_decision(world, client):
    """Wagtail's autosave re-posts the edit form with its hidden workflow-action fields: refused."""
    task_state = submit(client, world)
    client.force_login(world.editor)
    form = {**edit_form(), "action-workflow-action": "true", "workflow-action-name": "approve"}
    response = client.post(edit_url(world.page_a), form, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and response.json()["error_code"] == "blocked_by_hook"
    world.page_a.refresh_from_db()
    task_state.refresh_from_db()
    assert not world.page_a.live and task_state.status == task_state.STATUS_IN_PROGRESS
    assert "data-no-autosave" in client.get(edit_url(world.page_a)).content.decode()


def test_an_approval_sent_twice_publishes_once(world, client):
    """A double click (or a re-sent form) on 批准: the second POST finds the task finished."""
    from wagtail.models import PageLogEntry

    task_state = submit(client, world)
    client.force_login(world.editor)
    url = reverse("wagtailadmin_pages:workflow_action", args=[world.page_a.pk, "approve", task_state.pk])
    assert client.post(url, {"comment": ""}).status_code == 302
    assert client.post(url, {"comment": ""}).status_code == 302
    assert PageLogEntry.objects.filter(page=world.page_a, action="wagtail.publish").count() == 1
    client.logout()
    assert client.get(public_url(world.page_a) + "v1/").status_code == 200
    assert client.get(public_url(world.page_a) + "v2/").status_code == 404


@needs_concurrent_writers
@pytest.mark.parametrize("where", ["review menu", "page editor"])
def test_two_concurrent_approvals_publish_once(world, where):
    """Two editors' (or one double click's) POSTs on 批准 at the same moment: one publication. From
    Wagtail's review menu (its workflow action view), or from the page editor saving with the
    decision."""
    from wagtail.models import PageLogEntry

    task_state = submit(Client(), world)
    if where == "review menu":
        url = reverse("wagtailadmin_pages:workflow_action", args=[world.page_a.pk, "approve", task_state.pk])
        data = {"comment": ""}
    else:
        url = edit_url(world.page_a)
        data = {**edit_form(), "action-workflow-action": "true", "workflow-action-name": "approve"}
    statuses = post_at_once(url, world.editor, data)
    assert all(status < 500 for status in statuses), statuses
    assert PageLogEntry.objects.filter(page=world.page_a, action="wagtail.publish").count() == 1
    reader = Client()
    assert reader.get(public_url(world.page_a) + "v1/").status_code == 200
    assert reader.get(public_url(world.page_a) + "v2/").status_code == 404
