"""A rebuild of the search index at city scale: the texts of a chunk of pages are read in a few
queries whatever the chunk's size, they say exactly what a page indexed alone says, and on
PostgreSQL the title norms are refreshed once per rebuild, not once per chunk (search.backend)."""

import datetime as dt

import pytest

from django.core.management import call_command
from django.db import connection
from django.db.models import Avg
from django.db.models.functions import Length
from django.test.utils import CaptureQueriesContext

from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from cases.models import CasePage
from registry.models import EstatePage, FirmPage
from tests.cases.helpers import case_world, make_case
from tests.factories import FirmFactory, ServiceContractFactory, estates_with_pages

pytestmark = pytest.mark.django_db


def _index_reads(model) -> tuple[int, list[tuple[int, str, str]]]:
    """What the index reads of every page of `model` as a rebuild reads them, and the queries."""
    with CaptureQueriesContext(connection) as queries:
        pages = list(model.get_indexed_objects())
        values = [(page.pk, page.search_bigrams(), page.search_pinyin()) for page in pages]
    return len(queries), sorted(values)


def _alone(model) -> list[tuple[int, str, str]]:
    """The same, each page loaded on its own (as when one page is published and indexed)."""
    values = []
    for pk in model.objects.values_list("pk", flat=True):
        page = model.objects.get(pk=pk)
        values.append((page.pk, page.search_bigrams(), page.search_pinyin()))
    return sorted(values)


def _firm_world(count: int):
    firm = FirmFactory(name="青禾物业服务有限公司")
    estates = estates_with_pages(count, firm=firm)
    # The first estate was managed by another firm until last year: that firm is not found by it.
    old = FirmFactory(name="旧邻物业服务有限公司")
    ServiceContractFactory(estate=estates[0], firm=old, start=dt.date(2015, 1, 1), end=dt.date(2019, 12, 31))
    return firm, estates


@pytest.mark.parametrize("model", [EstatePage, FirmPage])
def test_a_chunk_of_registry_pages_is_read_in_the_same_queries_whatever_its_size(model):
    _firm_world(2)
    few, _ = _index_reads(model)
    estates_with_pages(6, firm=FirmFactory())
    many, values = _index_reads(model)
    assert many == few <= 4
    assert values == _alone(model)


def test_an_estate_is_found_by_the_firm_managing_it_today_and_not_by_its_old_one():
    firm, estates = _firm_world(2)
    _, values = _index_reads(EstatePage)
    terms = {pk: bigrams for pk, bigrams, _ in values}[estates[0].page.pk].split()
    assert "青禾" in terms and "旧邻" not in terms and estates[0].code.lower() in terms
    firm_terms = FirmPage.objects.get(firm=firm).search_bigrams().split()
    assert {"测试", "家园"} <= set(firm_terms)


def test_a_chunk_of_cases_is_read_in_the_same_queries_whatever_its_size():
    world = case_world()
    make_case(firm=world.firm_a, estate=world.estate_a, slug="c1", tags=("扶手",), revision=False)
    few, _ = _index_reads(CasePage)
    for n in range(2, 7):
        make_case(
            firm=world.firm_b, estate=world.estate_b, slug=f"c{n}", tags=("加装", f"标签{n}"), revision=False
        )
    many, values = _index_reads(CasePage)
    assert many == few <= 4
    assert values == _alone(CasePage)
    assert "扶手" in {pk: b for pk, b, _ in values}[CasePage.objects.get(slug="c1").pk].split()


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the title norms are kept by the PostgreSQL search index only"
)


def _norm_refreshes(queries) -> int:
    return sum(1 for query in queries if "AVG(" in query["sql"].upper())


@postgres_only
def test_a_rebuild_refreshes_the_title_norms_once_and_leaves_them_right():
    estates_with_pages(5, firm=FirmFactory())
    with CaptureQueriesContext(connection) as queries:
        call_command("update_index", verbosity=0, chunk_size=1)
    assert _norm_refreshes(queries.captured_queries) == 1
    entries = IndexEntry.objects.annotate(length=Length("title")).filter(length__gt=0)
    average = entries.aggregate(Avg("length"))["length__avg"]
    assert entries.count() > 5
    for entry in entries:
        assert entry.title_norm == pytest.approx(average / entry.length)


@postgres_only
def test_a_page_indexed_alone_still_gets_its_norm():
    estates_with_pages(3, firm=FirmFactory())
    call_command("update_index", verbosity=0)
    (estate,) = estates_with_pages(1, firm=FirmFactory())
    page = estate.page
    page.title = "一个名字特别特别特别特别长的测试小区"
    with CaptureQueriesContext(connection) as queries:
        get_search_backend().add(page)
    assert _norm_refreshes(queries.captured_queries) == 1
    entry = IndexEntry.objects.get(object_id=str(page.pk), content_type__model="estatepage")
    assert entry.title_norm != 1.0
