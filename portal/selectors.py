"""Reads of the site shell: the navigation and the site settings, cached together (one round trip)."""

from django.core.cache import cache

from wagtail.models import Page, Site

from portal.models import PortalSettings

NAV_CACHE_KEY = "portal:nav-live-paths"


def nav_sections(sections, *, current_path: str, live_paths: list[str]) -> list[dict]:
    """The navigation entries whose section page is live (`live_paths`, from `shell_values`),
    marking the one the reader is in."""
    entries = []
    for path, label in sections:
        if path not in live_paths:
            continue
        active = current_path == path if path == "/" else current_path.startswith(path)
        entries.append({"url": path, "label": label, "active": active})
    return entries


SETTINGS_CACHE_KEY = "portal:settings:{site_id}"


def shell_values(request) -> tuple[list[str], PortalSettings | None]:
    """What every page's shell shows: the live section paths of the navigation and the request's
    site's PortalSettings (None without a site, or without a request), read from the cache in one
    round trip; each read from the database (one query) only when the cache lacks it."""
    site = Site.find_for_request(request) if request is not None else None
    settings_key = SETTINGS_CACHE_KEY.format(site_id=site.pk) if site is not None else None
    values = cache.get_many([NAV_CACHE_KEY] + ([settings_key] if settings_key else []))
    live_paths = values.get(NAV_CACHE_KEY)
    if live_paths is None:
        live_paths = sorted(
            "/" + "/".join(p.split("/")[2:])
            for p in Page.objects.live().filter(depth__in=[2, 3]).values_list("url_path", flat=True)
        )
        cache.set(NAV_CACHE_KEY, live_paths, 60)
    portal_settings = values.get(settings_key) if settings_key else None
    if portal_settings is None and site is not None:
        portal_settings = PortalSettings.for_site(site)
        cache.set(settings_key, portal_settings, 300)
    return live_paths, portal_settings
