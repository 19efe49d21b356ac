"""The demo's disclosures (SPEC §10): one per demo estate, fees spread within each group's range,
statements that balance, one overdue, one awaiting review, one sent back with a comment; loading
them again changes nothing."""

import pytest

from wagtail.models import PageLogEntry, Revision, WorkflowState

from disclosures.demo import (
    FEE_RANGES,
    IN_REVIEW,
    OVERDUE,
    SENT_BACK,
    SENT_BACK_COMMENT,
    demo_disclosures_load,
)
from disclosures.models import DisclosurePage
from disclosures.selectors import disclosure_overdue
from portal.demo import ESTATES_DEMO, demo_load

pytestmark = pytest.mark.django_db(transaction=False)


def snapshot():
    return {
        "pages": sorted(
            DisclosurePage.objects.values_list("pk", "live", "last_published_at", "latest_revision_id")
        ),
        "revisions": Revision.objects.count(),
        "log": PageLogEntry.objects.count(),
        "workflows": sorted(WorkflowState.objects.values_list("pk", "status")),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            demo_load()
            yield
            transaction.set_rollback(True)


def test_every_demo_estate_has_its_disclosure_with_a_fee_in_its_groups_range(demo):
    pages = {p.estate.code: p for p in DisclosurePage.objects.select_related("estate__group")}
    assert set(pages) == {row[0] for row in ESTATES_DEMO}
    by_group = {}
    for code, page in pages.items():
        if not page.live:
            continue
        fee = page.property_fee
        low, high = FEE_RANGES[page.estate.group.name]
        assert low <= fee.price <= high, code
        by_group.setdefault(page.estate.group.name, set()).add(fee.price)
        for statement in page.revenue_statements.all():
            statement.clean()  # balances
            assert statement.income_parking > 0 and statement.income_advertising > 0
    assert all(len(fees) > 1 for fees in by_group.values())  # a spread, not one price per group


def test_one_overdue_one_in_review_one_sent_back(demo):
    pages = {p.estate.code: p for p in DisclosurePage.objects.select_related("estate")}
    overdue = [
        code
        for code, p in pages.items()
        if p.live and disclosure_overdue(last_published_at=p.last_published_at)
    ]
    assert overdue == [OVERDUE]
    in_review = pages[IN_REVIEW]
    assert in_review.live and in_review.workflow_in_progress
    assert in_review.current_workflow_state.requested_by.groups.filter(name__startswith="物业企业·").exists()
    sent_back = WorkflowState.objects.for_instance(pages[SENT_BACK]).get(
        status=WorkflowState.STATUS_NEEDS_CHANGES
    )
    assert sent_back.current_task_state.comment == SENT_BACK_COMMENT


def test_loading_the_demo_disclosures_again_changes_nothing(demo):
    before = snapshot()
    demo_disclosures_load()
    assert snapshot() == before
