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


def deepest_page(root: Page, components: list[str]):
    """(the deepest page at root's URL path plus a prefix of the components, the components left);
    None when no page below root matches even the first component."""
    candidates = {f"{root.url_path}{'/'.join(components[:n])}/": n for n in range(len(components), 0, -1)}
    base = (
        Page.objects.filter(url_path__in=list(candidates), path__startswith=root.path)
        .order_by("-depth")
        .first()
    )
    if base is None:
        return None
    return base.specific, components[candidates[base.url_path] :]


class DirectRouteMixin:
    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        found = deepest_page(self, list(path_components))
        if found is None:
            return super().route(request, path_components)  # Wagtail's own 404
        page, remaining = found
        return page.route(request, remaining)
