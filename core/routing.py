"""Serving a deep page in two queries instead of two per level (issue 14).

Wagtail routes /estates/x/ one level at a time: the home page's child `estates` and its specific
page, then its child `x` and its specific page. `DirectRouteMixin` on the site's root page finds
the deepest page whose URL path the request's path starts with in one query (an index on
wagtailcore_page.url_path, portal migration 0006), loads its specific page in one more, and hands
it the rest of the path, as Wagtail would have.

One difference, harmless in this site and checked by tests: a routable page's own route (e.g. a
quarter page's `plates/<slug>/`) would win over a child page of the same name under Wagtail's
walk, while here the child page wins. No routable page here has children named like its routes.
"""

from wagtail.models import Page


def candidate_pages(root_path: str, root_url_path: str, components: list[str]):
    """(the deepest page below the root at root_url_path plus a prefix of the components, every
    page the query found — the deepest page's ancestors on the way down, depth first —, the
    components left); None when no page below the root matches even the first component. One query."""
    candidates = {f"{root_url_path}{'/'.join(components[:n])}/": n for n in range(len(components), 0, -1)}
    rows = list(
        Page.objects.filter(url_path__in=list(candidates), path__startswith=root_path).order_by("-depth")
    )
    if not rows:
        return None
    base = rows[0]
    return base, rows, components[candidates[base.url_path] :]


def deepest_page(root: Page, components: list[str]):
    """(the deepest page at root's URL path plus a prefix of the components, the components left);
    None when no page below root matches even the first component."""
    found = candidate_pages(root.path, root.url_path, components)
    if found is None:
        return None
    base, _, remaining = found
    return base.specific, remaining


class DirectRouteMixin:
    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        found = deepest_page(self, list(path_components))
        if found is None:
            return super().route(request, path_components)  # Wagtail's own 404
        page, remaining = found
        return page.route(request, remaining)
