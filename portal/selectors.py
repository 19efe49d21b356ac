"""Reads of the site shell: the navigation and the site settings, each cached (one query at most)."""

from django.core.cache import cache

from wagtail.models import Page, Site

from portal.models import PortalSettings

NAV_CACHE_KEY = "portal:nav-live-paths"


def nav_sections(sections, *, current_path: str) -> list[dict]:
    """The navigation entries whose section page is live, marking the one the reader is in.

    One cached query: the set of live top-level section paths changes only when a page is published.
    """
    key = NAV_CACHE_KEY
    live_paths = cache.get(key)
    if live_paths is None:
        live_paths = sorted(
            "/" + "/".join(p.split("/")[2:])
            for p in Page.objects.live().filter(depth__in=[2, 3]).values_list("url_path", flat=True)
        )
        cache.set(key, live_paths, 60)
    entries = []
    for path, label in sections:
        if path not in live_paths:
            continue
        active = current_path == path if path == "/" else current_path.startswith(path)
        entries.append({"url": path, "label": label, "active": active})
    return entries


SETTINGS_CACHE_KEY = "portal:settings:{site_id}"


def portal_settings_for(request):
    """The site's PortalSettings, cached: the footer and the demo notice are on every page."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    key = SETTINGS_CACHE_KEY.format(site_id=site.pk)
    value = cache.get(key)
    if value is None:
        value = PortalSettings.for_site(site)
        cache.set(key, value, 300)
    return value
