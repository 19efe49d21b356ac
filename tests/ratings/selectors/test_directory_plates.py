"""Plates everywhere (SPEC §7): the estate directory shows each estate's current plate in words and
colour and filters by band; the home page's band counts link to that filter."""

import pytest

from tests.ratings.helpers import publish, queries_with, street_scores, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(db):
    data = street_scores(5)
    data["release"] = publish()
    data["bands"] = {r["estate_code"]: r["band"] for r in data["release"].document["estates"]}
    return data


def names_listed(client, params=None) -> list[str]:
    response = client.get("/estates/", params or {})
    assert response.status_code == 200
    return [row.estate.name for row in response.context["estates"]]


def test_each_row_shows_its_plate_in_words(client, released):
    body = client.get("/estates/").content.decode()
    for estate in released["estates"]:
        band = released["bands"][estate.code]
        assert f'<span class="band band--{band}">' in body
    assert "蓝牌·规范" in text_of(body)


def test_the_band_filter_lists_exactly_the_estates_with_that_plate(client, released):
    by_band: dict[str, set[str]] = {}
    for estate in released["estates"]:
        by_band.setdefault(released["bands"][estate.code], set()).add(estate.name)
    for band, names in by_band.items():
        assert set(names_listed(client, {"band": band})) == names, band
    assert names_listed(client, {"band": "none"}) == []
    # an estate outside the release has no plate
    from registry.services import directory_pages_sync
    from tests.factories import EstateFactory

    newcomer = EstateFactory(name="新建家园")
    directory_pages_sync(estates=[newcomer])
    assert names_listed(client, {"band": "none"}) == ["新建家园"]
    assert "新建家园" not in names_listed(client, {"band": "blue"})


def test_the_filter_combines_with_the_group(client, released):
    group = released["groups"][0]
    listed = set(names_listed(client, {"band": "blue", "group": group.pk}))
    expected = {
        e.name for e in released["estates"] if released["bands"][e.code] == "blue" and e.group_id == group.pk
    }
    assert listed == expected


def test_the_home_page_band_counts_link_to_the_filtered_directory(client, released):
    body = client.get("/").content.decode()
    for band in set(released["bands"].values()):
        assert f'href="/estates/?band={band}"' in body


@pytest.mark.parametrize("path", ["/estates/", "/estates/?band=blue"])
def test_the_directory_reads_a_fixed_number_of_queries_with_plates(client, db, path):
    few = queries_with(6, client, lambda data: path)
    many = queries_with(30, client, lambda data: path, first_code=100)
    assert few == many <= 20
