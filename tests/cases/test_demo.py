"""The demo's cases (SPEC §10): 40 published across the three categories with tags and drawn
images, 12 issues, one open call, one submission awaiting review, one sent back with a comment,
several with evidence; loading twice changes nothing."""

import io

import pytest

from django.core.management import call_command

from wagtail.images import get_image_model
from wagtail.models import PageLogEntry, Revision, TaskState, WorkflowState

from cases.models import CaseCall, CaseIssuePage, CasePage, CaseTag
from cases.selectors import case_evidence, open_calls

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            CasePage,
            CaseIssuePage,
            CaseCall,
            CaseTag,
            get_image_model(),
            PageLogEntry,
            Revision,
            TaskState,
        )
    }


def test_the_demo_cases_tell_the_whole_story_and_load_twice_unchanged():
    call_command("load_demo", stdout=io.StringIO())
    live = CasePage.objects.live()
    assert live.count() == 40
    assert set(live.values_list("category", flat=True)) == {"innovation", "service", "practical"}
    assert CaseIssuePage.objects.live().count() == 12
    assert len(open_calls()) == 1
    states = dict(
        WorkflowState.objects.filter(status__in=["in_progress", "needs_changes"]).values_list(
            "status", "object_id"
        )
    )
    waiting = CasePage.objects.get(pk=states["in_progress"])
    assert not waiting.live and waiting.call == open_calls()[0]
    rejected = CasePage.objects.get(pk=states["needs_changes"])
    assert TaskState.objects.filter(workflow_state__object_id=str(rejected.pk), status="rejected").exclude(
        comment=""
    )
    assert all(page.tags.exists() for page in live)
    with_evidence = [case_evidence(page=page) for page in live.exclude(evidence_criterion="")]
    assert sum(1 for e in with_evidence if e and any(q["score"] for q in e["quarters"])) >= 5
    assert get_image_model().objects.filter(file__endswith=".png").count() >= 10

    before = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == before
