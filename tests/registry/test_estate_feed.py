"""/estates/<slug>/feed/ (SPEC §7): an estate's plates, corrections, approved disclosures and cases
as Atom, found from the estate page, answered with 304 when nothing changed."""

import feedparser
import pytest

from tests.disclosures.test_public import approve
from tests.ratings.helpers import correct, publish, street_scores

pytestmark = pytest.mark.django_db

MONTHS = ("2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03")


@pytest.fixture
def estate_with_history(db):
    data = street_scores(5, months=MONTHS)
    publish("2024Q4")
    publish("2025Q1")
    estate = data["estates"][2]
    correct("2025Q1", estate=estate, month="2025-03", owner="0.0")
    approve(estate, "2.40")
    return estate


def test_the_feed_tells_plates_corrections_and_disclosures_newest_first(client, estate_with_history):
    estate = estate_with_history
    response = client.get(f"{estate.page.url}feed/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo and feed.feed.title == f"阳光物业 · {estate.name}"
    titles = [e.title for e in feed.entries]
    assert titles[0] == "信息公开（第 1 版）审核通过"
    assert [t for t in titles if "挂牌" in t] == [
        next(t for t in titles if t.startswith("2025年第1季度挂牌") and t.endswith("（更正）")),
        next(t for t in titles if t.startswith("2025年第1季度挂牌") and not t.endswith("（更正）")),
        next(t for t in titles if t.startswith("2024年第4季度挂牌")),
    ]
    correction = next(e for e in feed.entries if e.title.endswith("（更正）"))
    assert correction.link.endswith("/ratings/2025-q1/v2/") and "第 2 版（更正）" in correction.summary
    assert len({e.id for e in feed.entries}) == len(feed.entries)


def test_the_estate_page_names_its_feed_and_the_feed_answers_304_when_unchanged(client, estate_with_history):
    page = client.get(estate_with_history.page.url).content.decode()
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="{estate_with_history.name}的动态" href="{estate_with_history.page.url}feed/">'
        in page
    )
    url = f"{estate_with_history.page.url}feed/"
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    approve(estate_with_history, "2.60")  # a second approved version changes the feed
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_an_unknown_estate_has_no_feed(client, db):
    assert client.get("/estates/no-such-estate/feed/").status_code == 404


def test_the_feed_reads_a_fixed_number_of_queries(client, estate_with_history, django_assert_max_num_queries):
    url = f"{estate_with_history.page.url}feed/"
    client.get(url)
    with django_assert_max_num_queries(20):
        client.get(url)


def test_an_estates_published_cases_are_in_its_feed(client, db):
    from tests.cases.helpers import case_world, make_case

    world = case_world()
    make_case(firm=world.firm_a, estate=world.estate_a, title="楼道加装扶手")
    make_case(firm=world.firm_a, estate=world.estate_a, title="草稿中的案例", slug="draft-case", live=False)
    make_case(firm=world.firm_b, estate=world.estate_b, title="别的小区的案例", slug="other-case")
    feed = feedparser.parse(client.get(f"{world.estate_a.page.url}feed/").content)
    assert [e.title for e in feed.entries] == ["三微案例：楼道加装扶手"]
