"""The committee's review screen (SPEC §4, issue 13): one page to read a quarter in review and to
decide it, with exactly two actions — 批准并发布 (optional comment) and 退回修改 (comment required).

Every decision goes through `quarter_review`, which locks the quarter's page and is idempotent: a
second click, a re-sent form or two concurrent posts decide once. For a committee member this is
the only way to a quarter page: its Wagtail edit view sends them here (`ratings.admin.review`),
and a decision by any other path (Wagtail's workflow-action view) is refused (`ratings.signals`);
their admin home lists the quarters waiting for them, linked here.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View

from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel
from wagtail.models import TaskState, WorkflowState

from core.errors import ActionRefused, ImportRefused
from ratings import engine, selectors
from ratings.admin.common import breadcrumbs
from ratings.models import QuarterPage
from ratings.selectors.committee import quarter_review_screen
from ratings.services.publication import ALREADY_DECIDED, APPROVED, COMMITTEE_NAME, quarter_review
from registry.permissions import user_is_firm_scoped

SUBMIT_PERMISSION = "ratings.submit_quarter"
REVIEW_VIEW_PERMISSIONS = ("ratings.view_release", SUBMIT_PERMISSION)
APPROVE, REJECT = "approve", "reject"
REJECT_NEEDS_COMMENT = "退回修改时请填写审批意见，写明需要修改的内容。"


def committee_reviewer(user) -> bool:
    """A member of the committee whose only business with a quarter page is deciding it: not an
    administrator, and not an editor (who submits quarters and keeps Wagtail's page editor)."""
    return (
        user.is_authenticated
        and not user.is_superuser
        and not user.has_perm(SUBMIT_PERMISSION)
        and user.groups.filter(name=COMMITTEE_NAME).exists()
    )


def review_url(quarter: str) -> str:
    return reverse("ratings_quarters:review", args=[quarter])


def decision_message(request, quarter: str, outcome: str) -> None:
    """Tell the user what their decision did (`quarter_review`'s outcome)."""
    if outcome == ALREADY_DECIDED:
        messages.info(request, f"{quarter} 的审批已经完成，无需再次操作。")
    elif outcome == APPROVED:
        messages.success(request, f"已批准并发布 {quarter}：公开的正是提交审批时冻结的结果。")
    else:
        messages.success(request, f"已退回修改 {quarter}：数据已解锁，编辑修改后可再次提交。")


class QuarterDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(APPROVE, "批准并发布"), (REJECT, "退回修改")],
        error_messages={
            "required": "请选择“批准并发布”或“退回修改”。",
            "invalid_choice": "只能“批准并发布”或“退回修改”，不接受其他操作。",
        },
    )
    comment = forms.CharField(
        label="审批意见",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="批准并发布时可不填；退回修改时必填，编辑会看到这段意见。",
    )
    task_state = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        comment = " ".join((data.get("comment") or "").split())
        data["comment"] = comment
        if data.get("decision") == REJECT and not comment:
            self.add_error("comment", REJECT_NEEDS_COMMENT)
        return data


class QuarterReviewView(WagtailAdminTemplateMixin, View):
    """GET: the review screen; POST: the committee's decision through `quarter_review`."""

    template_name = "ratings/admin/quarters/review.html"
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not any(user.has_perm(p) for p in REVIEW_VIEW_PERMISSIONS) or user_is_firm_scoped(user):
            raise PermissionDenied
        self.quarter = kwargs["quarter"]
        self.page = QuarterPage.objects.filter(quarter=self.quarter).first()
        self.task_state = self._task_state_in_progress()
        self.can_decide = self.task_state is not None and {APPROVE, REJECT} <= {
            name for name, _label, _modal in self.task_state.task.specific.get_actions(self.page, user)
        }
        return super().dispatch(request, *args, **kwargs)

    def _task_state_in_progress(self) -> TaskState | None:
        if self.page is None:
            return None
        state = self.page.current_workflow_state
        if state is None or state.status != WorkflowState.STATUS_IN_PROGRESS:
            return None
        task_state = state.current_task_state
        return task_state if task_state and task_state.status == TaskState.STATUS_IN_PROGRESS else None

    def get_page_title(self):
        return f"审批：{engine.quarter_label(self.quarter)}"

    def get_breadcrumbs_items(self):
        return breadcrumbs(
            {"url": reverse("ratings_quarters:index"), "label": "季度评级与发布"},
            {"url": "", "label": self.get_page_title()},
        )

    def render(self, form=None, status=200):
        if form is None and self.can_decide:
            form = QuarterDecisionForm(initial={"task_state": self.task_state.pk})
        context = self.get_context_data(
            **quarter_review_screen(quarter=self.quarter, params=self.request.GET),
            page=self.page,
            task_state=self.task_state,
            in_review=self.task_state is not None,
            can_decide=self.can_decide,
            form=form if self.can_decide else None,
            is_editor=self.request.user.has_perm(SUBMIT_PERMISSION),
        )
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, quarter):
        return self.render()

    def post(self, request, quarter):
        if self.task_state is None:
            messages.info(request, f"{quarter} 现在没有待审批的任务：审批可能已经完成，或已退回修改。")
            return redirect(review_url(quarter))
        if not self.can_decide:
            raise PermissionDenied
        form = QuarterDecisionForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=200)
        data = form.cleaned_data
        try:
            outcome = quarter_review(
                quarter=quarter,
                user=request.user,
                action=data["decision"],
                comment=data["comment"],
                task_state_id=data["task_state"],
            )
        except (ActionRefused, ImportRefused) as exc:
            messages.error(request, str(exc))
            return redirect(review_url(quarter))
        decision_message(request, quarter, outcome)
        return redirect(review_url(quarter))


# --- the committee's home: the quarters waiting for its decision -----------------------------------


class QuartersAwaitingReviewPanel(Component):
    """On a committee member's admin home, in place of Wagtail's "awaiting your review" (whose
    approve buttons would bypass the review screen): each quarter in review, linked to its screen."""

    name = "quarters_awaiting_review"
    template_name = "ratings/admin/home/quarters_awaiting_review.html"
    order = 50

    def get_context_data(self, parent_context=None):
        rows = [row for row in selectors.quarter_overview() if row["workflow"] == "审批中"]
        return {"rows": rows, "quarters_url": reverse("ratings_quarters:index")}


def committee_home_panels(request, panels):
    """construct_homepage_panels: for a committee member only."""
    if not committee_reviewer(request.user):
        return
    panels[:] = [panel for panel in panels if not isinstance(panel, WorkflowObjectsToModeratePanel)]
    panels.append(QuartersAwaitingReviewPanel())
