"""/feeds/cases/: an Atom entry per published case, newest first (SPEC §6, §7)."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html

from cases import selectors


class CasesFeed(Feed):
    feed_type = Atom1Feed
    title = "阳光物业 · 三微案例"
    link = "/cases/"
    subtitle = "物业企业的微创新、微服务、微实事案例，经街道编辑审核后发布。"
    author_name = "街道编辑部"

    def items(self):
        return selectors.feed_cases()

    def item_title(self, item):
        return f"【{item['category_label']}】{item['title']}"

    def item_link(self, item):
        return item["url"]

    def item_guid(self, item):
        # The page id names the case for good, even if its title or address changes.
        return f"tag:sunshine-property,2025:cases/{item['pk']}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item["first_published_at"]

    def item_updateddate(self, item):
        return item["last_published_at"] or item["first_published_at"]

    def item_author_name(self, item):
        return item["firm__name"]

    def item_categories(self, item):
        return [item["category_label"]]

    def item_description(self, item):
        estate = format_html("<p>小区：{}</p>", item["estate__name"]) if item["estate__name"] else ""
        return format_html(
            "<p>{}</p><p>解决的问题：{}</p><p>物业企业：{}</p>{}<p>案例日期：{}</p>",
            item["summary"],
            item["problem"],
            item["firm__name"],
            estate,
            f"{item['case_date']:%Y-%m-%d}",
        )
