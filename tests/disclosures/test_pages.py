"""The system makes the disclosure pages (SPEC §5): one under each estate page, a draft in the
review workflow, never creatable by hand."""

from io import StringIO

from django.core.management import call_command

from disclosures.models import DisclosurePage
from registry.models import EstatePage


def test_every_estate_page_gets_one_disclosure_draft_in_review(world):
    assert DisclosurePage.objects.count() == EstatePage.objects.count() == 2
    page = world.page_a
    assert page.get_parent().specific.estate == world.estate_a
    assert not page.live and page.get_workflow().name == "信息公开审核"
    assert not DisclosurePage.can_create_at(page.get_parent())


def test_the_command_makes_missing_pages_and_changes_nothing_else(world):
    DisclosurePage.objects.filter(pk=world.page_b.pk).delete()
    out = StringIO()
    call_command("disclosure_pages", stdout=out)
    assert "1" in out.getvalue()
    call_command("disclosure_pages", stdout=StringIO())
    assert DisclosurePage.objects.count() == 2


def test_nobody_adds_a_disclosure_by_hand(world, client):
    client.force_login(world.editor)
    url = f"/admin/pages/add/disclosures/disclosurepage/{world.page_a.get_parent().pk}/"
    assert client.get(url).status_code in (302, 403)


def test_an_editor_cannot_delete_a_disclosure_or_the_page_above_it(world, client):
    from django.urls import reverse

    client.force_login(world.editor)
    for page in (world.page_a, world.page_a.get_parent()):
        response = client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))
        assert response.status_code == 302
    bulk = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    client.post(f"{bulk}?id={world.page_b.pk}", {"include_descendants": "on"})
    assert DisclosurePage.objects.filter(pk__in=[world.page_a.pk, world.page_b.pk]).count() == 2
