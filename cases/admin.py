"""The cases column in the admin (SPEC §6): calls for cases as a snippet editors manage, and the
guards around case pages: copying asks the case itself, and autosave never carries a workflow
decision. Which cases a firm's user lists and reaches is registry.firm_access's rule."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from wagtail.snippets.views.snippets import SnippetViewSet

from cases.models import CaseCall, CaseIndexPage, CasePage
from cases.services import firm_image_collections_ensure
from registry.permissions import user_is_firm_scoped

# Hidden fields Wagtail's editor fills in for a workflow action, which its autosave re-posts.
WORKFLOW_ACTION_FIELDS = (
    "action-workflow-action",
    "action-submit",
    "action-publish",
    "action-restart-workflow",
    "action-cancel-workflow",
)
AUTOSAVE_REFUSED = "审核操作不自动保存：请点击页面底部的按钮提交或审核。"


class CaseCallViewSet(SnippetViewSet):
    model = CaseCall
    icon = "mail"
    menu_label = "案例征集"
    menu_name = "case_calls"
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["theme", "deadline", "created_at"]
    ordering = ["-deadline"]
    search_fields = ["theme", "description"]


def copy_guard(request, page):
    """before_copy_page: the copy view asks a plain Page (Wagtail's own tester, under which a page's
    owner may copy it); ask the case itself, whose answer for a firm's user is no."""
    specific = page.specific
    if isinstance(specific, CasePage) and not specific.permissions_for_user(request.user).can_copy():
        messages.error(request, "物业企业不能复制案例，请新建。")
        return redirect(reverse("wagtailadmin_explore", args=[page.get_parent().pk]))
    return None


def edit_guard(request, page):
    """before_edit_page: an autosave (a JSON request) of a case page that carries a workflow
    action is refused, so a decision is taken once, by its button, never again by autosave.
    A firm's user finds its image collection."""
    if not isinstance(page.specific, CasePage):
        return None
    if request.method != "POST":
        _firm_images(request)
        return None
    if request.accepts("text/html"):
        return None
    if any(request.POST.get(name) for name in WORKFLOW_ACTION_FIELDS):
        return JsonResponse(
            {"success": False, "error_code": "blocked_by_hook", "error_message": AUTOSAVE_REFUSED}, status=400
        )
    return None


def create_guard(request, parent_page, page_class):
    """before_create_page: a firm's user writing a case finds its image collection."""
    if page_class is CasePage and isinstance(parent_page.specific, CaseIndexPage):
        _firm_images(request)
    return None


def _firm_images(request) -> None:
    if user_is_firm_scoped(request.user):
        firm_image_collections_ensure(user=request.user)
