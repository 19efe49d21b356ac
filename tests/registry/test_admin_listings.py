"""The registry's admin listings at a city's size: a page of rows costs the same queries whatever
the rows name (no query per row), and no filter offers a select of thousands."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import choices
from portal.roles import roles_ensure
from registry import admin as registry_admin
from registry.models import Community, Street
from tests.factories import FirmFactory, estates_with_pages
from tests.helpers import make_user

pytestmark = pytest.mark.django_db

LISTINGS = ("estates:index", "contracts:index", "communities:index", "firms:index")


def queries_of(client, name: str) -> int:
    url = reverse(name)
    client.get(url)  # warm the per-process caches, as in a running server
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.fixture
def editor(client):
    client.force_login(make_user("listing-editor", roles_ensure()["editors"]))
    return client


def add_rows(count: int, tag: str) -> None:
    street = Street.objects.create(name=f"{tag}街道")
    for n in range(count):
        community = Community.objects.create(street=street, name=f"{tag}社区{n}")
        estates_with_pages(1, firm=FirmFactory(), community=community)


def test_a_page_of_rows_costs_the_same_queries_for_2_or_20_rows(editor):
    add_rows(2, "少")
    few = {name: queries_of(editor, name) for name in LISTINGS}
    add_rows(18, "多")
    many = {name: queries_of(editor, name) for name in LISTINGS}
    assert many == few
    assert max(many.values()) <= 15


def test_a_citys_firms_are_searched_not_offered_in_the_contracts_filter(editor, monkeypatch):
    add_rows(3, "南")
    html = editor.get(reverse("contracts:index")).content.decode()
    assert 'name="firm"' in html
    monkeypatch.setattr(choices, "SELECT_MAX", 2)
    html = editor.get(reverse("contracts:index")).content.decode()
    assert 'name="firm"' not in html
    contract_firm = registry_admin.ServiceContract.objects.select_related("firm").first().firm
    found = editor.get(reverse("contracts:index"), {"q": contract_firm.name}).content.decode()
    assert contract_firm.name in found
