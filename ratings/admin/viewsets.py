"""The rating domain's admin sections under 评级: imported data (read-only), the imports, appeals,
quarters and the schemes, as one ViewSetGroup."""

from django.urls import path, reverse

from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import policy_registry

from ratings.admin import appeals, imports, quarters, scores
from ratings.models import HotlineMonth, MonthlyScore, Scheme


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
    inspect_view_class = scores.ReadOnlyInspectView

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
    index_view_class = scores.MonthlyScoreIndexView
    # The score's detail, with a "申诉" button for its firm while the appeal window is open.
    inspect_view_class = appeals.MonthlyScoreAppealInspectView
    filterset_class = scores.MonthlyScoreFilterSet
    list_display = ["estate", "month", "firm"]
    inspect_view_fields = ["estate", "month", "firm", "veto", "veto_reason", "imported_at", "updated_at"]


class HotlineMonthViewSet(ReadOnlyEstateMonthViewSet):
    model = HotlineMonth
    icon = "comment"
    menu_label = "12345 诉求数据"
    url_prefix = "ratings/hotline"
    index_view_class = scores.ScopedIndexView
    filterset_class = scores.HotlineMonthFilterSet
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
        return request.user.has_perm(imports.IMPORT_PERMISSION)


class ImportViewSet(ViewSet):
    """Upload → preview → confirm (SPEC §9), for editors."""

    icon = "upload"
    menu_label = "数据导入"
    url_prefix = "ratings/imports"
    menu_item_class = ImportMenuItem

    def get_urlpatterns(self):
        return [
            path("", imports.ImportFormView.as_view(), name="form"),
            path("<int:pk>/", imports.ImportBatchView.as_view(), name="batch"),
            path("<int:pk>/apply/", imports.ImportApplyView.as_view(), name="apply"),
            path(
                "template/<slug:kind>.<slug:fmt>",
                imports.ImportTemplateView.as_view(),
                name="template",
            ),
        ]


class RatingsViewSetGroup(ViewSetGroup):
    menu_label = "评级"
    menu_icon = "clipboard-list"
    menu_order = 190
    items = (
        MonthlyScoreViewSet("monthly_scores"),
        HotlineMonthViewSet("hotline_months"),
        ImportViewSet("ratings_imports"),
        appeals.AppealViewSet("appeals"),
        quarters.QuarterViewSet("ratings_quarters"),
        SchemeViewSet("schemes"),
    )
