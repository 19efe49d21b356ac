"""core.routing: every public path is routed in two queries whatever its depth, to the same page
and route Wagtail's own walk reaches, and a path that matches no page is Wagtail's 404."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.routing import deepest_page
from portal.models import HomePage
from registry.models import EstatePage
from tests.ratings.helpers import publish, street_scores

pytestmark = pytest.mark.django_db


def test_the_deepest_page_and_the_rest_of_the_path():
    data = street_scores(2)
    home = HomePage.objects.get()
    estate_page = EstatePage.objects.get(estate=data["estates"][0])
    with CaptureQueriesContext(connection) as queries:
        page, rest = deepest_page(home, ["estates", estate_page.slug, "noticeboard"])
    assert len(queries) == 2  # the base row, then the specific page
    assert isinstance(page, EstatePage) and page.pk == estate_page.pk
    assert rest == ["noticeboard"]
    assert deepest_page(home, ["no-such-section"]) is None


def test_pages_and_their_routes_answer_as_before(client):
    data = street_scores(3)
    publish()
    estate_page = EstatePage.objects.get(estate=data["estates"][0])
    for path in (
        "/estates/",
        estate_page.url,
        estate_page.url + "noticeboard/",
        "/ratings/",
        "/ratings/2025-q1/",
        "/ratings/2025-q1/v1/",
        f"/ratings/2025-q1/plates/{estate_page.slug}/",
        "/ratings/rules/",
    ):
        assert client.get(path).status_code == 200, path
    for path in (
        "/estates/no-such-estate/",
        "/ratings/2025-q1/v9/",
        "/nowhere/",
        estate_page.url + "nothing/",
    ):
        assert client.get(path).status_code == 404, path


def test_a_page_that_is_not_live_is_not_served(client):
    data = street_scores(1)
    estate_page = EstatePage.objects.get(estate=data["estates"][0])
    estate_page.unpublish()
    assert client.get(estate_page.url or f"/estates/{estate_page.slug}/").status_code == 404
