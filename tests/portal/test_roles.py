"""The roles (SPEC §1) come from a data migration: a freshly migrated database — the test database
is built by `migrate` — has the groups, their permissions and a committee that can approve."""

import pytest

from django.contrib.auth.models import Group

from wagtail.models import GroupCollectionPermission, GroupPagePermission, Workflow

from portal.roles import COMMITTEE, EDITORS, FIRMS, roles_ensure
from ratings.models import QuarterPage, RatingIndexPage, Release
from ratings.services import publication

pytestmark = pytest.mark.django_db

ROLES = [EDITORS, COMMITTEE, FIRMS]


def rights() -> dict:
    """Every right the three role groups hold, as plain values."""
    groups = Group.objects.filter(name__in=ROLES)
    return {
        "model": {
            group.name: sorted(group.permissions.values_list("content_type__app_label", "codename"))
            for group in groups
        },
        "page": sorted(
            GroupPagePermission.objects.filter(group__in=groups).values_list(
                "group__name", "page__url_path", "permission__codename"
            )
        ),
        "collection": sorted(
            GroupCollectionPermission.objects.filter(group__in=groups).values_list(
                "group__name", "collection__name", "permission__codename"
            )
        ),
    }


def test_a_migrated_database_has_the_three_role_groups():
    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)


def test_the_migrated_rights_are_exactly_what_roles_ensure_grants():
    migrated = rights()
    roles_ensure()
    assert rights() == migrated


def test_roles_ensure_is_idempotent():
    roles_ensure()
    once = rights()
    roles_ensure()
    assert rights() == once


def test_the_migrated_groups_hold_their_roles_rights():
    held = rights()
    editors = set(held["model"][EDITORS])
    assert {
        ("wagtailadmin", "access_admin"),
        ("registry", "add_estate"),
        ("ratings", "import_scores"),
    } <= editors
    assert {
        ("ratings", "submit_quarter"),
        ("ratings", "decide_appeal"),
        ("portal", "change_portalsettings"),
    } <= editors
    committee = set(held["model"][COMMITTEE])
    assert {
        ("wagtailadmin", "access_admin"),
        ("ratings", "view_release"),
        ("ratings", "view_appeal"),
    } <= committee
    assert ("ratings", "submit_quarter") not in committee
    assert held["model"][FIRMS] == [("wagtailadmin", "access_admin")]
    assert (EDITORS, "/", "publish_page") not in held["page"]
    assert (EDITORS, "/home/estates/", "publish_page") in held["page"]
    assert {
        (COMMITTEE, "/home/ratings/", "change_page"),
        (COMMITTEE, "/home/ratings/", "publish_page"),
    } <= set(held["page"])
    assert (EDITORS, "Root", "add_document") in held["collection"]


def test_the_approval_workflow_asks_the_migrated_committee_group():
    workflow = Workflow.objects.get(workflow_pages__page=RatingIndexPage.objects.get())
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == [COMMITTEE]


def test_the_committee_approves_a_quarter_without_roles_ensure(street, django_user_model, client):
    editor = django_user_model.objects.create_user("ed", password="x")
    editor.groups.add(Group.objects.get(name=EDITORS))
    member = django_user_model.objects.create_user("co", password="x")
    member.groups.add(Group.objects.get(name=COMMITTEE))

    publication.quarter_submit(quarter="2025Q1", user=editor)
    page = QuarterPage.objects.get(quarter="2025Q1")
    assert page.permissions_for_user(member).can_publish()
    assert not page.permissions_for_user(editor).can_publish()
    publication.quarter_approve(quarter="2025Q1", user=member, comment="同意")

    page.refresh_from_db()
    assert page.live
    assert Release.objects.get(quarter="2025Q1").approved_by == member
    client.force_login(member)
    assert client.get("/admin/").status_code == 200
