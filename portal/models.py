"""The site shell: home page, the public directory of estates and firms, site settings."""

from django.db import models
from django.utils.html import strip_tags

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page, Site
from wagtail.permission_policies.sites import SitePermissionPolicy

from core import pagecache
from core.routing import DirectRouteMixin
from core.search import CHINESE_SEARCH_FIELDS, ChineseSearchable
from registry import selectors
from registry.sections import HOME, sections_for


class SiteSettingPermissionPolicy(SitePermissionPolicy):
    """Wagtail's policy, with the sites a user may edit as a plain queryset: Wagtail's own is
    DISTINCT with the Site ordering, which PostgreSQL refuses (a 500 for every user who may not edit
    the current site's settings, firms and committee included, in Wagtail 8.0.1)."""

    def sites_user_has_any_permission_for(self, user, actions):
        sites = super().sites_user_has_any_permission_for(user, actions)
        return Site.objects.filter(pk__in=sites.order_by().values("pk"))


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

    @classmethod
    def get_permission_policy(cls):
        return SiteSettingPermissionPolicy(cls)


class HomePage(DirectRouteMixin, Page):
    """The front door: find my estate, and the ways into the directory. Routes every public path in
    two queries whatever its depth (core.routing)."""

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
        # The registry's figures and groups are kept as HTML under the home page's purges (an
        # import that adds or renames estates retires it): a reader of a kept part counts nothing.
        context.update(
            pagecache.with_fragment(
                request,
                "directory",
                lambda: {"directory_stats": selectors.directory_stats(), "groups": selectors.group_list()},
            )
        )
        context["sections"] = sections_for(HOME)
        context["single_search"] = True  # the find-my-estate box stands in for the header's
        return context


class StandardPage(ChineseSearchable, Page):
    """A plain page (about, how the rating works, field descriptions…)."""

    intro = models.CharField("导语", max_length=200, blank=True)
    body = RichTextField("正文", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["portal.HomePage", "portal.StandardPage"]
    search_fields = Page.search_fields + CHINESE_SEARCH_FIELDS
    template = "portal/standard_page.html"

    class Meta:
        verbose_name = "普通页面"

    def search_texts(self) -> list[str]:
        return [self.intro, strip_tags(self.body)]
