"""Who may act on a disclosure (SPEC §5, §12; registry.firm_access): a firm's user edits and submits
the disclosures of the estates its firm manages today, and nothing else; editors edit and approve;
the committee does not edit."""

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from django.urls import reverse

from wagtail.models import Page

from registry.firm_access import firm_page_ids
from registry.models import ServiceContract
from tests.disclosures.helpers import edit_form, edit_url
from tests.helpers import make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


def refused(response) -> bool:
    """Wagtail answers a refused page action with 403/404, or a redirect to the admin's home or login."""
    if response.status_code in (403, 404):
        return True
    if response.status_code != 302:
        return False
    return response.url == reverse("wagtailadmin_home") or response.url.startswith(
        reverse("wagtailadmin_login")
    )


def page_views(page, *, revision_id, task_state_id=None):
    """Every admin view of one page that may show or change it, with the method that reaches it."""
    pk = page.pk
    views = [
        ("get", reverse("wagtailadmin_pages:edit", args=[pk])),
        ("get", reverse("wagtailadmin_pages:view_draft", args=[pk])),
        ("get", reverse("wagtailadmin_pages:preview_on_edit", args=[pk])),
        ("get", reverse("wagtailadmin_pages:history", args=[pk])),
        ("get", reverse("wagtailadmin_pages:revisions_view", args=[pk, revision_id])),
        ("get", reverse("wagtailadmin_pages:revisions_compare", args=[pk, "earliest", revision_id])),
        ("get", reverse("wagtailadmin_pages:revisions_revert", args=[pk, revision_id])),
        ("get", reverse("wagtailadmin_pages:workflow_history", args=[pk])),
        ("get", reverse("wagtailadmin_pages:usage", args=[pk])),
        ("post", reverse("wagtailadmin_pages:lock", args=[pk])),
    ]
    return views + owner_refused_views(page, task_state_id=task_state_id)


def owner_refused_views(page, *, task_state_id=None):
    """What even the managing firm's user may never do to its disclosure."""
    pk = page.pk
    views = [
        ("get", reverse("wagtailadmin_pages:delete", args=[pk])),
        ("post", reverse("wagtailadmin_pages:delete", args=[pk])),
        ("get", reverse("wagtailadmin_pages:copy", args=[pk])),
        ("get", reverse("wagtailadmin_pages:move", args=[pk])),
        ("get", reverse("wagtailadmin_pages:unpublish", args=[pk])),
        ("post", reverse("wagtailadmin_pages:unpublish", args=[pk])),
        ("get", reverse("wagtailadmin_pages:set_privacy", args=[pk])),
        ("get", reverse("wagtailadmin_pages:add_subpage", args=[pk])),
    ]
    if task_state_id:
        for action in ("approve", "reject"):
            views.append(
                ("post", reverse("wagtailadmin_pages:workflow_action", args=[pk, action, task_state_id]))
            )
            views.append(
                (
                    "get",
                    reverse(
                        "wagtailadmin_pages:collect_workflow_action_data", args=[pk, action, task_state_id]
                    ),
                )
            )
    return views


def submit(client, user, page):
    client.force_login(user)
    response = client.post(edit_url(page), {**edit_form(), "action-submit": "1"})
    assert response.status_code == 302
    page.refresh_from_db()
    return page.current_workflow_state.current_task_state


def test_a_firm_edits_and_submits_its_own_estates_disclosure(world, client):
    client.force_login(world.user_a)
    assert client.get(edit_url(world.page_a)).status_code == 200
    revision = world.page_a.latest_revision_id
    for method, url in page_views(world.page_a, revision_id=revision)[:9]:
        if "revert" in url:
            continue
        assert getattr(client, method)(url).status_code == 200, url
    task_state = submit(client, world.user_a, world.page_a)
    assert task_state is not None and task_state.task.name == "编辑审核信息公开"


def test_a_firm_reaches_no_view_of_another_firms_disclosure(world, client):
    task_state = submit(client, world.user_b, world.page_b)
    client.force_login(world.user_a)
    views = page_views(world.page_b, revision_id=world.page_b.latest_revision_id, task_state_id=task_state.pk)
    for method, url in views:
        response = getattr(client, method)(url)
        assert refused(response), (url, response.status_code)
    # Saving or submitting through the edit form changes nothing either.
    before = world.page_b.latest_revision_id
    assert refused(client.post(edit_url(world.page_b), {**edit_form(), "action-submit": "1"}))
    world.page_b.refresh_from_db()
    assert world.page_b.latest_revision_id == before


def test_a_firm_never_publishes_deletes_moves_copies_or_unpublishes_its_own(world, client):
    client.force_login(world.user_a)
    response = client.post(edit_url(world.page_a), {**edit_form(), "action-publish": "1"})
    world.page_a.refresh_from_db()
    assert not world.page_a.live and world.page_a.last_published_at is None, response.status_code
    for method, url in owner_refused_views(world.page_a):
        assert refused(getattr(client, method)(url)), url
    assert Page.objects.filter(pk=world.page_a.pk).exists()


def test_a_firm_approves_nothing_in_review(world, client):
    task_state = submit(client, world.user_a, world.page_a)
    client.force_login(world.user_a)
    url = reverse("wagtailadmin_pages:workflow_action", args=[world.page_a.pk, "approve", task_state.pk])
    assert refused(client.post(url, {"comment": ""}))
    world.page_a.refresh_from_db()
    assert not world.page_a.live


def test_the_listings_show_a_firm_only_its_own_disclosures(world, client):
    client.force_login(world.user_a)
    listing = client.get(reverse("disclosures:index"))
    assert listing.status_code == 200
    shown = {p.pk for p in listing.context["object_list"]}
    assert shown == {world.page_a.pk}
    search = client.get(reverse("wagtailadmin_pages:search"), {"q": "信息公开"})
    assert world.page_b.pk not in {p.pk for p in search.context["object_list"]}
    explorer = client.get(reverse("wagtailadmin_explore", args=[world.page_a.get_parent().pk]))
    assert explorer.status_code == 200
    assert world.page_a.pk in {p.pk for p in explorer.context["object_list"]}


def test_the_page_chooser_offers_a_firm_no_other_firms_disclosure(world, client):
    client.force_login(world.user_a)
    chooser = client.get(reverse("wagtailadmin_choose_page_child", args=[world.page_b.get_parent().pk]))
    assert chooser.status_code == 200
    assert str(world.page_b.title) not in chooser.content.decode()


def test_editors_edit_and_the_committee_does_not(world, client):
    client.force_login(world.editor)
    assert client.get(edit_url(world.page_b)).status_code == 200
    client.force_login(world.committee)
    assert refused(client.get(edit_url(world.page_b)))


def test_a_firm_user_with_editor_rights_still_acts_only_for_its_firm(world, client):
    """Least privilege: the request-time firm check wins over page permissions held elsewhere."""
    from django.contrib.auth.models import Group

    world.user_a.groups.add(Group.objects.get(name="编辑"))
    client.force_login(world.user_a)
    assert refused(client.get(edit_url(world.page_b)))
    assert client.get(edit_url(world.page_a)).status_code == 200


# --- handover: the right moves on the contract date, with no job running ----------------------


def at(day: dt.date):
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=SHANGHAI)
    return mock.patch("django.utils.timezone.now", return_value=noon)


@pytest.fixture
def handover(world):
    """Estate A's contract with firm A ends on day D; firm B manages it from D + 1."""
    last_day = dt.date(2026, 6, 30)
    ServiceContract.objects.filter(estate=world.estate_a, firm=world.firm_a).update(end=last_day)
    ServiceContract.objects.create(
        estate=world.estate_a, firm=world.firm_b, start=last_day + dt.timedelta(days=1)
    )
    return last_day


def test_a_handover_moves_the_right_to_edit_on_the_contract_date(world, client, handover):
    url = edit_url(world.page_a)
    with at(handover):
        client.force_login(world.user_a)
        assert client.get(url).status_code == 200
        client.force_login(world.user_b)
        assert refused(client.get(url))
    with at(handover + dt.timedelta(days=1)):
        client.force_login(world.user_b)
        assert client.get(url).status_code == 200
        client.force_login(world.user_a)
        assert refused(client.get(url))
        assert refused(client.get(reverse("wagtailadmin_pages:history", args=[world.page_a.pk])))
        assert refused(client.get(reverse("wagtailadmin_pages:view_draft", args=[world.page_a.pk])))


def test_the_day_is_shanghais_not_utcs(world, handover):
    # 2026-06-30 17:00 UTC is already 1 July in Shanghai: firm B's day.
    late = dt.datetime(2026, 6, 30, 17, tzinfo=dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=late):
        user = type(world.user_b).objects.get(pk=world.user_b.pk)
        assert world.page_a.pk in firm_page_ids(user)


def test_a_firm_without_contracts_today_sees_no_disclosure(world, client):
    firmless = make_user("nobody")
    client.force_login(firmless)
    assert refused(client.get(edit_url(world.page_a)))


def test_the_explorer_opens_for_a_firm_only_the_pages_above_and_at_its_own(world, client):
    client.force_login(world.user_a)
    own_estate_page = world.page_a.get_parent()
    assert client.get(reverse("wagtailadmin_explore", args=[own_estate_page.pk])).status_code == 200
    assert (
        client.get(reverse("wagtailadmin_explore", args=[own_estate_page.get_parent().pk])).status_code == 200
    )
    for page in (world.page_b, world.page_b.get_parent()):
        for name in ("wagtailadmin_explore", "wagtailadmin_explore_results"):
            response = client.get(reverse(name, args=[page.pk]))
            assert refused(response), (name, page, response.status_code)
            assert world.page_b.title not in response.content.decode()


def test_the_page_types_report_is_not_for_firms(world, client):
    client.force_login(world.user_a)
    assert refused(client.get(reverse("wagtailadmin_reports:page_types_usage")))
    client.force_login(world.editor)
    assert client.get(reverse("wagtailadmin_reports:page_types_usage")).status_code == 200
