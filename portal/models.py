"""The site shell: home page, the public directory of estates and firms, site settings."""

from django.core.paginator import Paginator
from django.db import models
from django.http import Http404

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page

from portal import selectors

DIRECTORY_PAGE_SIZE = 20


@register_setting(icon="site")
class PortalSettings(BaseSiteSetting):
    """Footer facts every Chinese government site shows, and the demo-data notice switch."""

    organiser = models.CharField("主办单位", max_length=100, blank=True)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    contact_address = models.CharField("联系地址", max_length=200, blank=True)
    contact_email = models.EmailField("电子邮箱", blank=True)
    icp_number = models.CharField("ICP备案号", max_length=60, blank=True)
    police_number = models.CharField("公安机关备案号", max_length=60, blank=True)
    site_code = models.CharField("网站标识码", max_length=30, blank=True)
    demo_data = models.BooleanField(
        "演示数据",
        default=False,
        help_text="站点载入演示数据时打开：每个页面都会显示“演示数据”提示。导入真实数据前请先关闭。",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("organiser"),
                FieldPanel("contact_phone"),
                FieldPanel("contact_address"),
                FieldPanel("contact_email"),
            ],
            heading="主办与联系",
        ),
        MultiFieldPanel(
            [FieldPanel("icp_number"), FieldPanel("police_number"), FieldPanel("site_code")],
            heading="备案信息",
        ),
        FieldPanel("demo_data"),
    ]

    class Meta:
        verbose_name = "站点设置"


class HomePage(Page):
    """The front door: find my estate, and the ways into the directory."""

    intro = models.CharField("导语", max_length=200, blank=True)
    body = RichTextField("正文", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    template = "portal/home_page.html"

    class Meta:
        verbose_name = "首页"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["directory_stats"] = selectors.directory_stats()
        context["groups"] = selectors.group_list()
        return context


class EstateIndexPage(Page):
    """/estates/: every estate, filterable by street, community and group."""

    intro = models.CharField("导语", max_length=200, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.EstatePage"]
    max_count = 1
    template = "portal/estate_index_page.html"

    class Meta:
        verbose_name = "小区目录"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        filterset = selectors.estate_directory_filter(data=request.GET, index_page=self)
        page_obj = _paginate(request, filterset.qs)
        context.update(
            filterset=filterset,
            page_obj=page_obj,
            estates=selectors.estate_rows(page_obj.object_list),
            query_string=_query_string_without_page(request),
        )
        return context


class EstatePage(Page):
    """One estate's public record; created and kept in step with the registry by the import."""

    estate = models.OneToOneField(
        "ratings.Estate", verbose_name="小区", on_delete=models.PROTECT, related_name="page"
    )
    body = RichTextField("补充说明", blank=True)

    content_panels = Page.content_panels + [FieldPanel("estate"), FieldPanel("body")]
    parent_page_types = ["portal.EstateIndexPage"]
    subpage_types: list[str] = []
    template = "portal/estate_page.html"

    class Meta:
        verbose_name = "小区页面"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.estate_detail(estate_id=self.estate_id))
        return context


class FirmIndexPage(Page):
    """/firms/: every property firm with the estates it manages now."""

    intro = models.CharField("导语", max_length=200, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.FirmPage"]
    max_count = 1
    template = "portal/firm_index_page.html"

    class Meta:
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


class FirmPage(Page):
    """One firm's public record: the estates it manages and has managed."""

    firm = models.OneToOneField(
        "ratings.Firm", verbose_name="物业企业", on_delete=models.PROTECT, related_name="page"
    )
    body = RichTextField("企业简介", blank=True)

    content_panels = Page.content_panels + [FieldPanel("firm"), FieldPanel("body")]
    parent_page_types = ["portal.FirmIndexPage"]
    subpage_types: list[str] = []
    template = "portal/firm_page.html"

    class Meta:
        verbose_name = "物业企业页面"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.firm_detail(firm_id=self.firm_id))
        return context


class StandardPage(Page):
    """A plain page (about, how the rating works, field descriptions…)."""

    intro = models.CharField("导语", max_length=200, blank=True)
    body = RichTextField("正文", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    template = "portal/standard_page.html"

    class Meta:
        verbose_name = "普通页面"


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
