"""The admin's guards around quarter pages and released plates (SPEC §4), registered as Wagtail
hooks in `wagtail_hooks.py`.

Wagtail's page editor saves the form (and a revision) before it performs a workflow action, and
its autosave posts the whole form — hidden workflow-action fields included — every time a field
changes, such as the approval comment. For a quarter page that turned one click on 批准并发布
into two approvals: the second found no task (a 500) after saving a stale copy of the page over
the published one. Here every decision on a quarter page goes through `quarter_review`, which
locks the page and is idempotent, saves nothing else, and autosave is refused. A committee member
never uses the editor at all: they read and decide on the review screen (`ratings.admin.committee`).
"""

import json

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from wagtail.models import Page

from core.errors import ActionRefused, ImportRefused
from ratings import selectors
from ratings.admin.committee import committee_reviewer, decision_message, review_url
from ratings.models import QuarterPage
from ratings.services.publication import quarter_review

AUTOSAVE_REFUSED = "季度评级页面不自动保存：请使用页面底部的按钮提交或审批。"
COMMITTEE_USES_REVIEW_SCREEN = "考评委员会只在审批页面“批准并发布”或“退回修改”，页面编辑器中的操作不予受理。"


def _wants_json(request) -> bool:
    return not request.accepts("text/html")


def _back_to_editor(page):
    return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))


def quarter_page_edit_guard(request, page):
    """before_edit_page: a committee member is sent to the review screen, whatever they ask of the
    editor; everyone else's POSTs on a quarter page go through the publication services."""
    if not isinstance(page.specific, QuarterPage):
        return None
    page = page.specific
    if request.method == "POST" and _wants_json(request):
        return JsonResponse(
            {"success": False, "error_code": "blocked_by_hook", "error_message": AUTOSAVE_REFUSED}, status=400
        )
    if committee_reviewer(request.user):
        if request.method == "POST":
            messages.error(request, COMMITTEE_USES_REVIEW_SCREEN)
        return redirect(review_url(page.quarter))
    if request.method != "POST":
        return None
    post = request.POST
    if post.get("action-workflow-action"):
        return _review(request, page, post.get("workflow-action-name", ""), _comment(post))
    if post.get("action-publish"):
        if selectors.quarter_in_review(page.quarter):
            return _review(request, page, "approve", "")
        messages.error(request, "季度评级只能由编辑提交、经考评委员会审批后发布，不能直接发布。")
        return _back_to_editor(page)
    submitting = post.get("action-submit") or post.get("action-restart-workflow")
    if submitting and (reason := selectors.quarter_release_lock_reason(page.quarter)):
        messages.error(request, reason)
        return _back_to_editor(page)
    return None


def _comment(post) -> str:
    try:
        extra = json.loads(post.get("workflow-action-extra-data") or "{}")
    except ValueError:
        extra = {}
    return str(extra.get("comment", "")) if isinstance(extra, dict) else ""


def _review(request, page, action, comment):
    try:
        outcome = quarter_review(quarter=page.quarter, user=request.user, action=action, comment=comment)
    except (ActionRefused, ImportRefused) as exc:
        messages.error(request, str(exc))
        return _back_to_editor(page)
    decision_message(request, page.quarter, outcome)
    return _back_to_editor(page)


def _refuse(request, page, reason):
    messages.error(request, reason)
    return _back_to_editor(page)


def page_delete_guard(request, page):
    """before_delete_page: a released quarter, a quarter in review, or an estate page with released
    plates (or a section holding one) cannot be deleted."""
    if reason := selectors.page_protection_reason(page, include_descendants=True):
        return _refuse(request, page, reason)
    return None


def page_unpublish_guard(request, page):
    """before_unpublish_page: the same pages cannot be taken offline."""
    descendants = bool(request.POST.get("include_descendants"))
    if reason := selectors.page_protection_reason(page, include_descendants=descendants, unpublish=True):
        return _refuse(request, page, reason)
    return None


def bulk_page_guard(request, action_type, objects, action_class_instance):
    """before_bulk_action: bulk delete and unpublish of pages obey the same rule."""
    if action_type not in ("delete", "unpublish"):
        return None
    for obj in objects:
        if not isinstance(obj, Page):
            return None
        reason = selectors.page_protection_reason(
            obj,
            include_descendants=action_type == "delete" or bool(request.POST.get("include_descendants")),
            unpublish=action_type == "unpublish",
        )
        if reason:
            messages.error(request, reason)
            return redirect(request.META.get("HTTP_REFERER") or reverse("wagtailadmin_explore_root"))
    return None
