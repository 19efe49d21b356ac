"""Fragments of pages rendered afresh (issue 14, core/pagecache.py): with the page cache off (or
missed), the costly parts of the estate page, the quarter page and the directory are kept as HTML
under the page's own generation tokens. A kept part reads nothing; the reader sees the same bytes;
whatever retires the page retires its parts, and nothing else does."""

import pytest

from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from core import pagecache
from ratings.models import QuarterPage
from registry.models import EstatePage
from registry.services import directory_pages_sync
from tests.factories import EstateFactory
from tests.ratings.helpers import correct, publish, street_scores, user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fragments_on(settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0  # every request renders the page: only fragments kept
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 600


def read(client, path) -> tuple[str, int]:
    """(body, queries) of one request."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    assert "X-Page-Cache" not in response  # the page cache is off: the page itself was rendered
    return response.content.decode(), len(queries.captured_queries)


def estate_path(estate) -> str:
    return pagecache.public_path(EstatePage.objects.get(estate=estate).url_path)


def quarter_path() -> str:
    return pagecache.public_path(QuarterPage.objects.get().url_path)


def test_fragments_apply_only_when_configured_and_only_to_anonymous_readers(settings):
    request = RequestFactory().get("/estates/x/")
    assert pagecache.fragment(request, "any") is not None
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    assert pagecache.fragment(request, "any") is None
    preview = RequestFactory().get("/estates/x/?preview=1")
    assert pagecache.fragment(preview, "any") is None
    admin = RequestFactory().get("/admin/pages/")
    assert pagecache.fragment(admin, "any") is None
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 0
    assert pagecache.fragment(RequestFactory().get("/estates/x/"), "any") is None


def test_a_fragment_is_kept_under_its_path_generations():
    request = RequestFactory().get("/estates/x/")
    fragment = pagecache.fragment(request, "part")
    assert not fragment.hit
    fragment.store("<p>kept</p>", {"title": "t"})
    kept = pagecache.fragment(request, "part")
    assert (kept.hit, kept.html, kept.head) == (True, "<p>kept</p>", {"title": "t"})
    # Another name, another query string (when it counts), another path: fragments of their own.
    assert not pagecache.fragment(request, "other").hit
    assert not pagecache.fragment(RequestFactory().get("/estates/x/?page=2"), "part", with_query=True).hit
    assert not pagecache.fragment(RequestFactory().get("/estates/y/"), "part").hit
    pagecache.purge(trees=["/estates/y/"])
    assert pagecache.fragment(request, "part").hit
    pagecache.purge(trees=["/estates/x/"])
    assert not pagecache.fragment(request, "part").hit


def test_a_new_release_of_the_code_never_reads_what_another_release_kept(settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 600
    request = RequestFactory().get("/estates/x/")
    pagecache.fragment(request, "part").store("<p>old</p>", {"title": "old"})
    assert pagecache.fragment(request, "part").hit
    assert pagecache._page_key(request) == pagecache._page_key(RequestFactory().get("/estates/x/"))
    old_page_key = pagecache._page_key(request)
    settings.PORTAL_RELEASE = "next"
    assert not pagecache.fragment(request, "part").hit
    assert pagecache._page_key(request) != old_page_key


def test_a_fragment_rendered_while_its_page_is_purged_is_stale_at_once():
    request = RequestFactory().get("/estates/x/")
    fragment = pagecache.fragment(request, "part")  # generations read before the data
    pagecache.purge(trees=["/estates/"])  # a publication lands meanwhile
    fragment.store("<p>old</p>")
    assert not pagecache.fragment(request, "part").hit


def test_the_estate_page_sections_are_kept_and_a_release_retires_them(django_capture_on_commit_callbacks):
    data = street_scores(3)
    outsider = EstateFactory(code="ZZ0001", name="局外小区")
    directory_pages_sync(estates=[outsider], firms=[])
    inside, outside = estate_path(data["estates"][2]), estate_path(outsider)
    client = Client()
    first, first_queries = read(client, inside)
    again, again_queries = read(client, inside)
    assert again == first
    assert again_queries < first_queries  # the ratings, disclosure and case sections read nothing
    assert "绿牌" not in first
    read(client, outside)
    _, outside_queries = read(client, outside)

    with django_capture_on_commit_callbacks(execute=True):
        publish()

    fresh, fresh_queries = read(client, inside)
    assert "绿牌" in fresh  # the release retired the estate's kept sections
    assert fresh_queries > again_queries
    assert read(client, outside)[1] == outside_queries  # not in the release: still kept


def test_a_kept_estate_or_firm_record_reads_one_fragment_and_only_the_page(monkeypatch):
    data = street_scores(2)
    reads = []
    real = pagecache._read
    monkeypatch.setattr(pagecache, "_read", lambda keys, path: reads.append(len(keys)) or real(keys, path))
    firm_path = pagecache.public_path(data["firms"][0].page.url_path)
    for path in (estate_path(data["estates"][0]), firm_path):
        reads.clear()
        first, first_queries = read(Client(), path)
        assert reads == [1], path  # the record; its sections are kept inside it, not apart
        reads.clear()
        again, again_queries = read(Client(), path)
        assert (again, reads) == (first, [1]), path
        assert again_queries <= 2 < first_queries, path  # the routing to the page, nothing else


def test_a_slots_sections_are_read_in_one_round_trip_and_kept(monkeypatch):
    from django.template import Context, Template

    from registry.sections import ESTATE, sections_for
    from registry.templatetags.registry_tags import _fragment_name

    estate = street_scores(1)["estates"][0]
    reads = []
    real = pagecache._read
    monkeypatch.setattr(pagecache, "_read", lambda keys, path: reads.append(len(keys)) or real(keys, path))
    template = Template('{% load registry_tags %}{% page_sections "main" %}')
    request = RequestFactory().get(estate_path(estate))
    sections = sections_for(ESTATE, estate)
    assert len(sections["main"]) > 1
    first = template.render(Context({"request": request, "sections": sections}))
    assert reads == [len(sections["main"])]
    reads.clear()
    again = template.render(Context({"request": RequestFactory().get(request.path), "sections": sections}))
    assert (again, reads) == (first, [len(sections["main"])])
    names = [_fragment_name(section, "main", name) for name, section in sections["main"]]
    assert all(fragment.hit for fragment in pagecache.fragments(request, names).values())


def test_the_quarter_table_is_kept_per_query_string_and_a_correction_retires_it(
    django_capture_on_commit_callbacks,
):
    data = street_scores(3)
    publish()
    path = quarter_path()
    client = Client()
    first, first_queries = read(client, path)
    again, again_queries = read(client, path)
    assert again == first and again_queries < first_queries
    by_name, _ = read(client, path + "?sort=name")
    assert by_name != first  # a sort of its own, not the kept default order
    assert "第2版" not in first

    with django_capture_on_commit_callbacks(execute=True):
        correct(estate=data["estates"][0], month="2025-01")

    corrected, corrected_queries = read(client, path)
    assert "第2版" in corrected
    assert corrected_queries > again_queries  # rendered afresh


def test_the_directory_page_is_kept_and_a_release_retires_it(django_capture_on_commit_callbacks):
    street_scores(3)
    client = Client()
    first, first_queries = read(client, "/estates/")
    again, again_queries = read(client, "/estates/")
    assert again == first and again_queries < first_queries
    assert "绿牌" not in first
    with django_capture_on_commit_callbacks(execute=True):
        publish()
    assert "绿牌" in read(client, "/estates/")[0]


def test_logged_in_readers_never_get_or_leave_fragments():
    data = street_scores(2)
    path = estate_path(data["estates"][0])
    editor = Client()
    editor.force_login(user("fragment-editor", superuser=True))
    for _ in range(2):
        assert editor.get(path).status_code == 200
    # Had the editor's visits left the sections behind, the first anonymous read would find them.
    anonymous = Client()
    _, anonymous_first = read(anonymous, path)
    _, anonymous_again = read(anonymous, path)
    assert anonymous_again < anonymous_first


def test_search_results_are_kept_per_query_and_a_new_page_retires_them():
    from urllib.parse import quote

    data = street_scores(2)
    name = data["estates"][0].name
    path = f"/search/?q={quote(name[:2])}"
    client = Client()
    first, first_queries = read(client, path)
    again, again_queries = read(client, path)
    assert again == first and again_queries < first_queries
    assert name in first
    newcomer = EstateFactory(code="ZZ0002", name=f"{name[:2]}新来小区")
    assert newcomer.name not in first
    directory_pages_sync(estates=[newcomer], firms=[])  # published: /search/ is purged
    assert newcomer.name in read(client, path)[0]


# --------------------------------------------------------------------------- what city pages carry


def test_the_home_page_names_ten_firms_of_each_list_and_links_to_the_rest():
    from django.template.loader import render_to_string

    firms = [
        {"firm_name": f"第{i}号物业", "url": f"/firms/f{i}/", "reasons": ["连续两季黄牌"]} for i in range(12)
    ]
    html = render_to_string(
        "ratings/includes/home_ratings.html",
        {
            "home_ratings": {
                "label": "2025年第4季度",
                "estates": 100,
                "version": 1,
                "published_at": None,
                "url": "/ratings/2025-q4/",
                "bands": [],
                "red_list": firms,
                "black_list": firms[:3],
            }
        },
    )
    assert "第9号物业" in html and "第10号物业" not in html
    assert '<a href="/ratings/2025-q4/#lists">查看红榜全部 12 家企业</a>' in html
    assert "查看黑榜全部" not in html  # three firms: all named


def test_later_pages_of_the_quarter_table_sum_the_lists_up_and_link_to_the_first(settings):
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 0
    street_scores(52)
    publish()
    client = Client()
    first = client.get(quarter_path()).content.decode()
    second = client.get(quarter_path() + "?page=2").content.decode()
    assert 'class="card list-card list-card--red"' in first
    assert 'class="card list-card list-card--red"' not in second
    assert '<a href="?#lists">在第 1 页查看完整名单</a>' in second


def test_pages_and_fragments_are_kept_for_the_day_they_were_made(settings, monkeypatch):
    """已超期 and the current month follow the calendar: nothing kept yesterday is served today."""
    import datetime as dt

    from django.utils import timezone

    settings.PORTAL_PAGE_CACHE_SECONDS = 600
    data = street_scores(2)
    path = estate_path(data["estates"][0])
    client = Client()
    assert client.get(path)["X-Page-Cache"] == "miss"
    assert client.get(path)["X-Page-Cache"] == "hit"
    request = RequestFactory().get("/estates/x/")
    pagecache.fragment(request, "part").store("<p>today</p>")
    assert pagecache.fragment(request, "part").hit

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert client.get(path)["X-Page-Cache"] == "miss"
    assert not pagecache.fragment(request, "part").hit


def test_the_home_pages_figures_and_groups_are_kept_and_a_new_estate_retires_them(
    django_capture_on_commit_callbacks,
):
    from registry.models import Estate

    street_scores(2)
    client = Client()

    def estates_shown():
        return f'<span class="stats__number">{Estate.objects.count()}</span><span class="stats__label">个小区'

    def counted(queries) -> list[str]:
        return [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]

    first, _ = read(client, "/")
    assert estates_shown() in first
    with CaptureQueriesContext(connection) as again:
        assert client.get("/").content.decode() == first
    assert not counted(again)  # the figures and the groups were kept
    with django_capture_on_commit_callbacks(execute=True):
        directory_pages_sync(estates=[EstateFactory(code="ZZ0002", name="新建小区")], firms=[])
    with CaptureQueriesContext(connection) as fresh:
        body = client.get("/").content.decode()
    assert estates_shown() in body and counted(fresh)
