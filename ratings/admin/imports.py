"""Imports in the admin (SPEC §9): upload, preview what would change, then confirm. The writes are
`ratings.services.imports`; these views only show them."""

import io
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View

from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.errors import BatchAlreadyApplied, FileRefused, ImportRefused
from ratings import engine
from ratings.admin.common import breadcrumbs
from ratings.models import ImportBatch
from ratings.models.scores import validate_month
from ratings.services.imports import (
    MONTHLY_KINDS,
    TEMPLATE_FORMATS,
    import_batch_apply,
    import_batch_create,
    import_batch_preview,
    import_preview,
    import_template,
)
from ratings.tasks import import_batch_apply_start, import_runs_in_background

IMPORT_PERMISSION = "ratings.import_scores"
PREVIEW_ROWS_PER_PAGE = 100


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label="导入类型", choices=ImportBatch.KIND_CHOICES, widget=forms.RadioSelect)
    month = forms.CharField(
        label="月份",
        required=False,
        max_length=7,
        help_text="考核得分和 12345 数据必填，如 2025-01；登记册不填",
        widget=forms.TextInput(
            attrs={"placeholder": "2025-01", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )
    file = forms.FileField(
        label="文件",
        help_text="CSV（UTF-8 编码）或 Excel（.xlsx）；第 1 行为列名",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.PORTAL_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(f"文件过大（{upload.size // 1024} KB），上限为 {limit // 1024} KB")
        return upload

    def clean(self):
        cleaned = super().clean()
        kind, month = cleaned.get("kind"), (cleaned.get("month") or "").strip()
        if kind in MONTHLY_KINDS:
            if not month:
                self.add_error("month", "导入考核得分或 12345 数据时必须填写月份")
            else:
                try:
                    validate_month(month)
                except ValidationError as exc:
                    self.add_error("month", exc)
        elif kind:
            month = ""  # the registry is not monthly
        cleaned["month"] = month
        return cleaned

    def read_upload(self) -> bytes:
        upload = self.cleaned_data["file"]
        upload.seek(0)
        # Read one byte past the cap so a file that lies about its size is still caught.
        return upload.read(settings.PORTAL_IMPORT_MAX_BYTES + 1)


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


class ImportFormView(ImportPermissionMixin, WagtailAdminTemplateMixin, View):
    """Step 1: choose the kind, the month and the file; a dry run shows what would change."""

    template_name = "ratings/admin/import_form.html"
    page_title = "数据导入"
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return breadcrumbs({"url": "", "label": self.page_title})

    def render(self, form, preview=None, status=200):
        recent = ImportBatch.objects.filter(uploaded_by=self.request.user).defer("data")[:10]
        month = form["month"].value() or ""
        context = self.get_context_data(
            form=form,
            preview=preview,
            recent_batches=recent,
            templates=template_links(month if engine.is_month(month) else this_month()),
        )
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request):
        # The editor's home links here preset to a kind and a month (what is due).
        initial = {"kind": request.GET.get("kind", "scores"), "month": request.GET.get("month", "")}
        return self.render(ImportUploadForm(initial=initial))

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
        return breadcrumbs(
            {"url": reverse("ratings_imports:form"), "label": "数据导入"},
            {"url": "", "label": self.batch.filename},
        )

    def get(self, request, pk):
        self.batch = self.get_batch()
        preview = rows = None
        if self.batch.applied_at is None:
            preview = import_batch_preview(batch=self.batch, user=request.user)
            # Long files: a page of rows at a time, so a city's 10,000 rows stay quick to read.
            paginator = WagtailPaginator(preview.rows_to_write, PREVIEW_ROWS_PER_PAGE)
            rows = paginator.get_page(request.GET.get("p"))
            rows.elided = paginator.get_elided_page_range(rows.number)
        context = self.get_context_data(batch=self.batch, preview=preview, rows=rows)
        return TemplateResponse(request, self.template_name, context)


def this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


def template_links(month: str) -> list[dict]:
    """The blank files offered on the form: one row per kind, CSV and XLSX (scores and hotline
    files of `month`, whose scheme gives the scores' columns)."""
    rows = []
    for kind, label in ImportBatch.KIND_CHOICES:
        query = "" if kind == "registry" else "?" + urlencode({"month": month})
        rows.append(
            {
                "label": label if kind == "registry" else f"{label}（{month}）",
                "links": [
                    (fmt.upper(), reverse("ratings_imports:template", args=[kind, fmt]) + query)
                    for fmt in TEMPLATE_FORMATS
                ],
            }
        )
    return rows


class ImportTemplateView(ImportPermissionMixin, View):
    """A blank file of one import, with exactly the columns its importer accepts (SPEC §9)."""

    http_method_names = ["get"]

    def get(self, request, kind, fmt):
        if kind not in dict(ImportBatch.KIND_CHOICES) or fmt not in TEMPLATE_FORMATS:
            raise Http404("没有这种导入模板")
        month = request.GET.get("month") or this_month()
        if not engine.is_month(month):
            raise Http404("月份应写作 2025-01 的形式")
        try:
            data, filename = import_template(kind=kind, month=month, fmt=fmt)
        except ImportRefused as exc:
            messages.error(request, str(exc))
            return redirect(reverse("ratings_imports:form"))
        response = FileResponse(io.BytesIO(data), as_attachment=True, filename=filename)
        response["Content-Type"] = TEMPLATE_FORMATS[fmt]
        return response


class ImportApplyView(ImportBatchMixin, View):
    """Confirm: import the stored bytes for real, once."""

    http_method_names = ["post"]

    def post(self, request, pk):
        batch = self.get_batch()
        batch_url = reverse("ratings_imports:batch", args=[batch.pk])
        try:
            if import_runs_in_background(batch):  # a large file: a background job, with its page
                job, _ = import_batch_apply_start(batch=batch, user=request.user)
                return redirect(reverse("background_jobs:detail", args=[job.pk]))
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
