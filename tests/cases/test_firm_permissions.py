"""A firm reaches only its own firm's cases (SPEC §6, §12): firm A cannot open, edit, preview,
copy, publish or list firm B's case, nor write one in firm B's name; any user of firm A may work
on firm A's cases."""

import pytest

from django.urls import reverse

from cases.models import CaseIndexPage, CasePage
from tests.cases.helpers import case_form_data, make_case

pytestmark = pytest.mark.django_db

REFUSED = (302, 403, 404)


@pytest.fixture
def draft_b(world):
    return make_case(
        firm=world.firm_b,
        estate=world.estate_b,
        title="乙方的草稿案例",
        slug="draft-b",
        live=False,
        owner=world.user_b,
    )


def test_firm_a_cannot_open_edit_preview_or_see_the_history_of_firm_bs_case(world, client, draft_b):
    client.force_login(world.user_a)
    for name in ("edit", "view_draft", "history", "revisions_index", "workflow_history"):
        url = reverse(f"wagtailadmin_pages:{name}", args=[draft_b.pk])
        response = client.get(url)
        assert response.status_code in REFUSED, name
        assert "乙方的草稿案例" not in response.content.decode(), name
    preview = reverse("wagtailadmin_pages:preview_on_edit", args=[draft_b.pk])
    assert client.post(preview, case_form_data(firm=world.firm_b, slug="draft-b")).status_code in REFUSED


def test_firm_a_cannot_edit_publish_or_copy_firm_bs_case(world, client, draft_b):
    client.force_login(world.user_a)
    data = case_form_data(firm=world.firm_b, slug="draft-b", title="被改掉的标题")
    data["action-publish"] = "发布"
    assert client.post(reverse("wagtailadmin_pages:edit", args=[draft_b.pk]), data).status_code in REFUSED
    draft_b.refresh_from_db()
    assert not draft_b.live and draft_b.get_latest_revision_as_object().title == "乙方的草稿案例"

    copy = reverse("wagtailadmin_pages:copy", args=[draft_b.pk])
    assert client.get(copy).status_code in REFUSED
    client.post(
        copy, {"new_title": "抄来的", "new_slug": "copied", "new_parent_page": draft_b.get_parent().pk}
    )
    assert not CasePage.objects.filter(slug="copied").exists()
    assert client.post(reverse("wagtailadmin_pages:delete", args=[draft_b.pk])).status_code in REFUSED
    assert CasePage.objects.filter(pk=draft_b.pk).exists()


def test_firm_a_does_not_see_firm_bs_cases_in_the_admin_listing(world, client, draft_b):
    own = make_case(firm=world.firm_a, title="甲方自己的案例", slug="own-a", live=False, owner=world.user_a)
    client.force_login(world.user_a)
    response = client.get(reverse("wagtailadmin_explore", args=[CaseIndexPage.objects.get().pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert own.title in body
    assert "乙方的草稿案例" not in body
    found = client.get(reverse("wagtailadmin_pages:search"), {"q": "乙方的草稿案例"}).content.decode()
    assert reverse("wagtailadmin_pages:edit", args=[draft_b.pk]) not in found
    client.force_login(world.editor)  # the same search finds it for an editor: not vacuous
    found = client.get(reverse("wagtailadmin_pages:search"), {"q": "乙方的草稿案例"}).content.decode()
    assert reverse("wagtailadmin_pages:edit", args=[draft_b.pk]) in found


def test_firm_a_cannot_write_a_case_in_firm_bs_name(world, client):
    client.force_login(world.user_a)
    url = reverse("wagtailadmin_pages:add", args=["cases", "casepage", CaseIndexPage.objects.get().pk])
    data = case_form_data(firm=world.firm_b, estate=world.estate_b, slug="in-b-name")
    data["action-submit"] = "提交审核"
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert not CasePage.objects.filter(slug="in-b-name").exists()


def test_every_user_of_firm_a_works_on_firm_as_cases(world, client):
    page = make_case(firm=world.firm_a, estate=world.estate_a, slug="shared", live=False, owner=world.user_a)
    client.force_login(world.user_a2)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200
    assert client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk])).status_code == 200
    assert page.permissions_for_user(world.user_a2).can_submit_for_moderation()
    assert not page.permissions_for_user(world.user_a2).can_publish()
    assert not page.permissions_for_user(world.user_b).can_edit()


def test_the_estate_must_be_managed_by_the_firm_on_the_case_date(world):
    from django.core.exceptions import ValidationError

    page = CasePage(
        title="错配的小区", slug="wrong", category="service", firm=world.firm_a, estate=world.estate_b,
        case_date=world.estate_b.contracts.get().start, summary="-", problem="-",
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "estate" in error.value.message_dict


def test_autosave_never_carries_a_workflow_action(world, client):
    page = make_case(
        firm=world.firm_a, estate=world.estate_a, slug="autosave", live=False, owner=world.user_a
    )
    client.force_login(world.user_a)
    data = case_form_data(firm=world.firm_a, estate=world.estate_a, slug="autosave")
    data["action-submit"] = "1"
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), data, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    page.refresh_from_db()
    assert page.current_workflow_state is None
