"""The public page cache (issue 14, core/pagecache.py): anonymous readers are answered from it, never
logged-in users; a publication retires exactly the pages it changes, found from the data."""

import pytest

from django.test import Client

from core import pagecache
from registry.models import EstatePage
from registry.services import directory_pages_sync
from tests.factories import EstateFactory
from tests.ratings.helpers import publish, street_scores, user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 600


def get(client, path, **extra):
    response = client.get(path, **extra)
    assert response.status_code == 200, path
    return response


def state(client, path) -> str:
    return get(client, path)["X-Page-Cache"]


def estate_path(estate) -> str:
    return pagecache.public_path(EstatePage.objects.get(estate=estate).url_path)


def test_prefixes_of_a_path():
    assert pagecache._prefixes("/") == ["/"]
    assert pagecache._prefixes("/estates/x/feed/") == ["/", "/estates/", "/estates/x/", "/estates/x/feed/"]
    assert pagecache._prefixes("/sitemap.xml") == ["/", "/sitemap.xml"]


def test_an_anonymous_reader_is_answered_from_the_cache_without_a_query(django_assert_num_queries):
    data = street_scores(3)
    path = estate_path(data["estates"][0])
    client = Client()
    assert state(client, path) == "miss"
    with django_assert_num_queries(0):
        hit = get(client, path)
    assert hit["X-Page-Cache"] == "hit"
    assert data["estates"][0].name in hit.content.decode()
    # Query strings, large type and compression are pages of their own.
    assert state(client, "/estates/?group=1") == "miss"
    client.cookies["large_type"] = "1"
    assert state(client, path) == "miss"


def test_logged_in_users_and_responses_that_set_cookies_are_never_cached():
    data = street_scores(2)
    path = estate_path(data["estates"][0])
    editor = Client()
    editor.force_login(user("cache-editor", superuser=True))
    for _ in range(2):
        assert "X-Page-Cache" not in editor.get(path)
    # The large-type switch sets a cookie: passed through, never stored.
    response = Client().get("/display/large-type/on/?next=/")
    assert "X-Page-Cache" not in response
    assert state(Client(), path) == "miss"


def test_the_api_and_requests_with_credentials_are_never_cached():
    data = street_scores(1)
    path = estate_path(data["estates"][0])
    client = Client()
    for _ in range(2):
        assert "X-Page-Cache" not in client.get("/api/v2/pages/", {"type": "registry.EstatePage"})
        assert "X-Page-Cache" not in client.get(path, HTTP_AUTHORIZATION="Basic YTpi")
    assert state(client, path) == "miss"


def test_a_release_retires_the_pages_it_changes_and_no_other(django_capture_on_commit_callbacks):
    data = street_scores(3)
    outsider = EstateFactory(code="ZZ0001", name="局外小区")
    directory_pages_sync(estates=[outsider], firms=[])
    inside, outside = estate_path(data["estates"][2]), estate_path(outsider)
    client = Client()
    for path in (inside, outside, "/", "/estates/"):
        get(client, path)
        assert state(client, path) == "hit", path
    assert "绿牌" not in get(client, inside).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        publish()

    for path in (inside, "/", "/estates/"):
        assert state(client, path) == "miss", path
    assert "绿牌" in get(client, inside).content.decode()
    assert state(client, outside) == "hit"


def test_a_page_published_retires_the_sitemap_index_and_every_section(
    monkeypatch, django_capture_on_commit_callbacks
):
    from portal import sitemaps

    monkeypatch.setattr(sitemaps, "SITEMAP_PAGE_SIZE", 2)
    data = street_scores(3)
    client = Client()
    paths = ("/sitemap.xml", "/sitemap-pages.xml", "/sitemap-pages.xml?p=2")
    for path in paths:
        get(client, path)
        assert state(client, path) == "hit", path
    page = EstatePage.objects.get(estate=data["estates"][0])
    with django_capture_on_commit_callbacks(execute=True):
        page.title = "改名后的小区"
        page.save_revision().publish()
    for path in paths:
        assert state(client, path) == "miss", path


def test_purging_a_tree_retires_every_page_under_it_and_exact_retires_only_the_path():
    data = street_scores(2)
    first, second = (estate_path(e) for e in data["estates"])
    client = Client()
    for path in (first, first + "noticeboard/", second, "/estates/"):
        get(client, path)
    pagecache.purge(trees=[first])
    assert state(client, first) == "miss"
    assert state(client, first + "noticeboard/") == "miss"
    assert state(client, second) == "hit"
    assert state(client, "/estates/") == "hit"
    pagecache.purge(exact=["/estates/"])
    assert state(client, "/estates/") == "miss"
    assert state(client, second) == "hit"


def test_saving_the_site_settings_retires_every_page():
    from wagtail.models import Site

    from portal.models import PortalSettings

    data = street_scores(1)
    path = estate_path(data["estates"][0])
    client = Client()
    get(client, path)
    assert state(client, path) == "hit"
    settings_row = PortalSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.save()
    assert state(client, path) == "miss"


def test_an_approved_disclosure_retires_its_estate_pages_and_no_other_estate():
    from disclosures.models import DisclosurePage

    data = street_scores(2)
    first, second = (estate_path(e) for e in data["estates"])
    client = Client()
    for path in (first, first + "noticeboard/", second + "noticeboard/"):
        get(client, path)
        assert state(client, path) == "hit"
    disclosure = DisclosurePage.objects.child_of(EstatePage.objects.get(estate=data["estates"][0])).get()
    disclosure.save_revision().publish()
    assert state(client, first) == "miss"
    assert state(client, first + "noticeboard/") == "miss"
    assert state(client, second + "noticeboard/") == "hit"


def test_a_proxy_in_front_may_keep_a_shared_page_as_long_as_the_page_cache(settings):
    data = street_scores(2)
    path = estate_path(data["estates"][0])
    settings.WAGTAILFRONTENDCACHE = {}
    assert "s-maxage" not in get(Client(), path)["Cache-Control"]  # nobody purges a proxy
    settings.WAGTAILFRONTENDCACHE = {"proxy": {"BACKEND": "tests.core.test_frontend_purge.RecordingBackend"}}
    settings.PORTAL_RELEASE = "with-proxy"  # a new deployment: its own entries
    cache_control = get(Client(), path)["Cache-Control"]
    assert "s-maxage=600" in cache_control and "public" in cache_control
    assert "max-age=" not in cache_control.replace("s-maxage=", "")
    editor = Client()
    editor.force_login(user("editor"))
    assert "s-maxage" not in editor.get(path).get("Cache-Control", "")


def _shared_reads(monkeypatch) -> list[str]:
    """The keys read one by one from the shared cache (a body not in this server's memory)."""
    shared, reads = pagecache._cache(), []
    read = shared.get

    def spy(key, *args, **kwargs):
        reads.append(key)
        return read(key, *args, **kwargs)

    monkeypatch.setattr(shared, "get", spy)
    return reads


def test_a_hit_takes_the_bytes_from_this_servers_memory_and_another_server_fetches_them_once(monkeypatch):
    data = street_scores(2)
    path = estate_path(data["estates"][0])
    client = Client()
    first = get(client, path)
    reads = _shared_reads(monkeypatch)
    assert state(client, path) == "hit"
    assert not [key for key in reads if ":body:" in key]
    # Another app server (its memory empty) fetches the bytes from the shared cache once, then
    # keeps them; what it serves is the same page.
    pagecache.local_bodies.clear()
    assert get(client, path).content == first.content
    assert state(client, path) == "hit"
    assert len([key for key in reads if ":body:" in key]) == 1


def test_a_page_whose_bytes_left_the_shared_cache_is_rendered_again():
    data = street_scores(2)
    path = estate_path(data["estates"][0])
    client = Client()
    first = get(client, path)
    pagecache.local_bodies.clear()
    shared = pagecache._cache()
    # LocMemCache keeps its keys as ":<version>:<key>".
    gone = [key.split(":", 2)[2] for key in shared._cache if ":body:" in key]
    assert gone and shared.delete_many(gone) is None
    again = get(client, path)
    assert again["X-Page-Cache"] == "miss"
    assert again.content == first.content
    assert state(client, path) == "hit"


def test_a_purged_page_is_not_served_from_any_servers_memory(django_capture_on_commit_callbacks):
    data = street_scores(2)
    path = estate_path(data["estates"][0])
    client = Client()
    get(client, path)
    assert len(pagecache.local_bodies) >= 1
    pagecache.purge(trees=[path])
    assert state(client, path) == "miss"


def test_the_memory_of_a_server_is_bounded_and_keeps_the_last_served(settings):
    settings.PORTAL_PAGE_CACHE_LOCAL_BYTES = 10
    bodies = pagecache.LocalBodies()
    bodies.put("a", b"aaaa")
    bodies.put("b", b"bbbb")
    assert bodies.get("a") == b"aaaa"  # served: now the last one out
    bodies.put("c", b"cccc")
    assert bodies.get("b") is None and bodies.get("a") == b"aaaa" and bodies.get("c") == b"cccc"
    bodies.put("big", b"x" * 11)
    assert bodies.get("big") is None and len(bodies) == 2
    settings.PORTAL_PAGE_CACHE_LOCAL_BYTES = 0
    bodies.put("d", b"d")
    assert bodies.get("d") is None
