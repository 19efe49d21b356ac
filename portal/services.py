"""Writes of the site shell."""

from urllib.parse import urlsplit

from django.db import transaction

from wagtail.models import Site


@transaction.atomic
def site_address_sync(*, base_url: str) -> Site:
    """Give the default Site the public host and port of `base_url` (PORTAL_BASE_URL).

    Wagtail builds every absolute page URL (sitemap, API `html_url`) from the Site record, which a
    fresh database creates as `localhost:80`; the site's real address belongs there instead.
    """
    parts = urlsplit(base_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"not an http(s) address: {base_url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    site = Site.objects.select_for_update().get(is_default_site=True)
    if (site.hostname, site.port) != (parts.hostname, port):
        site.hostname, site.port = parts.hostname, port
        site.save(update_fields=["hostname", "port"])
    return site
