"""The search page as a resident meets it, over the small registry of the portal's page tests."""

from tests.helpers import html

MAX_QUERIES = 20


def test_search_finds_estates_and_firms_by_part_of_a_name(client, registry, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        body = html(client.get("/search/", {"q": "雅园"}))

    assert "<title>搜索“雅园” · 阳光物业</title>" in body
    assert '<h2 id="results-estates">小区 <span class="count">1</span></h2>' in body
    assert '<a class="result__title" href="/estates/df-001/">枫林雅园</a>' in body
    assert "翠湖花园" not in body

    body = html(client.get("/search/", {"q": "物业"}))
    assert '<h2 id="results-firms">物业企业 <span class="count">2</span></h2>' in body
    assert 'id="results-estates"' not in body


def test_search_does_not_match_a_different_word(client, registry):
    body = html(client.get("/search/", {"q": "雅苑"}))

    assert "没有找到与“雅苑”相关的内容。" in body
    assert "枫林雅园" not in body


def test_search_with_an_empty_query_shows_guidance(client, registry):
    for params in [{}, {"q": "   "}]:
        body = html(client.get("/search/", params))
        assert "请输入要找的内容，例如小区名称中的两三个字" in body
        assert "没有找到" not in body


def test_search_normalises_full_width_input(client, registry):
    body = html(client.get("/search/", {"q": "ＤＦ－００１"}))

    assert '<a class="result__title" href="/estates/df-001/">枫林雅园</a>' in body
