"""The portal's admin hooks: users whose name is on kept records are deactivated, never deleted
(portal/users.py), whether deleted one at a time or in bulk; and the holes in Wagtail's own views
through which any admin user (a firm's included) could read what it may not see; and the admin's
look as the portal's own (its stylesheet, no Wagtail guides or site summary for outsiders)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html

from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.permissions import policy_registry

from portal.users import DEACTIVATE_ACTION, kept_records_text, user_deactivate, user_kept_records
from registry.permissions import user_is_firm_scoped


@hooks.register("register_log_actions")
def register_user_log_actions(actions):
    actions.register_action(DEACTIVATE_ACTION, "停用账号", "停用账号（署名在须保留的记录上，不能删除）")


@hooks.register("before_delete_user")
def keep_users_with_records(request, user):
    """The confirmation page says the account will be deactivated; confirming deactivates it."""
    records = user_kept_records(user=user)
    if not records:
        return None
    why = f"用户“{user.get_username()}”署名在须长期保留的记录上（{kept_records_text(records)}），不能删除"
    if request.method == "POST":
        user_deactivate(user=user, by=request.user)
        messages.warning(request, f"{why}；已停用该账号：不能再登录，记录仍署其名。")
        return redirect("wagtailusers_users:index")
    if user.is_active:
        messages.warning(request, f"{why}。确认后将停用该账号（不能再登录），而不是删除。")
    else:
        messages.warning(request, f"{why}。该账号已停用，不能登录。")
    return None


@hooks.register("before_bulk_action")
def keep_users_with_records_in_bulk(request, action_type, objects, action):
    """Bulk delete: the users with kept records are deactivated, the others deleted as usual."""
    if action_type != "delete" or not issubclass(action.model, get_user_model()):
        return None
    kept = {user: records for user in objects if (records := user_kept_records(user=user))}
    if not kept:
        return None
    for user in kept:
        user_deactivate(user=user, by=request.user)
    deleted = [user for user in objects if user not in kept]
    if deleted:
        action.execute_action(deleted, **action.get_execution_context())
        messages.success(request, action.get_success_message(len(deleted), 0))
    names = "；".join(
        f"“{user.get_username()}”（{kept_records_text(records)}）" for user, records in kept.items()
    )
    messages.warning(request, f"以下用户署名在须长期保留的记录上，不能删除，已停用：{names}。")
    next_url = action.next_url
    return redirect(reverse("wagtailusers_users:index") if next_url == request.path else next_url)


# --- what any admin user can see of others' things (SPEC §12: per-firm permissions on every view) --


class _ChoosableOnly:
    """An admin API endpoint listing only the items the user may choose. Wagtail's own lists every
    document and image outside a view-restricted collection to anyone with admin access, so a
    firm's user would read another firm's document titles there."""

    def get_queryset(self):
        policy = policy_registry.get_by_type(self.model)
        choosable = policy.instances_user_has_any_permission_for(self.request.user, ["choose"])
        return super().get_queryset().filter(pk__in=choosable.values("pk"))


class ChoosableDocumentsAdminAPIViewSet(_ChoosableOnly, DocumentsAdminAPIViewSet):
    pass


class ChoosableImagesAdminAPIViewSet(_ChoosableOnly, ImagesAdminAPIViewSet):
    pass


@hooks.register("construct_admin_api", order=100)  # after Wagtail's own endpoints, to replace them
def admin_api_lists_only_choosable_items(router):
    router.register_endpoint("documents", ChoosableDocumentsAdminAPIViewSet)
    router.register_endpoint("images", ChoosableImagesAdminAPIViewSet)


@hooks.register("before_move_page")
def move_confirmation_needs_the_move_permission(request, page, destination):
    """Wagtail's move confirmation shows the page (with its draft title) before checking anything;
    only the move itself is refused. Refuse the confirmation too."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        return permission_denied(request)
    return None


# --- the admin as the portal's own (issue 13): its look, and nothing of Wagtail's for outsiders ---

# Wagtail's help items that lead to its English editor guide and release notes on wagtail.org.
WAGTAIL_HELP_LINKS = ("editor-guide", "whats-new-in-wagtail-")


@hooks.register("insert_global_admin_css")
def portal_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("construct_help_menu")
def help_menu_without_wagtail_guides(request, menu_items):
    """Firms, the committee and editors get the keyboard shortcuts, not Wagtail's English guides;
    only a superuser (who maintains the site) keeps them."""
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if not item.name.startswith(WAGTAIL_HELP_LINKS)]


@hooks.register("construct_homepage_summary_items", order=100)  # after Wagtail adds its items
def no_site_summary_for_firms(request, items):
    """A firm's user sees its own work on the home page, not a count of every page of the site."""
    if user_is_firm_scoped(request.user):
        items.clear()
