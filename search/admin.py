"""搜索索引 in the admin's settings menu: what the index holds and a button that rebuilds it in the
background (for editors and superusers: the `core.run_maintenance` permission)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from django.views import View

from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from core.models import BackgroundJob
from search.tasks import SEARCH_REBUILD, can_rebuild, search_index_rebuild_start


class SearchIndexView(WagtailAdminTemplateMixin, View):
    template_name = "search/admin/index.html"
    page_title = "搜索索引"
    header_icon = "search"

    def dispatch(self, request, *args, **kwargs):
        if not can_rebuild(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": gettext_lazy("Home")},
            {"url": "", "label": self.page_title},
        ]

    def get(self, request):
        last = BackgroundJob.objects.filter(kind=SEARCH_REBUILD).first()
        return TemplateResponse(request, self.template_name, self.get_context_data(last_job=last))

    def post(self, request):
        job, created = search_index_rebuild_start(user=request.user)
        if not created:
            messages.info(request, "搜索索引正在重建：这是正在进行的那次")
        return redirect("background_jobs:detail", job.pk)


class SearchIndexMenuItem(MenuItem):
    def is_shown(self, request):
        return can_rebuild(request.user)


class SearchIndexViewSet(ViewSet):
    name = "search_index"
    icon = "search"
    menu_label = "搜索索引"
    url_prefix = "search-index"
    menu_item_class = SearchIndexMenuItem
    add_to_settings_menu = True

    def get_urlpatterns(self):
        return [path("", SearchIndexView.as_view(), name="index")]
