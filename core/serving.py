"""The fixed cost of serving a public page, out of the database (issue 14).

Every page Wagtail serves first asks three things that almost never change: which Site answers the
request's host (a query), the site's root page and its specific page (two more, to start the
walk), and whether a view restriction applies to the page (two more: its ancestors' aliases, then
the restrictions). This module answers them from one small *serving state* — the sites with their
root pages' tree paths, and whether any view restriction exists at all — read once per request:

* `ServingMiddleware` puts the request's Site where `Site.find_for_request` keeps it
  (`request._wagtail_site`), so Wagtail, the settings and the portal's own selectors find it
  without a query;
* for Wagtail's page view it routes the path as `core.routing.DirectRouteMixin` does, from the
  root page's paths in the state (no root page to load), and puts the result where
  `Page.route_for_request` keeps it (`request._wagtail_route_for_request`); the rows that query
  returns also hold the page's ancestors, which the breadcrumbs then take (`page_ancestors`);
* when no view restriction exists anywhere, the served page is told so and Wagtail's
  `check_view_restrictions` costs nothing; otherwise Wagtail checks as it always does.

Correctness across several app servers: the state lives in the shared cache under a *generation*
token. Every change that could alter it (a Site saved or deleted, a site's root page saved or any
page moved, a view restriction saved or deleted) replaces the token, at once and again when the
transaction commits. A reader reads the token before the database and files what it read under
that token, so a state read before a change can never be taken for one after it; a process keeps
its last state only under its token, which every request reads from the shared cache. A request
inside a transaction of its own (an editor's, which may still roll back) reads the database and
keeps nothing.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, transaction
from django.http import Http404
from django.http.request import split_domain_port

from wagtail.models import Page, PageViewRestriction, Site
from wagtail.models.sites import SiteRootPath

GENERATION_KEY = "portal:serving:generation"
STATE_KEY = "portal:serving:state:2"  # the number changes with the state's shape
STATE_SECONDS = 24 * 60 * 60  # a bound only: every change replaces the generation

SITE_FIELDS = ("id", "hostname", "port", "site_name", "root_page_id", "is_default_site")

_local = {"generation": None, "state": None}  # this process's copy, valid only under its token


def _in_own_transaction() -> bool:
    """Inside an atomic block that may still roll back (a test case's own wrapping aside)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _read_state() -> dict:
    sites = list(Site.objects.order_by("pk").values_list(*SITE_FIELDS))
    rows = list(
        Page.objects.filter(pk__in=[row[4] for row in sites]).values_list(
            "pk", "path", "url_path", "content_type_id", "locale__language_code"
        )
    )
    roots = {pk: (path, url_path, content_type_id) for pk, path, url_path, content_type_id, _ in rows}
    languages = {row[0]: row[4] for row in rows}
    return {
        "sites": sites,
        "roots": roots,
        "root_paths": _site_root_paths(sites, roots, languages),
        "restricted": PageViewRestriction.objects.exists(),
    }


def _site_root_paths(sites, roots, languages) -> list[SiteRootPath] | None:
    """`Site.get_site_root_paths()` as Wagtail computes it (wagtail/models/sites.py), from the rows
    the state holds: most specific root first. None with i18n, where Wagtail lists translations."""
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return None
    rows = []
    for row in sites:
        root = roots.get(row[4])
        if root is None:
            continue
        site = Site.from_db(Site.objects.db, list(SITE_FIELDS), list(row))
        rows.append(
            (
                root[1],
                site.is_default_site,
                site.hostname,
                SiteRootPath(site.id, root[1], site.root_url, languages.get(row[4])),
            )
        )
    rows.sort(key=lambda r: r[2])  # hostname, ascending …
    rows.sort(key=lambda r: (r[0], r[1]), reverse=True)  # … within url path and default site, descending
    return [r[3] for r in rows]


def new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def state() -> dict:
    """The serving state: sites (SITE_FIELDS rows), roots {page id: (path, url_path, content type
    id)}, restricted (whether any view restriction exists)."""
    if _in_own_transaction():
        return _read_state()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    if generation is not None and _local["generation"] == generation:
        return _local["state"]
    stored = cache.get(STATE_KEY)
    if stored is not None and stored[0] == generation:
        value = stored[1]
    else:
        value = _read_state()  # read after the token: filed under it, never under a later one
        cache.set(STATE_KEY, (generation, value), STATE_SECONDS)
    _local["generation"], _local["state"] = generation, value
    return value


def site_for(sites, hostname: str, port: int):
    """The row of the site for hostname and port, chosen exactly as Wagtail's
    `get_site_for_hostname` chooses (wagtail/models/sites.py), or None."""
    ranked = []
    for row in sites:
        _, host, site_port, _, _, is_default = row
        if host == hostname and site_port == port:
            rank = 0
        elif host == hostname and is_default:
            rank = 1
        elif is_default:
            rank = 2
        elif host == hostname:
            rank = 3
        else:
            continue
        ranked.append((rank, row))
    ranked.sort(key=lambda item: item[0])
    if not ranked:
        return None
    if len(ranked) == 1 or ranked[0][0] in (0, 1):
        return ranked[0][1]
    if ranked[0][0] == 2:
        return ranked[len(ranked) == 2][1]
    return None


def find_site(request, current: dict):
    hostname = split_domain_port(request._get_raw_host())[0]
    row = site_for(current["sites"], hostname, request.get_port())
    if row is None:
        return None
    return Site.from_db(Site.objects.db, list(SITE_FIELDS), list(row))


def _no_view_restrictions():
    """Stands in for `page.get_view_restrictions` on a page served while no restriction exists."""
    return PageViewRestriction.objects.none()


def route(request, path: str, current: dict) -> None:
    """Route a page path as Wagtail's `route_for_request` does (`site.root_page.specific.route`,
    which is `DirectRouteMixin.route` here) without loading the root page's base row, and with the
    root's paths from the serving state; leaves a root page that routes otherwise, and i18n, to
    Wagtail."""
    from core.routing import DirectRouteMixin, candidate_pages

    site = Site.find_for_request(request)
    root = current["roots"].get(site.root_page_id) if site is not None else None
    if root is None or getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return
    root_path, root_url_path, content_type_id = root
    root_class = ContentType.objects.get_for_id(content_type_id).model_class()
    if root_class is None:
        return
    components = [component for component in path.split("/") if component]
    found = None
    if components:
        if not issubclass(root_class, DirectRouteMixin):
            return
        found = candidate_pages(root_path, root_url_path, components)
    if found is None:
        # The home page itself, or a path no page below the root starts: the root page's own route
        # (Wagtail's walk, which answers 404, or a route of its own), as DirectRouteMixin hands on,
        # from `site.root_page.specific` loaded without the base row first.
        page = root_class._default_manager.filter(pk=site.root_page_id).first()
        if page is None:
            return
        remaining, rows = components, []
        route_page = super(DirectRouteMixin, page).route if components else page.route
    else:
        base, rows, remaining = found
        page = base.specific
        route_page = page.route
    if not current["restricted"]:
        page.get_view_restrictions = _no_view_restrictions
    if current.get("root_paths") is not None:
        page._wagtail_cached_site_root_paths = current["root_paths"]  # `{{ page.url }}` alike
    _remember_ancestors(request, page, rows)
    try:
        request._wagtail_route_for_request = route_page(request, remaining)
    except Http404:
        request._wagtail_route_for_request = None


def _remember_ancestors(request, page, rows) -> None:
    """Keep the page's ancestors below the site root (depth > 2) if the routing rows hold every
    one of them: the page's own tree path says which they are."""
    steplen = Page.steplen
    wanted = {page.path[: depth * steplen] for depth in range(3, page.depth)}
    by_path = {row.path: row for row in rows if row.path in wanted}
    if len(by_path) == len(wanted):
        memo = getattr(request, "_portal_ancestors", {})
        memo[page.pk] = [by_path[path] for path in sorted(by_path)]
        request._portal_ancestors = memo


def page_ancestors(request, page):
    """The page's ancestors below the site root, as `page.get_ancestors().filter(depth__gt=2)`
    would list them, from the routing of this request when it found them, else None."""
    return getattr(request, "_portal_ancestors", {}).get(page.pk) if request is not None else None


class ServingMiddleware:
    """The request's Site from the serving state; Wagtail's page view routed from it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        current = state()
        request._portal_serving_state = current
        request._wagtail_site = find_site(request, current)
        if current.get("root_paths") is not None:
            # Where Wagtail's URL building keeps the site root paths for this request
            # (`Page._get_site_root_paths(cache_object)`): no cache read per page URL.
            request._wagtail_cached_site_root_paths = current["root_paths"]
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from wagtail import views as wagtail_views

        if view_func is wagtail_views.serve and not hasattr(request, "_wagtail_route_for_request"):
            path = view_kwargs.get("path", view_args[0] if view_args else "")
            route(request, path, request._portal_serving_state)
        return None


def changed(**kwargs) -> None:
    """Something the serving state holds changed: a new generation now and after the commit."""
    new_generation()
    transaction.on_commit(new_generation)


def _page_saved(sender, instance, **kwargs):
    """A site's root page saved (its slug, so its URL path, may have changed)."""
    if not isinstance(instance, Page):
        return
    generation = cache.get(GENERATION_KEY)
    if generation is not None and generation == _local["generation"]:
        is_root = instance.pk in _local["state"]["roots"]  # the sites as of the current generation
    else:
        is_root = Site.objects.filter(root_page_id=instance.pk).exists()
    if is_root:
        changed()


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from wagtail.signals import post_page_move

    for model in (Site, PageViewRestriction):
        post_save.connect(changed, sender=model, dispatch_uid=f"serving-{model.__name__}-saved")
        post_delete.connect(changed, sender=model, dispatch_uid=f"serving-{model.__name__}-deleted")
    post_save.connect(_page_saved, dispatch_uid="serving-page-saved")
    post_page_move.connect(changed, dispatch_uid="serving-page-moved")
