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
