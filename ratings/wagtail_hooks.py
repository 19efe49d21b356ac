"""The rating domain in the Wagtail admin: the registry under 登记册; monthly scores, 12345 figures
and the imports under 评级."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import policy_registry, register_permission_policy

from ratings import admin_appeals, admin_quarters, admin_review, admin_views
from ratings.apps import LOG_ACTIONS
from ratings.models import Appeal, HotlineMonth, MonthlyScore, Scheme
from ratings.permissions import AppealPermissionPolicy, FirmScopedEstateMonthPolicy

# Registered before any viewset asks for a policy (Wagtail 8 refuses a late registration).
register_permission_policy(MonthlyScore, FirmScopedEstateMonthPolicy(MonthlyScore, by_firm_field="firm"))
register_permission_policy(HotlineMonth, FirmScopedEstateMonthPolicy(HotlineMonth))
register_permission_policy(Appeal, AppealPermissionPolicy(Appeal))


# --- 评级: imported data, read-only, and the imports themselves ----------------------------------


class ReadOnlyEstateMonthViewSet(ModelViewSet):
    """Imported estate-month data: listed and inspected, never added, edited or deleted here.

    Changes arrive through imports (and later corrections and appeals), which keep the audit log;
    so only the index and inspect URLs exist, and the permission policy grants only "view".
    """

    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    list_per_page = 50
    search_fields = ["estate__code", "estate__name"]
    search_backend_name = None
    inspect_view_class = admin_views.ReadOnlyInspectView

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]

    def get_common_view_kwargs(self, **kwargs):
        names = {"add_url_name", "edit_url_name", "delete_url_name", "history_url_name", "usage_url_name"}
        return {**super().get_common_view_kwargs(**kwargs), **dict.fromkeys(names)}

    def get_permissions_to_register(self):
        # Offer only what the policy can grant, so no one is given an "edit scores" that does nothing.
        return (
            super()
            .get_permissions_to_register()
            .filter(codename__in=["view_" + self.model_name, "import_scores"])
        )

    @property
    def url_finder_class(self):
        # Links to a row from elsewhere in the admin (e.g. the audit log) go to its inspect view.
        inspect_url_name = self.get_url_name("inspect")

        class InspectURLFinder:
            def __init__(self, user=None):
                self.user = user

            def get_edit_url(self, instance):
                policy = policy_registry.get_by_type(type(instance))
                if self.user and not policy.user_has_permission_for_instance(self.user, "view", instance):
                    return None
                return reverse(inspect_url_name, args=[instance.pk])

        return InspectURLFinder


class MonthlyScoreViewSet(ReadOnlyEstateMonthViewSet):
    model = MonthlyScore
    icon = "table"
    menu_label = "月度考核得分"
    url_prefix = "ratings/scores"
    index_view_class = admin_views.MonthlyScoreIndexView
    # The score's detail, with a "申诉" button for its firm while the appeal window is open.
    inspect_view_class = admin_appeals.MonthlyScoreAppealInspectView
    filterset_class = admin_views.MonthlyScoreFilterSet
    list_display = ["estate", "month", "firm"]
    inspect_view_fields = ["estate", "month", "firm", "veto", "veto_reason", "imported_at", "updated_at"]


class HotlineMonthViewSet(ReadOnlyEstateMonthViewSet):
    model = HotlineMonth
    icon = "comment"
    menu_label = "12345 诉求数据"
    url_prefix = "ratings/hotline"
    index_view_class = admin_views.ScopedIndexView
    filterset_class = admin_views.HotlineMonthFilterSet
    list_display = ["estate", "month", "received", "responded", "resolved", "surveyed", "satisfied"]
    inspect_view_fields = [
        "estate",
        "month",
        "received",
        "responded",
        "resolved",
        "surveyed",
        "satisfied",
        "imported_at",
    ]


class SchemeViewSet(ReadOnlyEstateMonthViewSet):
    """The versioned schemes (SPEC §3), to read: criteria, bands and consequences of each version."""

    model = Scheme
    icon = "cog"
    menu_label = "考核方案"
    url_prefix = "ratings/schemes"
    search_fields = ["code", "name"]
    list_display = ["name", "code", "version", "effective_from"]
    inspect_template_name = "ratings/admin/schemes/inspect.html"
    inspect_view_fields = [
        "code",
        "version",
        "name",
        "effective_from",
        "min_assessed_months",
        "weight_response",
        "weight_resolution",
        "weight_satisfaction",
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.IMPORT_PERMISSION)


class ImportViewSet(ViewSet):
    """Upload → preview → confirm (SPEC §9), for editors."""

    icon = "upload"
    menu_label = "数据导入"
    url_prefix = "ratings/imports"
    menu_item_class = ImportMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.ImportFormView.as_view(), name="form"),
            path("<int:pk>/", admin_views.ImportBatchView.as_view(), name="batch"),
            path("<int:pk>/apply/", admin_views.ImportApplyView.as_view(), name="apply"),
        ]


class RatingsViewSetGroup(ViewSetGroup):
    menu_label = "评级"
    menu_icon = "clipboard-list"
    menu_order = 190
    items = (
        MonthlyScoreViewSet("monthly_scores"),
        HotlineMonthViewSet("hotline_months"),
        ImportViewSet("ratings_imports"),
        admin_appeals.AppealViewSet("appeals"),
        admin_quarters.QuarterViewSet("ratings_quarters"),
        SchemeViewSet("schemes"),
    )


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


hooks.register("before_edit_page", admin_review.quarter_page_edit_guard)
hooks.register("before_delete_page", admin_review.page_delete_guard)
hooks.register("before_unpublish_page", admin_review.page_unpublish_guard)
hooks.register("before_bulk_action", admin_review.bulk_page_guard)


@hooks.register("insert_editor_js")
def quarter_editor_js():
    return format_html('<script src="{}"></script>', static("js/quarter-editor.js"))
