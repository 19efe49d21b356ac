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


def test_the_site_root_paths_are_wagtails_own_and_follow_a_change(client):
    from django.core.cache import cache

    from core import serving

    street_scores(1)
    home = Site.objects.get().root_page
    second = Site.objects.create(hostname="second.example", port=80, root_page=home, is_default_site=False)
    cache.clear()
    assert serving.state()["root_paths"] == Site.get_site_root_paths()
    # A page's URLs on the page served come from the state: not one cache read or query per URL.
    response = client.get("/estates/")
    assert response.status_code == 200
    assert response.wsgi_request._wagtail_cached_site_root_paths == Site.get_site_root_paths()
    assert response.context["page"]._wagtail_cached_site_root_paths == Site.get_site_root_paths()
    second.hostname = "renamed.example"
    second.save()
    assert any(path.root_url == "http://renamed.example" for path in serving.state()["root_paths"])
    assert serving.state()["root_paths"] == Site.get_site_root_paths()
