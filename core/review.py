"""Where pages stand in their review workflow: for the people who wrote them (the firm's admin
home), with the editors, sent back with the editor's comment, or neither; for the reviewers (the
editor's admin home), which pages wait for them. A fixed number of queries for any number of
pages; no model of its own (Wagtail's WorkflowState and TaskState)."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.deprecation import MiddlewareMixin

from wagtail.models import Page, TaskState, WorkflowState

IN_REVIEW, SENT_BACK = "in_review", "sent_back"


def review_states(pages) -> dict[int, dict]:
    """{page id: {"state": IN_REVIEW | SENT_BACK, "comment", "at"}} for the pages whose latest
    workflow is in progress or needs changes; pages with none are left out."""
    ids = [str(page.pk) for page in pages]
    if not ids:
        return {}
    latest: dict[str, WorkflowState] = {}
    states = WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page), object_id__in=ids
    ).order_by("object_id", "-created_at", "-pk")
    for state in states:
        latest.setdefault(state.object_id, state)
    active = {k: s for k, s in latest.items() if s.status in (s.STATUS_IN_PROGRESS, s.STATUS_NEEDS_CHANGES)}
    rejections = {}
    for task in TaskState.objects.filter(
        workflow_state__in=[s.pk for s in active.values() if s.status == s.STATUS_NEEDS_CHANGES],
        status=TaskState.STATUS_REJECTED,
    ).order_by("-finished_at"):
        rejections.setdefault(task.workflow_state_id, task)
    found = {}
    for object_id, state in active.items():
        if state.status == state.STATUS_IN_PROGRESS:
            found[int(object_id)] = {"state": IN_REVIEW, "comment": "", "at": state.created_at}
        else:
            task = rejections.get(state.pk)
            found[int(object_id)] = {
                "state": SENT_BACK,
                "comment": task.comment if task else "",
                "at": task.finished_at if task else state.created_at,
            }
    return found


def pages_in_review(page_model, *, related=()) -> list[dict]:
    """Pages of one type whose review workflow is in progress, longest waiting first, for the
    reviewers' admin home: {"page", "at" (submitted), "by" (who submitted), "task"}. Two queries
    (the states, then the pages with `related` joined), whatever their number."""
    states = list(
        WorkflowState.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            content_type=ContentType.objects.get_for_model(page_model),
            status=WorkflowState.STATUS_IN_PROGRESS,
        )
        .select_related("requested_by", "current_task_state__task")
        .order_by("created_at", "pk")
    )
    pages = page_model.objects.filter(pk__in=[int(s.object_id) for s in states]).select_related(*related)
    by_id = {page.pk: page for page in pages}
    return [
        {
            "page": by_id[int(state.object_id)],
            "at": state.created_at,
            "by": state.requested_by,
            "task": state.current_task_state.task if state.current_task_state else None,
        }
        for state in states
        if int(state.object_id) in by_id
    ]


# Wagtail's views that carry a reviewer's decision on a page in a workflow: its own action view
# (批准 / 退回 in the page's menu and on the dashboard) and the page editor when it saves with a
# decision ("approve with changes").
DECISION_VIEWS = {"wagtailadmin_pages:workflow_action", "wagtailadmin_pages:edit"}


class ReviewDecisionLockMiddleware(MiddlewareMixin):
    """One decision per page at a time. Wagtail checks that the page is still in review and then
    acts, without a lock: two POSTs at the same moment (a double click, two editors) both pass the
    check and both publish, as two versions. Here each decision runs in one transaction that first
    locks the page's row (on SQLite the transaction itself takes the write lock), so the second
    waits for the first and then finds the review finished (Wagtail's "not awaiting moderation")."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if request.method != "POST" or match is None or match.view_name not in DECISION_VIEWS:
            return None
        if match.url_name == "edit" and "action-workflow-action" not in request.POST:
            return None
        with transaction.atomic():  # both views name the page `page_id` (wagtail/admin/urls/pages.py)
            Page.objects.select_for_update().filter(pk=view_kwargs["page_id"]).values_list(
                "pk", flat=True
            ).first()
            return view_func(request, *view_args, **view_kwargs)


FINISHED_REVIEW_MESSAGE = "这项审核已经结束（可能是重复提交），本次提交没有作任何更改。"


def refuse_decision_on_finished_review(request, page):
    """`before_edit_page`: a decision sent from the page editor for a review that is already over
    (the second click of a double click, or another reviewer who decided first). Wagtail would save
    the form as a new draft, identical to what was just published, and the page would read as
    having unpublished changes. When the form holds nothing new, nothing is saved: the editor is
    sent back to the page with a message. A form with edits is left to Wagtail, which keeps them as
    a draft. Runs inside ReviewDecisionLockMiddleware's lock, so "over" is what the first decision
    left behind. `page` is the page as its latest revision has it."""
    from django.contrib import messages
    from django.shortcuts import redirect

    if request.method != "POST" or "action-workflow-action" not in request.POST:
        return None
    task = page.current_workflow_task
    action = request.POST.get("workflow-action-name")
    if task is not None and action in [name for name, _, _ in task.get_actions(page, request.user)]:
        return None
    form_class = page.get_edit_handler().get_form_class()
    form = form_class(
        request.POST, request.FILES, instance=page, parent_page=page.get_parent(), for_user=request.user
    )
    if not holds_nothing_new(form, page):
        return None
    messages.warning(request, FINISHED_REVIEW_MESSAGE)
    return redirect("wagtailadmin_pages:edit", page.pk)


def holds_nothing_new(form, page) -> bool:
    """Whether a page's edit form, as posted, says what `page` already says: its own fields and
    every inline list (fees, statements …) item by item, in order, and any list nested in an item.
    Compared by value, not by the forms' own `has_changed()`: the rows a publication has just
    created are still new forms on a page that was loaded before it (no ids), and would always read
    as changed."""
    if not form.is_valid() or form.changed_data:
        return False
    return _lists_hold_nothing_new(form.formsets, page)


def _lists_hold_nothing_new(formsets, instance) -> bool:
    for name, formset in formsets.items():
        if name == "comments":
            if formset.has_changed():
                return False
            continue
        ignored = {"id", "DELETE", "ORDER", getattr(getattr(formset, "fk", None), "name", None)}
        kept = [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        kept.sort(key=lambda f: f.cleaned_data.get("ORDER") or 0)
        children = list(getattr(instance, name).all())
        if len(children) != len(kept):
            return False
        for child, child_form in zip(children, kept, strict=True):
            values = {k: v for k, v in child_form.cleaned_data.items() if k not in ignored}
            if any(getattr(child, k) != v for k, v in values.items()):
                return False
            if not _lists_hold_nothing_new(getattr(child_form, "formsets", None) or {}, child):
                return False
    return True
