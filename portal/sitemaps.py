"""The sitemap of the public site in sections of SITEMAP_PAGE_SIZE pages (the sitemaps protocol
allows 50,000 URLs a file): `/sitemap.xml` is the index, `/sitemap-pages.xml?p=N` the sections.

A city has 10,000 estates, 2,000 firms and 10,000 cases: one sitemap of all of them was 3 MB and
took 7.5 s to write whenever a publication retired it, and a larger city would pass the protocol's
limit. The index costs three queries whatever the size; a section, one per kind of page in it.
Every address is on the site's configured host (`PORTAL_BASE_URL`), like the pages' own.
"""

from __future__ import annotations

import math

from django.contrib.sitemaps.views import SitemapIndexItem
from django.db.models import Count, Max
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import reverse

from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

SITEMAP_PAGE_SIZE = 5_000
SECTION = "pages"


class PortalSitemap(Sitemap):
    """Wagtail's sitemap of the live public pages, SITEMAP_PAGE_SIZE to a section."""

    @property
    def limit(self) -> int:  # read when used, so that a test can make sections small
        return SITEMAP_PAGE_SIZE

    def pages(self):
        """The pages listed, without their specific models: for counting and the latest change."""
        site = self.get_wagtail_site()
        return site.root_page.get_descendants(inclusive=True).live().public()

    def summary(self) -> dict:
        """How many pages are listed and when the last of them was published, in one query."""
        # As Wagtail's lastmod of a page: when it was last published, else its latest revision.
        changed = Coalesce("last_published_at", "latest_revision_created_at")
        return self.pages().aggregate(count=Count("pk"), latest=Max(changed))


SITEMAPS = {SECTION: PortalSitemap}


def index(request):
    """The sitemap index: one entry a section page, addressed on the site's own host. Django's own
    index would read every page of the site for its lastmod, and name the request's host."""
    sitemap = PortalSitemap(request)
    root_url = sitemap.get_wagtail_site().root_url
    location = root_url + reverse("sitemap_section", kwargs={"section": SECTION})
    summary = sitemap.summary()
    sections = max(1, math.ceil(summary["count"] / sitemap.limit))
    lastmod = summary["latest"]
    items = [
        SitemapIndexItem(location if number == 1 else f"{location}?p={number}", lastmod)
        for number in range(1, sections + 1)
    ]
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml")


def section(request, section: str):
    return wagtail_sitemap(request, sitemaps=SITEMAPS, section=section)
