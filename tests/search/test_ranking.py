"""The one-query ranking over Wagtail's index (search.ranking, issue 14): the same pages in the same
order as Wagtail's `.search()` and `.autocomplete()`, live and public pages only, a few per kind."""

import json

import pytest

from django.urls import reverse

from wagtail.models import PageViewRestriction

from core.chinese import query_terms
from registry.services import directory_pages_sync
from search import selectors
from search.ranking import ranked_pages
from tests.factories import EstateFactory, FirmFactory, ServiceContractFactory

pytestmark = pytest.mark.django_db

NAMES = ("枫林雅园", "雅园新村", "东湖雅园", "林雅花园", "杏坛东里", "雅园", "北雅园小区")


@pytest.fixture
def town(db):
    firms = [FirmFactory(name="青榕宜居物业服务有限公司"), FirmFactory(name="雅园物业管理有限公司")]
    estates = [EstateFactory(name=name, code=f"YA{i:03}") for i, name in enumerate(NAMES)]
    for i, estate in enumerate(estates):
        ServiceContractFactory(estate=estate, firm=firms[i % 2])
    directory_pages_sync(estates=estates, firms=firms)
    return {e.name: e for e in estates}


@pytest.fixture
def fts():
    if ranked_pages({}, ["雅园"], autocomplete=False, limit=1) is None:
        pytest.skip("the one-query ranking reads SQLite's FTS5 index only")


def ids(found):
    return {key: [p.pk for p in pages] for key, pages in found.items() if pages}


@pytest.mark.parametrize(
    ("query", "autocomplete"),
    [("雅园", False), ("林雅", False), ("雅", False), ("物业", False), ("ya001", False),
     ("yy", True), ("fenglin", True), ("y", True), ("d", True)],
)  # fmt: skip
@pytest.mark.parametrize("limit", [2, 20])
def test_the_ranking_is_wagtails_own(town, fts, query, autocomplete, limit):
    terms = query if autocomplete else query_terms(query)
    kinds = selectors.KINDS[:2] if autocomplete else selectors.KINDS
    wagtails = {k.key: selectors._search(k, terms, limit, autocomplete=autocomplete) for k in kinds}
    found = selectors._found(kinds, terms, limit, autocomplete=autocomplete)
    assert ids(found) == ids(wagtails)
    assert any(ids(found).values())


def test_pages_not_live_or_private_are_not_found(client, town):
    town["雅园新村"].page.unpublish()
    PageViewRestriction.objects.create(page=town["东湖雅园"].page, restriction_type="password", password="x")

    response = client.get(reverse("search"), {"q": "雅园"})
    found = [item["page"].title for item in response.context["groups"][0]["items"]]
    assert set(found) == {"枫林雅园", "林雅花园", "雅园", "北雅园小区"}  # 林雅花园: its firm 雅园物业

    def suggested(query):
        return [s["title"] for s in json.loads(client.get(reverse("search_suggest"), {"q": query}).content)]

    assert suggested("yyxc") == [] and suggested("dhyy") == [] and suggested("flyy") == ["枫林雅园"]


def test_each_kind_keeps_its_best_few(town, fts, monkeypatch):
    monkeypatch.setattr(selectors, "RESULTS_PER_KIND", 2)
    groups = {g["key"]: g["items"] for g in selectors.site_search("雅园")["groups"]}
    assert len(groups["estates"]) == 2 and len(groups["firms"]) == 2
    assert groups["estates"][0]["page"].title == "雅园"  # the whole title first (Wagtail's title_norm)
