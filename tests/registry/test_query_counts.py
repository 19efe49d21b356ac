"""Public directory pages run a fixed number of queries whatever the number of estates (SPEC §12)."""

import pytest

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import EstatePage
from tests.factories import FirmFactory, estates_with_pages

pytestmark = pytest.mark.django_db

MAX_QUERIES = 20


def count_queries(client, url) -> int:
    client.get(url)  # warm per-process caches (content types, templates) like a running server
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def build(n: int):
    firms = [FirmFactory() for _ in range(3)]
    estates = []
    for i in range(3):
        estates += estates_with_pages(n // 3 + (1 if i < n % 3 else 0), firm=firms[i])
    return estates


def test_estate_directory_query_count_is_the_same_with_5_and_200_estates(
    client, django_assert_max_num_queries
):
    build(5)
    small = count_queries(client, "/estates/")
    build(195)
    assert count_queries(client, "/estates/") == small
    assert count_queries(client, "/estates/?page=10") == count_queries(client, "/estates/?page=2")
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get("/estates/?page=10")


@pytest.mark.parametrize("path", ["/estates/?page=2", "/firms/", "/"])
def test_directory_pages_query_count_does_not_grow_with_estates(client, path, django_assert_max_num_queries):
    build(25)
    small = count_queries(client, path)
    build(60)
    large = count_queries(client, path)
    assert small == large
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(path)


def test_estate_page_query_count_is_the_same_with_5_and_200_estates(client, django_assert_max_num_queries):
    estates = build(5)
    url = EstatePage.objects.get(estate=estates[0]).url
    small = count_queries(client, url)
    more = build(195)
    # The bigger registry also gives the first estate a longer firm history.
    large_estate = more[-1]
    large = count_queries(client, EstatePage.objects.get(estate=large_estate).url)
    assert small == large
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(url)


def test_firm_page_query_count_does_not_grow_with_its_estates(client, django_assert_max_num_queries):
    firm = FirmFactory()
    estates_with_pages(5, firm=firm)
    url = firm.page.url
    small = count_queries(client, url)
    estates_with_pages(60, firm=firm)
    assert count_queries(client, url) == small
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(url)
