"""Search in Chinese (SPEC §11), on SQLite and PostgreSQL alike: fragments from the middle of a
name, no near misses, spaces and traditional characters, pinyin in the type-ahead, results by
kind with each estate's plate, a fixed number of queries."""

import json

import pytest

from django.urls import reverse

from portal.models import HomePage, StandardPage
from registry.services import directory_pages_sync
from tests.factories import EstateFactory, FirmFactory, ServiceContractFactory
from tests.ratings.helpers import publish, street_scores, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(db):
    firm = FirmFactory(name="青榕宜居物业服务有限公司")
    other = FirmFactory(name="北辰安泰物业管理有限公司")
    estates = {
        name: EstateFactory(name=name, code=code)
        for name, code in (("枫林雅园", "QR001"), ("杏坛东里", "QR009"), ("明湖花园", "QR002"))
    }
    for estate in estates.values():
        ServiceContractFactory(estate=estate, firm=firm if estate.code != "QR002" else other)
    directory_pages_sync(estates=list(estates.values()), firms=[firm, other])
    home = HomePage.objects.get()
    home.add_child(
        instance=StandardPage(
            title="小区电动车充电桩不足怎么办", slug="charging", intro="说明", body="<p>新增充电桩</p>"
        )
    )
    return {"firm": firm, "other": other, "estates": estates}


def results(client, query) -> dict[str, list[str]]:
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return {
        g["key"]: [getattr(i, "title", None) or i["page"].title for i in g["items"]]
        for g in response.context["groups"]
    }


def test_a_fragment_from_the_middle_finds_the_estate_and_the_firm_that_mentions_it(client, town):
    found = results(client, "林雅")
    assert found["estates"] == ["枫林雅园"]
    assert found["firms"] == ["青榕宜居物业服务有限公司"]  # its page lists 枫林雅园; 北辰安泰's does not


def test_a_near_miss_finds_nothing_and_says_so(client, town):
    response = client.get(reverse("search"), {"q": "雅苑"})
    assert response.context["groups"] == [] and "没有找到与“雅苑”相关的内容" in text_of(
        response.content.decode()
    )


@pytest.mark.parametrize("query", ["杏 坛", "杏壇", "杏坛", "ＱＲ００９"])
def test_spaces_traditional_characters_and_full_width_codes(client, town, query):
    assert results(client, query)["estates"] == ["杏坛东里"]


@pytest.mark.parametrize("query", ["充电桩", "桩"])
def test_a_word_and_a_single_character_find_a_page_about_it(client, town, query):
    assert results(client, query)["pages"] == ["小区电动车充电桩不足怎么办"]


def test_an_empty_query_shows_guidance_and_a_long_one_is_cut(client, town):
    response = client.get(reverse("search"))
    assert response.status_code == 200 and 'id="search-guidance"' in response.content.decode()
    response = client.get(reverse("search"), {"q": "枫" * 500})
    assert response.status_code == 200 and response.context["query"] == "枫" * 100


@pytest.mark.parametrize("query", ["flyy", "fenglinyayuan", "FengLin", "林雅"])
def test_the_type_ahead_knows_pinyin_initials_full_pinyin_and_fragments(client, town, query):
    response = client.get(reverse("search_suggest"), {"q": query})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    suggestions = json.loads(response.content)
    assert suggestions[0]["title"] == "枫林雅园" and suggestions[0]["kind"] == "小区"
    assert suggestions[0]["url"] == town["estates"]["枫林雅园"].page.url
    assert set(suggestions[0]) == {"title", "kind", "url", "band"}
    assert len(suggestions) <= 8


def test_each_estate_found_shows_its_plate_in_words(client, db):
    data = street_scores(5)
    estate = data["estates"][4]
    estate.name = "翠湖名苑"
    estate.save()
    directory_pages_sync(estates=[estate])
    release = publish()
    row = next(r for r in release.document["estates"] if r["estate_code"] == estate.code)
    response = client.get(reverse("search"), {"q": "湖名"})
    assert "蓝牌·规范" in text_of(response.content.decode()) and row["band"] == "blue"
    suggestion = json.loads(client.get(reverse("search_suggest"), {"q": "湖名"}).content)[0]
    assert suggestion["band"] == "蓝牌·规范"


def test_the_index_follows_a_rename(client, town):
    estate = town["estates"]["明湖花园"]
    estate.name = "明湖雅苑"
    estate.save()
    directory_pages_sync(estates=[estate])
    assert results(client, "雅苑")["estates"] == ["明湖雅苑"]


@pytest.mark.parametrize("url_name", ["search", "search_suggest"])
def test_search_reads_a_fixed_number_of_queries(client, db, url_name, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    firm = FirmFactory(name="甲物业")

    def grow(n):
        made = [EstateFactory(name=f"雅园{len(str(i))}号{i}") for i in range(n)]
        for estate in made:
            ServiceContractFactory(estate=estate, firm=firm)
        directory_pages_sync(estates=made, firms=[firm])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url_name), {"q": "雅园"}).status_code == 200
        return len(queries)

    grow(3)
    client.get(reverse(url_name), {"q": "雅园"})
    few = count()
    grow(30)
    assert count() <= few <= 20  # the type-ahead stops searching once it has eight


def test_a_handover_imported_moves_the_estate_to_the_new_firm_in_search(client, town):
    from core.tabular import Table
    from registry.services import registry_import

    estate, new_firm = town["estates"]["枫林雅园"], town["other"]
    header = ("estate_code", "firm_credit_code", "contract_start", "contract_end", "note")
    old = estate.contracts.get()
    rows = (
        (2, dict(zip(header, (estate.code, town["firm"].credit_code, str(old.start), "2025-06-30", "期满"), strict=True))),
        (3, dict(zip(header, (estate.code, new_firm.credit_code, "2025-07-01", "", "业主大会选聘"), strict=True))),
    )  # fmt: skip
    registry_import(table=Table(header=header, rows=rows[:1]))  # the old contract ends
    registry_import(table=Table(header=header, rows=rows[1:]))  # the new firm takes over
    assert results(client, "林雅")["firms"] == ["北辰安泰物业管理有限公司"]
    assert "北辰安泰物业管理有限公司" in [
        s["title"] for s in json.loads(client.get(reverse("search_suggest"), {"q": "北辰"}).content)
    ]
