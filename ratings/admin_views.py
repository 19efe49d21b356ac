"""Admin views of the rating domain.

- Registry: stock Wagtail generic views, plus keeping the public pages in step.
- Monthly scores and 12345 figures: read-only listings, narrowed per firm by the models'
  permission policies (`ratings.permissions`).
- Imports (SPEC §9): upload → preview (a dry run) → confirm, through `ratings.admin_import`.
"""

import datetime as dt
from decimal import Decimal

import django_filters

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views import View

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permissions import policy_registry

from core.errors import FileRefused, ImportRefused
from ratings import engine
from ratings.admin_import import (
    BatchAlreadyApplied,
    ImportUploadForm,
    import_batch_apply,
    import_batch_create,
    import_batch_preview,
    import_preview,
)
from ratings.models import HotlineMonth, ImportBatch, MonthlyScore, Scheme
from registry.models import Estate

IMPORT_PERMISSION = "ratings.import_scores"

# --- monthly scores and 12345 figures (read-only) -----------------------------------------------


def _scope(user, queryset):
    """Only the rows this user may see (a firm user: their firm's estate-months)."""
    return policy_registry.get_by_type(queryset.model).scope_queryset(user, queryset)


class EstateMonthFilterSet(WagtailFilterSet):
    """Filter by month and estate; the choices offered are only those the user can see."""

    month = django_filters.ChoiceFilter(label="月份", choices=[], empty_label="全部月份")
    estate = django_filters.ModelChoiceFilter(
        label="小区", queryset=Estate.objects.none(), empty_label="全部小区"
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        visible = _scope(request.user, self._meta.model._default_manager.all())
        months = visible.order_by("-month").values_list("month", flat=True).distinct()
        self.filters["month"].extra["choices"] = [(m, m) for m in months]
        self.filters["estate"].queryset = Estate.objects.filter(pk__in=visible.values("estate_id")).order_by(
            "code"
        )


class MonthlyScoreFilterSet(EstateMonthFilterSet):
    class Meta:
        model = MonthlyScore
        fields = ["month", "estate"]


class HotlineMonthFilterSet(EstateMonthFilterSet):
    class Meta:
        model = HotlineMonth
        fields = ["month", "estate"]


class ReadOnlyInspectView(generic.InspectView):
    """A row the user may not see is a 404, so another firm cannot even learn that it exists."""

    def get_object(self, queryset=None):
        policy = policy_registry.get_by_type(self.model)
        if not policy.user_has_permission(self.request.user, "view"):
            raise PermissionDenied
        instance = super().get_object(queryset)
        if not policy.user_has_permission_for_instance(self.request.user, "view", instance):
            raise Http404
        return instance

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, dt.datetime):
            # The stock template formats the stored (UTC) value; people read Beijing time.
            return date_format(timezone.localtime(value), "Y-m-d H:i")
        return value


class ScopedIndexView(generic.IndexView):
    """Newest month first; a firm user's list holds only their firm's rows."""

    default_ordering = "-month"

    def get_base_queryset(self):
        return _scope(self.request.user, super().get_base_queryset().select_related("estate"))

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "estate__code", "pk")  # a stable page order


def _schemes_by_quarter(quarters) -> dict[str, engine.Scheme | None]:
    """The scheme in force in each quarter (the newest effective from it or earlier), in one go."""
    schemes = list(
        Scheme.objects.prefetch_related("criteria", "bands").order_by("-effective_from", "-version")
    )
    result = {}
    for quarter in quarters:
        scheme = next((s for s in schemes if s.effective_from <= quarter), None)
        try:
            result[quarter] = scheme.to_engine() if scheme else None
        except ValueError:  # an inconsistent scheme: show the raw scores, no total
            result[quarter] = None
    return result


def month_results_attach(scores: list[MonthlyScore]) -> None:
    """Give each score its month result per SPEC §3 (criteria incl. the 12345 one, total).

    A fixed number of queries for a page of rows: the 12345 figures, then the schemes.
    """
    hotline = {
        (h.estate_id, h.month): engine.HotlineFigures(
            h.received, h.responded, h.resolved, h.surveyed, h.satisfied
        )
        for h in HotlineMonth.objects.filter(
            estate_id__in={s.estate_id for s in scores}, month__in={s.month for s in scores}
        )
    }
    schemes = _schemes_by_quarter({engine.quarter_of_month(s.month) for s in scores})
    for score in scores:
        score.month_result = None
        scheme = schemes[engine.quarter_of_month(score.month)]
        if scheme is None:
            continue
        try:
            score.month_result = engine.month_evaluate(
                scheme,
                engine.MonthInput(
                    month=score.month,
                    scores={code: Decimal(value) for code, value in score.scores.items()},
                    hotline=hotline.get((score.estate_id, score.month)),
                    veto=score.veto,
                    veto_reason=score.veto_reason,
                ),
            )
        except (ValueError, ArithmeticError):
            score.month_result = None


def _criterion_value(score: MonthlyScore, code: str):
    result = getattr(score, "month_result", None)
    if result is not None and code in result.criteria:
        return result.criteria[code]
    return score.scores.get(code, "—")


def _total(score: MonthlyScore):
    result = getattr(score, "month_result", None)
    if result is None:
        return "—"
    if result.total is None:
        return "未参评（缺少 12345 数据）" if result.hotline is None else "未参评（得分不全）"
    return result.total


def _current_criteria() -> list[tuple[str, str]]:
    scheme = Scheme.objects.prefetch_related("criteria").order_by("-effective_from", "-version").first()
    return [(c.code, c.name) for c in scheme.criteria.all()] if scheme else []


class MonthlyScoreIndexView(ScopedIndexView):
    @cached_property
    def columns(self):
        columns = super().columns  # title column (the estate) first, as the viewset lists it
        title, rest = columns[0], columns[1:]
        criteria = [
            Column(f"criterion_{code}", label=name, accessor=lambda s, code=code: _criterion_value(s, code))
            for code, name in _current_criteria()
        ]
        return [
            title,
            *rest,
            *criteria,
            Column("total", label="当月合计", accessor=_total),
            Column("veto", label="一票否决", accessor=lambda s: "是" if s.veto else ""),
        ]

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(
            queryset.select_related("estate", "firm"), page_size
        )
        object_list = list(object_list)
        month_results_attach(object_list)
        page.object_list = object_list
        return paginator, page, object_list, is_paginated


class MonthlyScoreInspectView(ReadOnlyInspectView):
    def get_fields_context(self):
        month_results_attach([self.object])
        fields = super().get_fields_context()
        criteria = [{"label": name, "value": _criterion_value(self.object, code), "component": None}
                    for code, name in _current_criteria()]  # fmt: skip
        total = [{"label": "当月合计", "value": _total(self.object), "component": None}]
        return fields[:3] + criteria + total + fields[3:]


# --- imports ------------------------------------------------------------------------------------


class ImportPermissionMixin:
    """Only users allowed to import (编辑 and superusers) reach the import views."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportBatchMixin(ImportPermissionMixin):
    """A batch belongs to whoever uploaded it: only they (or a superuser) preview and confirm it."""

    def get_batch(self) -> ImportBatch:
        batch = get_object_or_404(ImportBatch, pk=self.kwargs["pk"])
        if batch.uploaded_by_id != self.request.user.pk and not self.request.user.is_superuser:
            raise PermissionDenied
        return batch


def _breadcrumbs(*items):
    return [{"url": reverse("wagtailadmin_home"), "label": gettext_lazy("Home")}, *items]


class ImportFormView(ImportPermissionMixin, WagtailAdminTemplateMixin, View):
    """Step 1: choose the kind, the month and the file; a dry run shows what would change."""

    template_name = "ratings/admin/import_form.html"
    page_title = "数据导入"
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return _breadcrumbs({"url": "", "label": self.page_title})

    def render(self, form, preview=None, status=200):
        recent = ImportBatch.objects.filter(uploaded_by=self.request.user).defer("data")[:10]
        context = self.get_context_data(form=form, preview=preview, recent_batches=recent)
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render(ImportUploadForm(initial={"kind": request.GET.get("kind", "scores")}))

    def post(self, request):
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form)
        kind, month = form.cleaned_data["kind"], form.cleaned_data["month"]
        data, filename = form.read_upload(), form.cleaned_data["file"].name
        preview = import_preview(kind=kind, month=month, data=data, filename=filename, user=request.user)
        if preview.refused:
            form.add_error(
                "file", preview.message or f"文件中有 {len(preview.row_errors)} 行错误，未写入任何数据"
            )
            return self.render(form, preview=preview)
        batch = import_batch_create(kind=kind, month=month, data=data, filename=filename, user=request.user)
        # Post/redirect/get: the preview page runs the dry run again on the stored bytes, so what
        # it shows is what the confirmation will do, however long the editor waits before it.
        return redirect(reverse("ratings_imports:batch", args=[batch.pk]))


class ImportBatchView(ImportBatchMixin, WagtailAdminTemplateMixin, View):
    """Step 2: the preview of a stored batch, with the button that confirms it."""

    template_name = "ratings/admin/import_preview.html"
    header_icon = "upload"

    def get_page_title(self):
        return f"导入预览：{self.batch.filename}"

    def get_breadcrumbs_items(self):
        return _breadcrumbs(
            {"url": reverse("ratings_imports:form"), "label": "数据导入"},
            {"url": "", "label": self.batch.filename},
        )

    def get(self, request, pk):
        self.batch = self.get_batch()
        preview = None
        if self.batch.applied_at is None:
            preview = import_batch_preview(batch=self.batch, user=request.user)
        context = self.get_context_data(batch=self.batch, preview=preview)
        return TemplateResponse(request, self.template_name, context)


class ImportApplyView(ImportBatchMixin, View):
    """Confirm: import the stored bytes for real, once."""

    http_method_names = ["post"]

    def post(self, request, pk):
        batch = self.get_batch()
        batch_url = reverse("ratings_imports:batch", args=[batch.pk])
        try:
            report = import_batch_apply(batch=batch, user=request.user)
        except BatchAlreadyApplied:
            messages.error(request, f"“{batch.filename}”已经导入过，不能重复导入")
            return redirect(batch_url)
        except (FileRefused, ImportRefused) as exc:
            # The data changed since the preview (or a quarter was locked): nothing was written.
            messages.error(request, f"导入被拒绝，未写入任何数据：{exc}")
            return redirect(batch_url)
        messages.success(request, f"已导入“{batch.filename}”：{report.summary()}")
        return redirect(reverse("ratings_imports:form"))
