"""/feeds/ratings/: an Atom entry per release, newest first; corrections are marked 更正 (SPEC §7)."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import condition

from ratings import selectors


def _feed_etag(request, *args, **kwargs) -> str:
    return f'"{selectors.feed_etag()}"'


class RatingsFeed(Feed):
    feed_type = Atom1Feed
    title = "阳光物业 · 物业服务评级发布"
    link = "/ratings/"
    subtitle = "每个季度评级的每一次发布（含更正），附各等级小区数与发布摘要（SHA-256）。"
    author_name = "考评委员会"

    def __call__(self, request, *args, **kwargs):
        # Conditional GET (304): the ETag names the releases the feed lists and the live quarters,
        # so a reader polling the feed downloads it again only when something was published.
        return condition(etag_func=_feed_etag)(super().__call__)(request, *args, **kwargs)

    def items(self):
        return selectors.feed_releases()

    def item_title(self, item):
        return item["title"]

    def item_link(self, item):
        return item["url"]

    def item_guid(self, item):
        # The digest names exactly one release, forever.
        return f"urn:sha256:{item['digest']}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item["published_at"]

    def item_updateddate(self, item):
        return item["published_at"]

    def item_author_name(self, item):
        return item["approved_by_name"]

    def item_description(self, item):
        counts = format_html_join(
            "", "<li>{}：{} 个小区</li>", ((b["label"], b["count"]) for b in item["bands"])
        )
        note = format_html("<p>更正说明：{}</p>", item["correction_note"]) if item["correction_note"] else ""
        previous = item["previous_digest"] or "无（第一次发布）"
        return format_html(
            "{}<ul>{}</ul><p>发布摘要（SHA-256）：<code>{}</code></p><p>上一次发布的摘要：<code>{}</code></p>",
            note,
            counts,
            item["digest"],
            previous,
        )
