"""/estates/<slug>/feed/: an Atom feed of one estate (SPEC §7) — new plates, corrections,
disclosures, cases — gathered from what the domain apps register (registry.sections)."""

import hashlib

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import condition

from registry.models import EstatePage
from registry.sections import estate_feed_entries


def _estate_page(slug: str) -> EstatePage:
    return get_object_or_404(EstatePage.objects.live().public().select_related("estate"), slug=slug)


def _etag(request, estate_slug: str) -> str:
    entries = estate_feed_entries(_estate_page(estate_slug).estate)
    marks = "|".join(f"{e.guid or e.url}@{e.published_at.isoformat()}" for e in entries)
    return '"' + hashlib.sha256(marks.encode()).hexdigest()[:32] + '"'


class EstateFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        # Conditional GET (304): a reader polling the feed downloads it again only after a change.
        return condition(etag_func=_etag)(super().__call__)(request, *args, **kwargs)

    def get_object(self, request, estate_slug: str):
        return _estate_page(estate_slug)

    def title(self, page):
        return f"阳光物业 · {page.estate.name}"

    def link(self, page):
        return page.url

    def subtitle(self, page):
        return f"{page.estate.name}的挂牌、更正、信息公开与三微案例"

    def items(self, page):
        return estate_feed_entries(page.estate)

    def item_title(self, entry):
        return entry.title

    def item_link(self, entry):
        return entry.url

    def item_guid(self, entry):
        return entry.guid or None

    item_guid_is_permalink = False

    def item_pubdate(self, entry):
        return entry.published_at

    def item_updateddate(self, entry):
        return entry.published_at

    def item_description(self, entry):
        return entry.summary
