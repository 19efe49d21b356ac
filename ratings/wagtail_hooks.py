"""The rating domain in the Wagtail admin: the registry under 登记册; monthly scores, 12345 figures
and the imports under 评级."""

from django.templatetags.static import static
from django.utils.html import format_html

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from ratings.admin import committee, editor_home, home, review
from ratings.admin.viewsets import RatingsViewSetGroup
from ratings.apps import LOG_ACTIONS
from ratings.models import Appeal, HotlineMonth, MonthlyScore
from ratings.permissions import AppealPermissionPolicy, FirmScopedEstateMonthPolicy

# Registered before any viewset asks for a policy (Wagtail 8 refuses a late registration).
register_permission_policy(MonthlyScore, FirmScopedEstateMonthPolicy(MonthlyScore, by_firm_field="firm"))
register_permission_policy(HotlineMonth, FirmScopedEstateMonthPolicy(HotlineMonth))
register_permission_policy(Appeal, AppealPermissionPolicy(Appeal))


# --- 评级: imported data, read-only, and the imports themselves ----------------------------------


@hooks.register("register_admin_viewset")
def register_ratings_viewsets():
    return RatingsViewSetGroup()


@hooks.register("register_permissions")
def register_publication_permissions():
    # Offered in Wagtail's group editor: the quarter actions (appeal permissions come with AppealViewSet).
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="ratings", codename__in=["view_release", "submit_quarter", "open_correction"]
    )


@hooks.register("register_log_actions")
def register_rating_log_actions(actions):
    for action, label, message in LOG_ACTIONS:
        actions.register_action(action, label, message)


hooks.register("construct_homepage_panels", home.firm_home_panels)
hooks.register("construct_homepage_panels", editor_home.editor_home_panels)
hooks.register("construct_homepage_panels", committee.committee_home_panels)
hooks.register("before_edit_page", review.quarter_page_edit_guard)
hooks.register("before_delete_page", review.page_delete_guard)
hooks.register("before_unpublish_page", review.page_unpublish_guard)
hooks.register("before_bulk_action", review.bulk_page_guard)


@hooks.register("insert_editor_js")
def quarter_editor_js():
    return format_html('<script src="{}"></script>', static("js/quarter-editor.js"))
