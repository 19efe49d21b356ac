"""Disclosures in the Wagtail admin: a listing of the disclosures a user may work on (a firm's
user: its estates of today), the guards of the editor, and who may fetch a disclosure document."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from wagtail import hooks
from wagtail.admin.viewsets.pages import PageListingViewSet

from disclosures import access, workplace
from disclosures.models import DisclosurePage

AUTOSAVE_REFUSED = "信息公开页面不自动保存：请使用页面底部的按钮保存草稿、提交审核或审批。"
DELETE_REFUSED = "信息公开页面由系统为每个小区建立，不能删除：其历史版本须一直可查。"


class DisclosureListingViewSet(PageListingViewSet):
    model = DisclosurePage
    name = "disclosures"
    menu_label = "信息公开"
    icon = "doc-full"
    add_to_admin_menu = True
    menu_order = 250


hooks.register("construct_homepage_panels", workplace.firm_home_panels)
hooks.register("construct_homepage_panels", workplace.editor_home_panels)


@hooks.register("register_admin_viewset")
def register_disclosure_listing():
    return DisclosureListingViewSet()


@hooks.register("before_edit_page")
def disclosure_edit_guard(request, page):
    """No autosave: Wagtail's autosave re-posts the hidden workflow-action fields of the edit form
    (an approval or rejection a second time); the browser is told so by static/js/quarter-editor.js,
    and a post that still comes is refused here. A firm's user finds its document collection."""
    if not isinstance(page.specific, DisclosurePage):
        return None
    if request.method == "POST" and not request.accepts("text/html"):
        return JsonResponse(
            {"success": False, "error_code": "blocked_by_hook", "error_message": AUTOSAVE_REFUSED}, status=400
        )
    access.firm_collections_ensure(user=request.user)
    return None


@hooks.register("before_serve_document")
def disclosure_document_guard(document, request):
    """A disclosure document is served to anyone once an approved version shows it; before that,
    only to the users who may work with it (the firm's users, editors)."""
    if not access.document_may_serve(document=document, user=request.user):
        raise Http404("文件不存在或尚未公开")
    return None


def _holds_a_disclosure(page) -> bool:
    return DisclosurePage.objects.descendant_of(page, inclusive=True).exists()


@hooks.register("before_delete_page")
def disclosure_delete_guard(request, page):
    """A disclosure (or a page above one) is never deleted: its approved versions stay readable."""
    if _holds_a_disclosure(page):
        messages.error(request, DELETE_REFUSED)
        return redirect(reverse("wagtailadmin_explore", args=[page.get_parent().pk]))
    return None


@hooks.register("before_bulk_action")
def disclosure_bulk_delete_guard(request, action_type, objects, action_class_instance):
    if action_type == "delete" and any(_holds_a_disclosure(obj) for obj in objects if hasattr(obj, "path")):
        messages.error(request, DELETE_REFUSED)
        return redirect(request.META.get("HTTP_REFERER") or reverse("wagtailadmin_explore_root"))
    return None
