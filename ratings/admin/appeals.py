"""Appeals in the admin (SPEC §4): a firm's users list and file their own firm's appeals
(`AppealPermissionPolicy`); editors list every appeal and decide it; the committee reads them
before approving. Every write goes through the services; a refusal is shown as the service wrote it.
"""

import django_filters

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.views import View

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import policy_registry

from core.errors import ActionRefused
from ratings import engine, selectors
from ratings.admin.common import breadcrumbs
from ratings.admin.scores import MonthlyScoreInspectView
from ratings.models import Appeal, AppealEvidence, MonthlyScore, Scheme
from ratings.models.scheme import SchemeCriterion
from ratings.services.appeals import (
    APPEAL_EVIDENCE_MAX_FILES,
    appeal_deadline,
    appeal_decide,
    appeal_evidence_check,
    appeal_submit,
)
from registry.permissions import user_firm_ids, user_is_firm_scoped


def _local(value) -> str:
    return date_format(timezone.localtime(value), "Y-m-d H:i") if value else "—"


def _criteria_of(month: str) -> list[tuple[str, str, object]]:
    """(code, name, max) of the criteria an editor or a firm can appeal in that month's scheme.

    The 12345 criterion is computed from the hotline figures, so it is never edited by hand.
    """
    scheme = Scheme.objects.prefetch_related("criteria", "bands").for_quarter(engine.quarter_of_month(month))
    if scheme is None:
        return []
    scored = set(scheme.to_engine().scored_codes)  # the hotline criterion is derived, never appealed here
    return [(c.code, c.name, c.max) for c in scheme.criteria.all() if c.code in scored]


def _appeal_policy():
    return policy_registry.get_by_type(Appeal)


# --- appeals: listing ---------------------------------------------------------------------------


class AppealFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=Appeal.STATUS_CHOICES, empty_label="全部状态")
    quarter = django_filters.ChoiceFilter(
        label="季度", choices=[], empty_label="全部季度", method="filter_quarter"
    )

    class Meta:
        model = Appeal
        fields = ["status", "quarter"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        visible = _appeal_policy().scope_queryset(request.user, Appeal.objects.all())
        months = visible.values_list("score__month", flat=True).distinct()
        quarters = sorted({engine.quarter_of_month(m) for m in months}, reverse=True)
        self.filters["quarter"].extra["choices"] = [(q, q) for q in quarters]

    def filter_quarter(self, queryset, name, value):
        return queryset.filter(score__month__in=engine.quarter_months(value)) if value else queryset


class AppealIndexView(generic.IndexView):
    """Newest first; a firm's user sees only their firm's appeals, with the decision once made."""

    default_ordering = "-submitted_at"

    def get_base_queryset(self):
        queryset = super().get_base_queryset().select_related("score__estate", "firm")
        return _appeal_policy().scope_queryset(self.request.user, queryset)

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "score", label="小区 · 月份", accessor="score", get_url=self.get_inspect_url
            ),
            Column("firm", label="申诉企业", accessor="firm"),
            Column("criterion", label="考核项目", accessor=self._criterion_label),
            DateColumn("submitted_at", label="提交时间", sort_key="submitted_at"),
            Column("status", label="状态", accessor="get_status_display", sort_key="status"),
            Column(
                "decision_reason",
                label="处理理由",
                accessor=lambda a: (
                    (a.decision_reason[:60] + ("…" if len(a.decision_reason) > 60 else "")) or "—"
                ),
            ),
        ]

    @cached_property
    def _criterion_names(self) -> dict[str, str]:
        return dict(SchemeCriterion.objects.order_by("scheme__effective_from").values_list("code", "name"))

    def _criterion_label(self, appeal) -> str:
        return (
            self._criterion_names.get(appeal.criterion, appeal.criterion) if appeal.criterion else "整月得分"
        )

    @cached_property
    def add_item_label(self):
        return "提出申诉"

    @cached_property
    def no_results_message(self):
        # Wagtail's own sentence has no Chinese translation yet.
        return "没有符合条件的申诉。" if self.is_filtering else "还没有申诉。"


# --- appeals: detail and decision ---------------------------------------------------------------


class AppealDecideForm(forms.Form):
    """申诉成立 (with the corrected criterion values) or 申诉不成立, always with a written reason."""

    decision = forms.TypedChoiceField(
        label="处理结果",
        choices=[("upheld", "申诉成立（更正得分）"), ("rejected", "申诉不成立（维持原得分）")],
        coerce=lambda value: value == "upheld",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="处理理由",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="必填。企业和公众都能看到这段理由（申诉登记表中显示第一行）。",
    )

    def __init__(self, *args, appeal: Appeal, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = appeal.score.scores
        self.criteria = _criteria_of(appeal.score.month)
        for code, name, maximum in self.criteria:
            self.fields[f"score_{code}"] = forms.CharField(
                label=f"{name}（满分 {maximum}）",
                required=False,
                initial=self.current.get(code, ""),
                help_text="申诉成立时填写更正后的得分；未改动的项目保持原值",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )

    def criterion_fields(self):
        return [self[f"score_{code}"] for code, _, _ in self.criteria]

    def other_fields(self):
        return [self["decision"], self["reason"]]

    def changed_scores(self) -> dict[str, str]:
        """Only the values the editor changed: the service logs exactly those as old → new."""
        changed = {}
        for code, _, _ in self.criteria:
            value = (self.cleaned_data.get(f"score_{code}") or "").strip()
            if value and value != str(self.current.get(code, "")):
                changed[code] = value
        return changed


class AppealInspectView(generic.InspectView):
    """One appeal: the score as it stands now, the firm's reason and the decision.

    A firm's user reaching another firm's appeal gets a 404, so it cannot learn that it exists.
    """

    template_name = "ratings/admin/appeals/detail.html"
    inspect_url_name = None
    decide_url_name = None

    def get_object(self, queryset=None):
        policy = _appeal_policy()
        queryset = Appeal.objects.select_related(
            "score__estate", "score__firm", "firm", "submitted_by", "decided_by"
        )
        try:
            appeal = queryset.get(pk=self.pk)
        except (Appeal.DoesNotExist, ValueError):
            raise Http404 from None
        if not policy.user_has_permission_for_instance(self.request.user, "view", appeal):
            raise Http404
        return appeal

    def get_page_title(self):
        return "申诉"

    def get_page_subtitle(self):
        return f"{self.object.score.estate.name} {self.object.score.month}"

    def can_decide(self) -> bool:
        return self.object.status == Appeal.OPEN and _appeal_policy().user_has_permission_for_instance(
            self.request.user, "decide", self.object
        )

    @cached_property
    def header_buttons(self):
        if self.can_decide() and self.decide_url_name:
            return [
                HeaderButton(
                    "处理申诉", url=reverse(self.decide_url_name, args=[self.object.pk]), icon_name="check"
                )
            ]
        return []

    def score_rows(self) -> list[dict]:
        appeal, score = self.object, self.object.score
        rows = []
        for code, name, maximum in _criteria_of(score.month):
            rows.append(
                {
                    "code": code,
                    "name": name,
                    "max": maximum,
                    "current": score.scores.get(code, "—"),
                    "old": (appeal.old_scores or {}).get(code),
                    "new": (appeal.new_scores or {}).get(code),
                    "appealed": appeal.criterion == code,
                }
            )
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        quarter = engine.quarter_of_month(self.object.score.month)
        user = self.request.user
        context.update(
            appeal=self.object,
            score=self.object.score,
            score_rows=self.score_rows(),
            criterion_name={c: n for c, n, _ in _criteria_of(self.object.score.month)}.get(
                self.object.criterion, self.object.criterion
            ),
            deadline=appeal_deadline(self.object.score),
            quarter=quarter,
            lock_reason=selectors.quarter_lock_reason(quarter),
            can_decide=self.can_decide(),
            can_open_correction=user.has_perm("ratings.open_correction") and not user_is_firm_scoped(user),
            score_url=self._score_url(),
            index_url=reverse(self.index_url_name),
            evidence=self.object.evidence.all(),
        )
        return context

    def _score_url(self):
        score = self.object.score
        policy = policy_registry.get_by_type(MonthlyScore)
        if policy.user_has_permission_for_instance(self.request.user, "view", score):
            return reverse("monthly_scores:inspect", args=[score.pk])
        return None


class AppealDecideView(AppealInspectView):
    """The editor's decision: `appeal_decide`, whose refusals are shown on the form."""

    def get_object(self, queryset=None):
        appeal = super().get_object(queryset)
        if not _appeal_policy().user_has_permission_for_instance(self.request.user, "decide", appeal):
            raise PermissionDenied
        return appeal

    def get_page_title(self):
        return "处理申诉"

    @cached_property
    def header_buttons(self):
        return []

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        items.insert(-1, {"url": reverse(self.inspect_url_name, args=[self.object.pk]), "label": "申诉"})
        return items

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["can_decide"]:
            context["form"] = form or AppealDecideForm(appeal=self.object)
        return context

    def post(self, request, *args, **kwargs):
        if not self.can_decide():
            messages.error(request, "该申诉已处理")
            return redirect(self.inspect_url_name, self.object.pk)
        form = AppealDecideForm(request.POST, appeal=self.object)
        if form.is_valid():
            upheld = form.cleaned_data["decision"]
            try:
                appeal_decide(
                    appeal=self.object,
                    user=request.user,
                    upheld=upheld,
                    reason=form.cleaned_data["reason"],
                    scores=form.changed_scores() if upheld else None,
                )
            except ActionRefused as exc:
                form.add_error(None, str(exc))
            else:
                verdict = "申诉成立，得分已更正" if upheld else "申诉不成立"
                messages.success(request, f"已处理 {self.get_page_subtitle()} 的申诉：{verdict}")
                return redirect(self.inspect_url_name, self.object.pk)
        return self.render_to_response(self.get_context_data(form=form))


# --- appeals: filing by a firm --------------------------------------------------------------------


class MultiplePDFInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePDFField(forms.FileField):
    """Several files in one input; each is checked by `appeal_evidence_check` (PDF by content)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePDFInput(attrs={"accept": "application/pdf,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultiplePDFField, self).clean(item, initial) for item in items if item]


class AppealCreateForm(forms.Form):
    score = forms.ModelChoiceField(
        label="被申诉的月度得分",
        queryset=MonthlyScore.objects.none(),
        empty_label="请选择小区和月份",
        help_text="只列出本企业当月服务、仍在申诉期内的得分（导入后 {days} 天内）",
    )
    criterion = forms.ChoiceField(label="考核项目", required=False, help_text="不选表示对整月得分申诉")
    reason = forms.CharField(
        label="申诉理由",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="请写明哪一项得分有误、依据是什么（至少 5 个字）",
    )
    evidence = MultiplePDFField(label="证据材料", required=False)

    def __init__(self, *args, user, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        cap = settings.WAGTAILDOCS_MAX_UPLOAD_SIZE
        self.fields["evidence"].help_text = (
            f"可选。最多 {APPEAL_EVIDENCE_MAX_FILES} 个 PDF 文件"
            + (f"，每个不超过 {filesizeformat(cap)}" if cap else "")
            + "；只有企业本身、编辑和考评委员会能看到"
        )
        now = now or timezone.now()
        days = settings.PORTAL_APPEAL_WINDOW_DAYS
        own = MonthlyScore.objects.filter(firm_id__in=user_firm_ids(user)).select_related("estate")
        field = self.fields["score"]
        field.help_text = field.help_text.format(days=days)
        # Any of the firm's own scores is accepted here, so a score whose window closed while the
        # form was open gets the service's message (the deadline) rather than "not a valid choice";
        # only the scores still open to appeal are offered.
        field.queryset = own
        open_scores = (
            selectors.appealable_scores(firm_ids=user_firm_ids(user), now=now)
            .select_related("estate")
            .order_by("-month", "estate__code")
        )
        pending = set(
            Appeal.objects.filter(status=Appeal.OPEN, score__in=open_scores).values_list(
                "score_id", flat=True
            )
        )
        field.widget.choices = [("", field.empty_label)] + [
            (score.pk, self._label(score, pending)) for score in open_scores
        ]
        months = {score.month for score in open_scores}
        criteria = {}
        for month in sorted(months):
            criteria.update({code: name for code, name, _ in _criteria_of(month)})
        if not criteria:
            criteria = {code: name for code, name, _ in _criteria_of(timezone.localdate().isoformat()[:7])}
        self.fields["criterion"].choices = [("", "整月得分")] + list(criteria.items())
        self.offered = len(open_scores)

    def clean_evidence(self):
        files = self.cleaned_data.get("evidence") or []
        try:
            appeal_evidence_check(files)
        except ActionRefused as exc:
            raise forms.ValidationError(str(exc)) from None
        return files

    @staticmethod
    def _label(score, pending) -> str:
        label = f"{score.estate.name}（{score.estate.code}）{score.month} · 申诉截止 {_local(appeal_deadline(score))}"
        return label + ("（已有待处理的申诉）" if score.pk in pending else "")


class AppealCreateView(WagtailAdminTemplateMixin, View):
    """A firm's user files an appeal through `appeal_submit`; refusals re-render the form."""

    template_name = "ratings/admin/appeals/create.html"
    page_title = "提出申诉"
    header_icon = "warning"
    index_url_name = None
    inspect_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not _appeal_policy().user_has_permission(request.user, "add"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return breadcrumbs(
            {"url": reverse(self.index_url_name), "label": "申诉"}, {"url": "", "label": self.page_title}
        )

    def render(self, form):
        context = self.get_context_data(form=form, window_days=settings.PORTAL_APPEAL_WINDOW_DAYS)
        return TemplateResponse(self.request, self.template_name, context)

    def get(self, request):
        return self.render(AppealCreateForm(user=request.user, initial={"score": request.GET.get("score")}))

    def post(self, request):
        form = AppealCreateForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                appeal = appeal_submit(
                    user=request.user,
                    score=form.cleaned_data["score"],
                    reason=form.cleaned_data["reason"],
                    criterion=form.cleaned_data["criterion"],
                    evidence=form.cleaned_data["evidence"],
                )
            except ActionRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"已提交 {appeal.score.estate.name} {appeal.score.month} 的申诉，编辑处理后会在这里显示结果",
                )
                return redirect(self.inspect_url_name, appeal.pk)
        return self.render(form)


class AppealEvidenceView(View):
    """One evidence file, to the users who may see its appeal (the firm that filed it, editors, the
    committee); to anyone else it does not exist. Always a download, never rendered in the page."""

    def get(self, request, pk):
        try:
            evidence = AppealEvidence.objects.select_related("appeal").get(pk=pk)
        except AppealEvidence.DoesNotExist:
            raise Http404 from None
        if not _appeal_policy().user_has_permission_for_instance(request.user, "view", evidence.appeal):
            raise Http404
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle, as_attachment=True, filename=evidence.original_name, content_type="application/pdf"
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response


class AppealViewSet(ModelViewSet):
    """Only the listing, the detail, the decision and filing exist: appeals are never edited."""

    model = Appeal
    icon = "warning"
    menu_label = "申诉"
    url_prefix = "ratings/appeals"
    index_view_class = AppealIndexView
    inspect_view_class = AppealInspectView
    filterset_class = AppealFilterSet
    inspect_view_enabled = True
    inspect_template_name = "ratings/admin/appeals/detail.html"
    index_results_template_name = "ratings/admin/appeals/index_results.html"
    inspect_view_fields = ["score"]
    copy_view_enabled = False
    add_to_reference_index = False
    list_per_page = 50

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.add_view, name="add"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("decide/<int:pk>/", self.decide_view, name="decide"),
            path("evidence/<int:pk>/", AppealEvidenceView.as_view(), name="evidence"),
        ]

    def get_common_view_kwargs(self, **kwargs):
        names = {"edit_url_name", "delete_url_name", "history_url_name", "usage_url_name"}
        return {**super().get_common_view_kwargs(**kwargs), **dict.fromkeys(names)}

    @property
    def add_view(self):
        return AppealCreateView.as_view(
            index_url_name=self.get_url_name("index"), inspect_url_name=self.get_url_name("inspect")
        )

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(decide_url_name=self.get_url_name("decide"), **kwargs)

    @property
    def decide_view(self):
        return self.construct_view(AppealDecideView, **self.get_inspect_view_kwargs())

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().filter(codename__in=["view_appeal", "decide_appeal"])

    @property
    def url_finder_class(self):
        # Audit-log links to an appeal go to its detail, for those allowed to see it.
        inspect_url_name = self.get_url_name("inspect")

        class AppealURLFinder:
            def __init__(self, user=None):
                self.user = user

            def get_edit_url(self, instance):
                if self.user and not _appeal_policy().user_has_permission_for_instance(
                    self.user, "view", instance
                ):
                    return None
                return reverse(inspect_url_name, args=[instance.pk])

        return AppealURLFinder


class MonthlyScoreAppealInspectView(MonthlyScoreInspectView):
    """The monthly score's detail, with a "申诉" button for its firm while the window is open."""

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        score, user = self.object, self.request.user
        if (
            _appeal_policy().user_has_permission(user, "add")
            and score.firm_id in user_firm_ids(user)
            and timezone.now() <= appeal_deadline(score)
        ):
            url = f"{reverse('appeals:add')}?score={score.pk}"
            buttons.append(
                HeaderButton(f"申诉（截止 {_local(appeal_deadline(score))}）", url=url, icon_name="warning")
            )
        return buttons
