"""The public pages of the registry: /estates/ and /firms/ with one page per estate and firm, kept
in step with the records by `registry.services.directory_pages_sync`.

Each domain app adds its own sections to the estate and firm pages (`registry.sections`), so these
pages never import the apps above them.
"""

from django.core.paginator import Paginator
from django.db import models
from django.http import Http404

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from core import pagecache
from core.search import CHINESE_SEARCH_FIELDS, ChineseSearchable
from registry import selectors
from registry.models.records import Estate, Firm

DIRECTORY_PAGE_SIZE = 20


class EstateIndexPage(Page):
    """/estates/: every estate, filterable by street, community and group."""

    intro = models.CharField("导语", max_length=200, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["registry.EstatePage"]
    max_count = 1
    template = "registry/estate_index_page.html"

    class Meta:
        db_table = "portal_estateindexpage"  # the table it had in portal: moved, not copied
        verbose_name = "小区目录"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The filters and this page of estates with their plates, kept as HTML under the
        # directory's purges (core.pagecache fragments): a kept page reads no estate.
        context.update(
            pagecache.with_fragment(request, "directory", lambda: self._directory(request), with_query=True)
        )
        return context

    def _directory(self, request) -> dict:
        filterset = selectors.estate_directory_filter(data=request.GET, index_page=self)
        page_obj = _paginate(request, filterset.qs)
        return {
            "filterset": filterset,
            "page_obj": page_obj,
            "estates": selectors.estate_rows(page_obj.object_list),
            "query_string": _query_string_without_page(request),
        }


class EstatePage(ChineseSearchable, Page):
    """One estate's public record; created and kept in step with the registry by the import."""

    estate = models.OneToOneField(Estate, verbose_name="小区", on_delete=models.PROTECT, related_name="page")
    body = RichTextField("补充说明", blank=True)

    content_panels = Page.content_panels + [FieldPanel("estate"), FieldPanel("body")]
    search_fields = Page.search_fields + CHINESE_SEARCH_FIELDS
    parent_page_types = ["registry.EstateIndexPage"]
    subpage_types: list[str] = []
    template = "registry/estate_page.html"

    class Meta:
        db_table = "portal_estatepage"  # the table it had in portal: moved, not copied
        verbose_name = "小区页面"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The record below the breadcrumbs is kept as HTML under this page's purges (core.pagecache
        # fragments): a reader of a kept record reads only the page itself.
        context.update(
            pagecache.with_fragment(
                request,
                "estate",
                lambda: selectors.estate_detail(estate_id=self.estate_id),
                head=selectors.estate_head,
            )
        )
        return context

    @classmethod
    def get_indexed_objects(cls):
        return selectors.estate_pages_for_index(super().get_indexed_objects())

    def search_texts(self) -> list[str]:
        return selectors.estate_search_texts(self.estate)

    def search_names(self) -> list[str]:
        return [self.title, self.estate.name]


class FirmIndexPage(Page):
    """/firms/: every property firm with the estates it manages now."""

    intro = models.CharField("导语", max_length=200, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["registry.FirmPage"]
    max_count = 1
    template = "registry/firm_index_page.html"

    class Meta:
        db_table = "portal_firmindexpage"  # the table it had in portal: moved, not copied
        verbose_name = "物业企业目录"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        query = request.GET.get("q", "").strip()[:100]
        page_obj = _paginate(request, selectors.firm_directory(index_page=self, query=query))
        context.update(
            page_obj=page_obj,
            firms=selectors.firm_rows(page_obj.object_list),
            query=query,
            query_string=_query_string_without_page(request),
        )
        return context


class FirmPage(ChineseSearchable, Page):
    """One firm's public record: the estates it manages and has managed."""

    firm = models.OneToOneField(Firm, verbose_name="物业企业", on_delete=models.PROTECT, related_name="page")
    body = RichTextField("企业简介", blank=True)

    content_panels = Page.content_panels + [FieldPanel("firm"), FieldPanel("body")]
    search_fields = Page.search_fields + CHINESE_SEARCH_FIELDS
    parent_page_types = ["registry.FirmIndexPage"]
    subpage_types: list[str] = []
    template = "registry/firm_page.html"

    class Meta:
        db_table = "portal_firmpage"  # the table it had in portal: moved, not copied
        verbose_name = "物业企业页面"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # As the estate page: the record is kept as HTML under this page's purges.
        context.update(
            pagecache.with_fragment(
                request,
                "firm",
                lambda: selectors.firm_detail(firm_id=self.firm_id),
                head=selectors.firm_head,
            )
        )
        return context

    @classmethod
    def get_indexed_objects(cls):
        return selectors.firm_pages_for_index(super().get_indexed_objects())

    def search_texts(self) -> list[str]:
        return selectors.firm_search_texts(self.firm)

    def search_names(self) -> list[str]:
        return [self.title, self.firm.name]


def _paginate(request, queryset):
    paginator = Paginator(queryset, DIRECTORY_PAGE_SIZE)
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    if number < 1 or (number > paginator.num_pages and number != 1):
        raise Http404("没有这一页")
    return paginator.page(number)


def _query_string_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
