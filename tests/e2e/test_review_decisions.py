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
