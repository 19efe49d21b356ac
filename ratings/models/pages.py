"""Public rating pages (SPEC §7): /ratings/ and one QuarterPage per quarter.

Pages read only releases, never provisional grades: a quarter is public from its first release
on, and what the public sees is exactly what the committee approved. Preview (for the committee
in the approval workflow) shows the provisional computation instead.
"""

from django.db import models, transaction
from django.http import Http404
from django.template.response import TemplateResponse

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.models import Page

from core import pagecache
from ratings import selectors
from ratings.admin.panels import QuarterReviewPanel
from ratings.models.scheme import validate_quarter


class RatingIndexPage(RoutablePageMixin, Page):
    """/ratings/: every published quarter, newest first, with its plate counts."""

    intro = models.CharField("导语", max_length=300, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["ratings.QuarterPage"]
    max_count = 1
    template = "ratings/rating_index_page.html"

    class Meta:
        verbose_name = "评级栏目"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["quarters"] = selectors.published_quarters(index_page=self)
        return context

    @path("data/", name="data_fields")
    def data_fields(self, request):
        """The description of every open-data field, in Chinese (SPEC §8)."""
        context = self.get_context(request)
        context.update(selectors.data_fields_context())
        return TemplateResponse(request, "ratings/data_fields.html", context)

    @path("rules/", name="rules")
    def rules(self, request):
        """评分办法: the rules as the scheme in force states them (SPEC §3), never typed by hand."""
        context = self.get_context(request)
        context.update(selectors.scheme_rules_context())
        return TemplateResponse(request, "ratings/rules.html", context)

    @path("")
    def index_route(self, request):
        return self.render(request)


class QuarterPage(RoutablePageMixin, Page):
    """One quarter: the table of its latest release, lists, appeals, approval and digest."""

    quarter = models.CharField(
        "季度", max_length=6, unique=True, validators=[validate_quarter], help_text="如 2025Q1"
    )
    intro = models.TextField("说明", blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("quarter", read_only=True),
        FieldPanel("intro"),
        QuarterReviewPanel(heading="审批前请核对"),
    ]
    parent_page_types = ["ratings.RatingIndexPage"]
    subpage_types: list[str] = []
    template = "ratings/quarter_page.html"
    preview_modes = [("", "暂定结果（未发布）")]

    class Meta:
        verbose_name = "季度评级"

    def publish(self, revision, *args, **kwargs):
        """Publishing and the release it makes (the page_published receiver) commit together or
        not at all, whichever path publishes: a release exists iff its page is live (SPEC §4)."""
        with transaction.atomic():
            return super().publish(revision, *args, **kwargs)

    # --- public routes: always from a release -----------------------------------------------

    @path("")
    def latest(self, request):
        return self._release_response(request, version=None)

    @re_path(r"^v(?P<version>[1-9][0-9]{0,3})/$")
    def version(self, request, version):
        return self._release_response(request, version=int(version))

    @path("plates/<slug:estate_slug>/")
    def plate(self, request, estate_slug, version=None):
        context = selectors.plate_context(
            quarter=self.quarter, estate_slug=estate_slug, request=request, version=version
        )
        if context is None:
            raise Http404("没有这块挂牌")
        context.update(page=self, self=self)
        return TemplateResponse(request, "ratings/plate.html", context)

    @re_path(r"^v(?P<version>[1-9][0-9]{0,3})/plates/(?P<estate_slug>[-\w]+)/$")
    def version_plate(self, request, version, estate_slug):
        """The plate of release k: kept printable, and saying plainly what superseded it."""
        return self.plate(request, estate_slug, version=int(version))

    def _release_response(self, request, *, version):
        # The table with its filters, lists and appeals is kept as HTML under this page's purges
        # (core.pagecache fragments): a reader of a kept page of it reads no release row.
        context = pagecache.with_fragment(
            request,
            "quarter",
            lambda: selectors.quarter_release_context(
                quarter=self.quarter, version=version, params=request.GET, url_path=self.url_path
            ),
            head=self._fragment_head,
            with_query=True,
        )
        if context is None:
            raise Http404("该季度尚未发布")
        context.update(self.get_context(request))
        return TemplateResponse(request, self.template, context)

    @staticmethod
    def _fragment_head(context: dict) -> dict:
        """What the page around the table needs when the table comes from the fragment cache."""
        head = {key: context.get(key) for key in ("quarter_label", "is_latest", "preview")}
        return {**head, "release": {"version": context["release"]["version"]}}

    # --- preview for the committee: the provisional computation --------------------------------

    def serve_preview(self, request, mode_name):
        context = self.get_context(request)
        context.update(
            selectors.quarter_preview_context(
                quarter=self.quarter, params=request.GET, url_path=self.url_path
            )
        )
        return TemplateResponse(request, self.template, context)
