"""Full-page cache of the public site, with exact purges (issue 14).

Anonymous GET requests of public pages are answered from the shared cache (Redis with several app
servers) once a page has been rendered. Nothing waits for the time-out to show a change: whatever
publishes (a page, a release, a disclosure, a case) names the public paths its change affects,
found from the data, and `purge()` makes exactly those stale:

- an *exact* path is the page itself with every query string (``/estates/`` with all its filters);
- a *tree* is a path and everything under it (``/estates/x/`` with its noticeboard, feed and
  disclosure; ``/ratings/`` with every quarter, version and open-data file).

Purging never deletes entries one by one and never flushes the cache: each path has a generation
token in the cache, and a stored page holds the generations of its own path and of every prefix it
lies under, so bumping one token retires exactly the pages that depend on it, on every app server
at once. A request reads the page and those tokens in one round trip (MGET on Redis); the page is
kept as its status, headers and the digest of its bytes, so a hit renders nothing and unpickles no
response. The bytes are kept apart, under their digest (content-addressed: they never change), and
each app server keeps those it served last in its own memory, so a hit fetches only the small entry
and the generations from the shared cache, never a 40 KB page or a 1.5 MB open-data file again.

Pages and fragments are kept per day (in the site's time zone): what follows the calendar, such as
已超期 or the current month, needs no event and is never served after midnight. Entries also time
out after ``PORTAL_PAGE_CACHE_SECONDS``.

A response is stored only when it is a plain 200 for everyone: no cookie set, no ``private`` or
``no-store``, and no session cookie on the request (editors and firms logged in never share it).
When a reverse proxy caches in front (``wagtail.contrib.frontend_cache``), the same paths are sent
to it as URLs, and shared pages tell it how long it may keep them (``s-maxage``).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

from core import codings

logger = logging.getLogger(__name__)

# Never shared: the admin, private documents and their renditions, uploads and static files (served
# apart), and the API (its answers depend on query fields no purge names).
EXCLUDED_PREFIXES = (
    "/admin/",
    "/api/",
    "/documents/",
    "/display/",
    "/django-admin/",
    "/media/",
    "/static/",
)
LARGE_TYPE_COOKIE = "large_type"
KEY_PREFIX = "pagecache"


def _seconds() -> int:
    return int(getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 0))


def _release() -> str:
    """The code release the app servers run (PORTAL_RELEASE): pages and fragments kept by another
    release are never served, since their HTML names that release's static files and their heads
    its context. The generation tokens are shared by every release."""
    return str(getattr(settings, "PORTAL_RELEASE", ""))


def _day() -> str:
    """Today in the site's time zone: each day has its own pages and fragments."""
    return timezone.localdate().isoformat()


def _cache():
    return caches[getattr(settings, "PORTAL_PAGE_CACHE_ALIAS", "default")]


def _prefixes(path: str) -> list[str]:
    """'/a/b/c/' → ['/', '/a/', '/a/b/', '/a/b/c/'] (a path without a trailing slash ends with itself)."""
    parts = [p for p in path.split("/") if p]
    prefixes, current = ["/"], "/"
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        current = f"{current}{part}" + ("" if last and not path.endswith("/") else "/")
        prefixes.append(current)
    return list(dict.fromkeys(prefixes))


def _exact_key(path: str) -> str:
    return f"{KEY_PREFIX}:exact:{path}"


def _tree_key(path: str) -> str:
    return f"{KEY_PREFIX}:tree:{path}"


def _generation_keys(path: str) -> list[str]:
    return [_exact_key(path)] + [_tree_key(prefix) for prefix in _prefixes(path)]


# The form of a stored entry: (stamp, status, headers, digest of the bytes).
ENTRY_FORM = "2"


def _page_key(request) -> str:
    """One entry per host, path, query string, type size and the codings the reader accepts; which
    generations it was rendered under is stored inside it (see PageCacheMiddleware)."""
    parts = [
        ENTRY_FORM,
        _release(),
        _day(),
        request.get_host(),
        request.path,
        request.META.get("QUERY_STRING", ""),
        "L" if request.COOKIES.get(LARGE_TYPE_COOKIE) == "1" else "N",
        codings.coding_key(request),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"{KEY_PREFIX}:page:{digest}"


def _stamp(values: dict, generation_keys: list[str]) -> str:
    return "|".join(str(values.get(key, "")) for key in generation_keys)


def anonymous_public_read(request) -> bool:
    """A GET or HEAD of a public path by someone not logged in (no session, no credentials): what
    every such reader is shown alike. The page cache, the fragments and the read replica
    (core.replica) serve only these."""
    return (
        request is not None
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(EXCLUDED_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and "preview" not in request.GET
        and not getattr(request, "is_preview", False)
    )


def _read(keys: list[str], path: str) -> tuple[dict, str]:
    """The entries at `keys` and the stamp of `path`'s generations, in one round trip (MGET on
    Redis). Read before rendering: a purge during the render leaves what is stored stale at once."""
    generation_keys = _generation_keys(path)
    values = _cache().get_many([*keys, *generation_keys])
    return values, _stamp(values, generation_keys)


def cacheable_request(request) -> bool:
    return _seconds() > 0 and anonymous_public_read(request)


def cacheable_response(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def _body_key(digest: str) -> str:
    return f"{KEY_PREFIX}:body:{digest}"


class LocalBodies:
    """The bytes of the pages this app server served last, by digest, at most
    PORTAL_PAGE_CACHE_LOCAL_BYTES in all (least recently served first out). Bytes under a digest
    never change, so nothing here is ever stale: which bytes a page is made of is always read from
    the shared entry."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()  # gunicorn's threaded workers share one process

    @staticmethod
    def limit() -> int:
        return int(getattr(settings, "PORTAL_PAGE_CACHE_LOCAL_BYTES", 0))

    def get(self, digest: str) -> bytes | None:
        with self._lock:
            body = self._items.get(digest)
            if body is not None:
                self._items.move_to_end(digest)
            return body

    def put(self, digest: str, body: bytes) -> None:
        limit = self.limit()
        if len(body) > limit:
            return
        with self._lock:
            if digest in self._items:
                self._items.move_to_end(digest)
                return
            self._items[digest] = body
            self._size += len(body)
            while self._size > limit:
                _, oldest = self._items.popitem(last=False)
                self._size -= len(oldest)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._items)


local_bodies = LocalBodies()


def _body(digest: str) -> bytes | None:
    """A stored page's bytes: from this server's memory, else from the shared cache (then kept)."""
    body = local_bodies.get(digest)
    if body is None:
        body = _cache().get(_body_key(digest))
        if body is not None:
            local_bodies.put(digest, body)
    return body


class PageCacheMiddleware:
    """Answers anonymous readers from the page cache; stores what may be shared. Sits above GZip, so
    a stored page is already compressed for the readers that accept it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            return self.get_response(request)
        key = _page_key(request)
        values, stamp = _read([key], request.path)
        entry = values.get(key)
        if entry is not None and entry[0] == stamp and (body := _body(entry[3])) is not None:
            return self._from_entry(request, entry, body)
        response = self.get_response(request)
        if cacheable_response(response):
            response["X-Page-Cache"] = "miss"
            patch_cache_control(response, public=True)
            if getattr(settings, "WAGTAILFRONTENDCACHE", None) and "s-maxage" not in response.get(
                "Cache-Control", ""
            ):
                # A caching proxy or CDN is purged with the same paths (_purge_frontend): it may keep
                # the page as long as this cache does. Browsers are not told to keep it.
                patch_cache_control(response, s_maxage=_seconds())
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            headers = [(k, v) for k, v in response.items() if k != "X-Page-Cache"]
            body = response.content
            digest = hashlib.sha256(body).hexdigest()
            _cache().set_many(
                {_body_key(digest): body, key: (stamp, response.status_code, headers, digest)}, _seconds()
            )
            local_bodies.put(digest, body)
        return response

    @staticmethod
    def _from_entry(request, entry, body: bytes) -> HttpResponse:
        """The stored bytes and headers as a response: no pickled response object, no template."""
        _, status, headers, _ = entry
        response = HttpResponse(body, status=status)
        for name, value in headers:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return get_conditional_response(request, etag=response.get("ETag"), response=response)


# --------------------------------------------------------------------------- fragments
#
# When the page itself must be rendered (the page cache is off, or this path was just purged), its
# costly parts need not be: a section of the estate page, the quarter page's table, a page of the
# directory are kept as HTML under the same generation tokens as the page, so whatever retires the
# page retires them too, on every app server, and nothing else does. The page's own fields, its
# breadcrumbs, the header and the footer are rendered for every request.


def _fragment_seconds() -> int:
    return int(getattr(settings, "PORTAL_FRAGMENT_CACHE_SECONDS", 0))


@dataclass
class Fragment:
    """One fragment of this request's page: `html` (and `head`, what the page around it needs) when
    the cache had it under the current generations; else where to store it once rendered."""

    key: str
    stamp: str
    html: str | None = None
    head: dict = field(default_factory=dict)

    @property
    def hit(self) -> bool:
        return self.html is not None

    def store(self, html: str, head: dict | None = None) -> None:
        if head is not None:
            self.head = head
        _cache().set(self.key, (self.stamp, str(html), self.head), _fragment_seconds())


def fragments_apply(request) -> bool:
    """Only for what every anonymous reader of a public path is shown alike."""
    return _fragment_seconds() > 0 and anonymous_public_read(request)


def _fragment_key(parts: list[str]) -> str:
    digest = hashlib.sha256("\n".join([_release(), _day(), *parts]).encode()).hexdigest()
    return f"{KEY_PREFIX}:fragment:{digest}"


def fragments(request, names: Iterable[str], *, with_query: bool = False) -> dict[str, Fragment]:
    """{name: Fragment} of this request's page, read in one round trip with the path's generations
    ({} when fragments do not apply). Read the generations before the data the fragment shows: a
    purge while it renders then leaves the stored fragment stale at once."""
    names = list(names)
    if not names or not fragments_apply(request):
        return {}
    query = request.META.get("QUERY_STRING", "") if with_query else ""
    base = [request.get_host(), request.path, query]
    keys = {name: _fragment_key([*base, name]) for name in names}
    values, stamp = _read(list(keys.values()), request.path)
    found = {}
    for name, key in keys.items():
        entry = values.get(key)
        if entry is not None and entry[0] == stamp:
            found[name] = Fragment(key, stamp, html=entry[1], head=entry[2])
        else:
            found[name] = Fragment(key, stamp)
    return found


def fragment(request, name: str, *, with_query: bool = False) -> Fragment | None:
    return fragments(request, [name], with_query=with_query).get(name)


def with_fragment(
    request,
    name: str,
    build: Callable[[], dict | None],
    *,
    head: Iterable[str] | Callable[[dict], dict] = (),
    with_query: bool = False,
) -> dict | None:
    """The context of a page whose costly part is one fragment (`{% cachedfragment %}` in its
    template, which reads `page_fragment`).

    On a hit nothing is read: the context is what the page around the fragment needs (`head`, kept
    with it) and the fragment. On a miss it is `build()` (None passes through, for the caller's
    404), with the fragment to store once rendered and, kept with it, `head` — the named keys of
    the context, or what a function of the context returns (plain values: it is pickled)."""
    kept = fragment(request, name, with_query=with_query)
    if kept is not None and kept.hit:
        return {**kept.head, "page_fragment": kept}
    context = build()
    if context is None or kept is None:
        return context
    kept.head = head(context) if callable(head) else {key: context.get(key) for key in head}
    context["page_fragment"] = kept
    return context


def purge(*, exact: Iterable[str] = (), trees: Iterable[str] = ()) -> None:
    """Retire the cached pages at these public paths (each with all its query strings) and under
    these trees; done again once the transaction commits, so a reader in between cannot put the old
    page back. Paths are site-relative ('/estates/x/')."""
    exact, trees = sorted(set(exact)), sorted(set(trees))
    if not exact and not trees:
        return
    _bump(exact, trees)
    transaction.on_commit(lambda: _bump(exact, trees))
    transaction.on_commit(lambda: _purge_frontend(exact, trees))


def _bump(exact: list[str], trees: list[str]) -> None:
    token = secrets.token_hex(6)
    values = {_exact_key(path): token for path in exact}
    values.update({_tree_key(path): token for path in trees})
    _cache().set_many(values, timeout=None)


# A tree is sent to the proxy as its root URL followed by this: everything that begins with the
# root. Any other URL is one page with all its query strings (README, production layout). Home is
# such a page, so a purge never empties the proxy.
TREE_MARK = "*"


def _purge_frontend(exact: list[str], trees: list[str]) -> None:
    """Tell a reverse proxy, when one is configured (WAGTAILFRONTENDCACHE): the same exact paths and
    trees as the page cache, a tree marked by TREE_MARK (also the wildcard of CDN invalidations)."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    base = settings.PORTAL_BASE_URL
    try:
        purge_urls_from_cache([base + path for path in exact] + [base + path + TREE_MARK for path in trees])
    except Exception:  # a proxy that does not answer must never undo a publication
        logger.exception("front-end cache purge failed")


def public_path(url_path: str | None) -> str | None:
    """A page's site-relative public path from its url_path ('/home/estates/x/' → '/estates/x/')."""
    from wagtail.models import Site

    if not url_path:
        return None
    for root in Site.get_site_root_paths():
        if url_path.startswith(root.root_path):
            return "/" + url_path[len(root.root_path) :]
    return None


def purge_pages(url_paths: Iterable[str | None], *, with_parents: bool = True) -> None:
    """Retire pages by their url_paths: each page with everything under it (its routes, versions
    and feeds), and the page that lists it (its parent), with the home page, search, the sitemap (its
    index and every section: portal/sitemaps.py)."""
    trees, exact = set(), {"/", "/sitemap.xml", "/sitemap-pages.xml"}
    for url_path in url_paths:
        path = public_path(url_path)
        if path is None:
            continue
        trees.add(path)
        if with_parents and path != "/":
            exact.add(path.rstrip("/").rsplit("/", 1)[0] + "/")
    purge(exact=exact, trees=trees | {"/search/"})


def on_page_changed(sender, instance, **kwargs):
    """Any page published, unpublished, moved or deleted: the page, its tree and its parent."""
    paths = [instance.url_path]
    if old := kwargs.get("url_path_before"):
        paths.append(old)
    purge_pages(paths)


def connect() -> None:
    from django.db.models.signals import post_delete

    from wagtail.models import Page
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(on_page_changed, dispatch_uid="pagecache-page-published")
    page_unpublished.connect(on_page_changed, dispatch_uid="pagecache-page-unpublished")
    post_page_move.connect(on_page_changed, dispatch_uid="pagecache-page-moved")
    # Sent for the Page row of every page deleted (a specific page's delete includes its Page
    # row): connected to Page only, so other models' deletes keep Django's fast path (a receiver
    # for every model makes `QuerySet.delete()` load each row before deleting it).
    post_delete.connect(on_page_changed, sender=Page, dispatch_uid="pagecache-page-deleted")
