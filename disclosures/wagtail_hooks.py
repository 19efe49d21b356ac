"""Disclosures in the Wagtail admin: a listing of the disclosures a user may work on (a firm's
user: its estates of today), the guards of the editor, and who may fetch a disclosure document."""

from django.http import Http404, JsonResponse

from wagtail import hooks
from wagtail.admin.viewsets.pages import PageListingViewSet

from disclosures import access
from disclosures.models import DisclosurePage

AUTOSAVE_REFUSED = "信息公开页面不自动保存：请使用页面底部的按钮保存草稿、提交审核或审批。"


class DisclosureListingViewSet(PageListingViewSet):
    model = DisclosurePage
    name = "disclosures"
    menu_label = "信息公开"
    icon = "doc-full"
    add_to_admin_menu = True
    menu_order = 250


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
