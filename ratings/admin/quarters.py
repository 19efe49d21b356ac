"""Quarter actions in the admin (SPEC §4): editors compute a quarter, send it to the committee
and open corrections. Approval itself is Wagtail's workflow on the QuarterPage, so the list links
to the page's edit view. Every write goes through the services.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, re_path, reverse
from django.views import View

from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from core.errors import ActionRefused, ImportRefused
from core.models import BackgroundJob
from ratings import engine, selectors
from ratings.admin.committee import SUBMIT_PERMISSION, QuarterReviewView
from ratings.admin.common import breadcrumbs
from ratings.models import Correction, Release
from ratings.services.publication import correction_open, quarter_submit
from ratings.tasks import QUARTER_COMPUTE, quarter_compute_start
from registry.permissions import user_is_firm_scoped

QUARTER_RE = rf"(?P<quarter>{engine.QUARTER_PATTERN})"
CORRECTION_PERMISSION = "ratings.open_correction"
QUARTERS_VIEW_PERMISSIONS = ("ratings.view_release", SUBMIT_PERMISSION, CORRECTION_PERMISSION)


# --- quarters: compute, submit to the committee, open a correction ------------------------------


def _can_see_quarters(user) -> bool:
    return any(user.has_perm(p) for p in QUARTERS_VIEW_PERMISSIONS) and not user_is_firm_scoped(user)


class QuarterIndexView(WagtailAdminTemplateMixin, View):
    """Each quarter's state (computed, in review, released, locked, under correction) and actions."""

    template_name = "ratings/admin/quarters/index.html"
    page_title = "季度评级与发布"
    header_icon = "calendar-alt"

    def dispatch(self, request, *args, **kwargs):
        if not _can_see_quarters(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return breadcrumbs({"url": "", "label": self.page_title})

    def get(self, request):
        user = request.user
        context = self.get_context_data(
            rows=_with_computing_jobs(selectors.quarter_overview()),
            can_submit=user.has_perm(SUBMIT_PERMISSION),
            can_correct=user.has_perm(CORRECTION_PERMISSION),
            window_days=settings.PORTAL_APPEAL_WINDOW_DAYS,
        )
        return TemplateResponse(request, self.template_name, context)


def _with_computing_jobs(rows: list[dict]) -> list[dict]:
    """Each row with the background job computing its quarter now, if any (`computing`)."""
    active = BackgroundJob.objects.filter(kind=QUARTER_COMPUTE, status__in=BackgroundJob.ACTIVE)
    jobs = {job.subject: job for job in active}
    return [{**row, "computing": jobs.get(row["quarter"])} for row in rows]


class QuarterActionView(View):
    """A POST that runs one service on a quarter and returns to the list with its outcome."""

    http_method_names = ["post"]
    permission = SUBMIT_PERMISSION

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission) or user_is_firm_scoped(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, quarter):
        try:
            message = self.act(quarter=quarter, user=request.user)
        except ActionRefused as exc:
            messages.error(request, str(exc))
        except ImportRefused as exc:
            messages.error(request, "；".join(exc.lines()) or str(exc))
        else:
            messages.success(request, message)
        return redirect("ratings_quarters:index")

    def act(self, *, quarter, user) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


class QuarterComputeView(QuarterActionView):
    """Computing a city's quarter takes a while: it runs as a background job, and the editor lands
    on the job's page (the same page when the quarter is already being computed)."""

    def post(self, request, quarter):
        try:
            job, created = quarter_compute_start(quarter=quarter, user=request.user)
        except ImportRefused as exc:
            messages.error(request, "；".join(exc.lines()) or str(exc))
            return redirect("ratings_quarters:index")
        if not created:
            messages.info(request, f"{quarter} 已在计算中：这是正在进行的那次计算")
        return redirect("background_jobs:detail", job.pk)


class QuarterSubmitView(QuarterActionView):
    def act(self, *, quarter, user):
        quarter_submit(quarter=quarter, user=user)
        return f"已重新计算 {quarter} 并提交考评委员会审批；委员会批准后自动发布"


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label="更正理由",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="必填，至少 5 个字。理由会作为更正说明随新版本公开。",
    )


class CorrectionOpenView(WagtailAdminTemplateMixin, View):
    """Reopen a released quarter with a public reason (`correction_open`)."""

    template_name = "ratings/admin/quarters/correction_form.html"
    header_icon = "edit"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(CORRECTION_PERMISSION) or user_is_firm_scoped(request.user):
            raise PermissionDenied
        self.quarter = kwargs["quarter"]
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"发起更正：{self.quarter}"

    def get_breadcrumbs_items(self):
        return breadcrumbs(
            {"url": reverse("ratings_quarters:index"), "label": QuarterIndexView.page_title},
            {"url": "", "label": self.get_page_title()},
        )

    def render(self, form):
        release = Release.objects.defer("document").filter(quarter=self.quarter).order_by("-version").first()
        context = self.get_context_data(
            form=form,
            quarter=self.quarter,
            release=release,
            correction=Correction.objects.filter(quarter=self.quarter, release__isnull=True).first(),
        )
        return TemplateResponse(self.request, self.template_name, context)

    def get(self, request, quarter):
        return self.render(CorrectionForm())

    def post(self, request, quarter):
        form = CorrectionForm(request.POST)
        if form.is_valid():
            try:
                correction_open(quarter=quarter, reason=form.cleaned_data["reason"], user=request.user)
            except ActionRefused as exc:
                form.add_error("reason", str(exc))
            else:
                messages.success(
                    request,
                    f"已为 {quarter} 发起更正：现在可以导入或修改数据、处理申诉，再计算并提交考评委员会审批（将发布新版本）",
                )
                return redirect("ratings_quarters:index")
        return self.render(form)


class QuarterMenuItem(MenuItem):
    def is_shown(self, request):
        return _can_see_quarters(request.user)


class QuarterViewSet(ViewSet):
    icon = "calendar-alt"
    menu_label = "季度评级与发布"
    url_prefix = "ratings/quarters"
    menu_item_class = QuarterMenuItem

    def get_urlpatterns(self):
        return [
            path("", QuarterIndexView.as_view(), name="index"),
            re_path(rf"^{QUARTER_RE}/compute/$", QuarterComputeView.as_view(), name="compute"),
            re_path(rf"^{QUARTER_RE}/submit/$", QuarterSubmitView.as_view(), name="submit"),
            re_path(rf"^{QUARTER_RE}/correction/$", CorrectionOpenView.as_view(), name="correction"),
            re_path(rf"^{QUARTER_RE}/review/$", QuarterReviewView.as_view(), name="review"),
        ]
