"""An editor's 批准 on a page in Wagtail's review (a disclosure, a case), sent twice at the same
moment from a real browser (two tabs, a double click, two editors): one publication, no error
(core.review.ReviewDecisionLockMiddleware). Without the lock PostgreSQL published twice; CI runs
this file on PostgreSQL too (.ci/run), where the two requests really overlap."""

import pytest

from tests.e2e.admin_checks import admin_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _in_review(model):
    from wagtail.models import WorkflowState

    for page in model.objects.all():
        state = page.current_workflow_state
        if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
            return page, state.current_task_state
    raise AssertionError(f"the demo has no {model.__name__} in review")


@pytest.mark.parametrize("kind", ["disclosure", "case"])
def test_two_approvals_at_the_same_moment_publish_once(page, site_url, kind):
    from django.urls import reverse

    from wagtail.models import PageLogEntry

    from cases.models import CasePage
    from disclosures.models import DisclosurePage

    reviewed, task_state = _in_review({"disclosure": DisclosurePage, "case": CasePage}[kind])
    published_before = PageLogEntry.objects.filter(page=reviewed, action="wagtail.publish").count()
    url = reverse("wagtailadmin_pages:workflow_action", args=[reviewed.pk, "approve", task_state.pk])
    admin_login(page, site_url, "editor")
    page.goto(site_url + reverse("wagtailadmin_pages:edit", args=[reviewed.pk]))
    statuses = page.evaluate(
        """async (url) => {
            const token = document.querySelector('input[name=csrfmiddlewaretoken]').value;
            const post = () => {
                const data = new FormData();
                data.set('csrfmiddlewaretoken', token);
                data.set('comment', '');
                return fetch(url, {method: 'POST', body: data, redirect: 'manual', credentials: 'same-origin'});
            };
            const answers = await Promise.all([post(), post()]);
            return answers.map(answer => answer.status);
        }""",
        site_url + url,
    )
    # Both redirected (fetch's "manual" redirect reads as status 0): the first after publishing,
    # the second to Wagtail's "not awaiting moderation"; never an error.
    assert statuses == [0, 0], statuses
    published = PageLogEntry.objects.filter(page=reviewed, action="wagtail.publish").count()
    assert published == published_before + 1
    reviewed.refresh_from_db()
    assert reviewed.live and not reviewed.workflow_in_progress


APPROVE_FROM_THE_EDITOR = """async (edits) => {
    const form = document.querySelector('form[data-edit-form]');
    const post = (changes) => {
        const data = new FormData(form);
        data.set('action-workflow-action', 'true');
        data.set('workflow-action-name', 'approve');
        data.set('workflow-action-extra-data', '{}');
        for (const [name, value] of Object.entries(changes)) data.set(name, value);
        return fetch(form.action, {method: 'POST', body: data, credentials: 'same-origin'});
    };
    const first = await post({});
    const second = await post(edits);
    return [first.status, second.status, await second.text()];
}"""


def _approve_twice_from_the_editor(page, site_url, reviewed, edits: dict) -> list:
    """The page editor's form as loaded, sent with 批准, then again (with `edits`) once the first
    has answered: the double click, or a reviewer who decides after another."""
    from django.urls import reverse

    admin_login(page, site_url, "editor")
    page.goto(site_url + reverse("wagtailadmin_pages:edit", args=[reviewed.pk]))
    return page.evaluate(APPROVE_FROM_THE_EDITOR, edits)


@pytest.mark.parametrize("kind", ["disclosure", "case"])
def test_a_second_approve_from_the_page_editor_after_the_first_changes_nothing(page, site_url, kind):
    """The double click in the page editor: the second 批准 finds the review over and saves nothing
    (no draft identical to what was just published, no "unpublished changes"); the editor reads why."""
    from wagtail.models import PageLogEntry

    from cases.models import CasePage
    from core.review import FINISHED_REVIEW_MESSAGE
    from disclosures.models import DisclosurePage

    reviewed, _ = _in_review({"disclosure": DisclosurePage, "case": CasePage}[kind])
    published_before = PageLogEntry.objects.filter(page=reviewed, action="wagtail.publish").count()
    answers = _approve_twice_from_the_editor(page, site_url, reviewed, {})
    assert answers[:2] == [200, 200], answers[:2]
    assert FINISHED_REVIEW_MESSAGE in answers[2]
    assert (
        PageLogEntry.objects.filter(page=reviewed, action="wagtail.publish").count() == published_before + 1
    )
    reviewed.refresh_from_db()
    assert reviewed.live and not reviewed.workflow_in_progress
    assert not reviewed.has_unpublished_changes
    assert reviewed.latest_revision_id == reviewed.live_revision_id


def test_a_late_approve_that_carries_an_edit_keeps_it_as_a_draft(page, site_url):
    """A decision sent after the review is over, with a fee's price changed in the form: not thrown
    away (Wagtail keeps it as a draft), and nothing published a second time."""
    from wagtail.models import PageLogEntry

    from core.review import FINISHED_REVIEW_MESSAGE
    from disclosures.models import DisclosurePage

    reviewed, _ = _in_review(DisclosurePage)
    published_before = PageLogEntry.objects.filter(page=reviewed, action="wagtail.publish").count()
    answers = _approve_twice_from_the_editor(page, site_url, reviewed, {"fee_items-0-price": "9.99"})
    assert answers[:2] == [200, 200], answers[:2]
    assert FINISHED_REVIEW_MESSAGE not in answers[2]
    reviewed.refresh_from_db()
    assert reviewed.has_unpublished_changes
    draft = reviewed.get_latest_revision_as_object()
    assert "9.99" in [str(fee.price) for fee in draft.fee_items.all()]
    assert (
        PageLogEntry.objects.filter(page=reviewed, action="wagtail.publish").count() == published_before + 1
    )
