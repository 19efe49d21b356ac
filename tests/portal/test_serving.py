"""core.serving: the cached serving state follows every change that alters it."""

import pytest

from wagtail.models import PageViewRestriction, Site

from registry.models import EstatePage
from tests.ratings.helpers import street_scores

pytestmark = pytest.mark.django_db


def test_a_view_restriction_added_or_removed_applies_at_once(client):
    data = street_scores(1)
    page = EstatePage.objects.get(estate=data["estates"][0])
    assert client.get(page.url).status_code == 200
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(page.url).status_code == 302  # to the login
    restriction.delete()
    assert client.get(page.url).status_code == 200


def test_a_site_change_applies_at_once(client):
    street_scores(1)
    assert client.get("/estates/").status_code == 200
    Site.objects.update(is_default_site=False, hostname="elsewhere")  # no signal: the old state
    site = Site.objects.get()
    site.save()  # a save replaces the generation
    assert client.get("/estates/").status_code == 404
