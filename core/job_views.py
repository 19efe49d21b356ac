"""The admin's pages of background jobs: the list of one's jobs (everyone's for editors), a job's
page with its progress bar and, once it ended, its result or its error; and the JSON that the page
polls. Registered by core/wagtail_hooks.py under /admin/jobs/."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from django.views import View

from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from core.jobs import VIEW_ALL_PERMISSION, job_as_json, job_refresh, jobs_for
from core.models import BackgroundJob

SHOWN = 100  # the most recent jobs; older ones stay reachable by their page
POLL_SECONDS = 2


def _breadcrumbs(*items):
    return [{"url": reverse("wagtailadmin_home"), "label": gettext_lazy("Home")}, *items]


class JobIndexView(WagtailAdminTemplateMixin, View):
    template_name = "core/jobs/index.html"
    page_title = "后台任务"
    header_icon = "cogs"

    def get_breadcrumbs_items(self):
        return _breadcrumbs({"url": "", "label": self.page_title})

    def get(self, request):
        sees_all = request.user.is_superuser or request.user.has_perm(VIEW_ALL_PERMISSION)
        jobs = list(jobs_for(request.user)[:SHOWN])
        context = self.get_context_data(jobs=jobs, shown=SHOWN, sees_all=sees_all)
        return TemplateResponse(request, self.template_name, context)


class JobMixin:
    def get_job(self) -> BackgroundJob:
        # Someone else's job is a 404, as if it did not exist.
        return job_refresh(get_object_or_404(jobs_for(self.request.user), pk=self.kwargs["pk"]))


class JobDetailView(JobMixin, WagtailAdminTemplateMixin, View):
    template_name = "core/jobs/detail.html"
    header_icon = "cogs"

    def get_page_title(self):
        return self.job.label

    def get_breadcrumbs_items(self):
        return _breadcrumbs(
            {"url": reverse("background_jobs:index"), "label": JobIndexView.page_title},
            {"url": "", "label": self.job.label},
        )

    def get(self, request, pk):
        self.job = self.get_job()
        context = self.get_context_data(
            job=self.job,
            status_url=reverse("background_jobs:status", args=[self.job.pk]),
            poll_seconds=POLL_SECONDS,
        )
        return TemplateResponse(request, self.template_name, context)


class JobStatusView(JobMixin, View):
    """The job's state as JSON, for the page's script (no caching: it changes every second)."""

    def get(self, request, pk):
        response = JsonResponse(job_as_json(self.get_job()), json_dumps_params={"ensure_ascii": False})
        response["Cache-Control"] = "no-store"
        return response


class JobMenuItem(MenuItem):
    """Shown to those who see every job, and to anyone who has started one."""

    def is_shown(self, request):
        user = request.user
        if user.is_superuser or user.has_perm(VIEW_ALL_PERMISSION):
            return True
        return BackgroundJob.objects.filter(started_by=user).exists()


class JobViewSet(ViewSet):
    name = "background_jobs"
    icon = "cogs"
    menu_label = "后台任务"
    menu_order = 9000
    url_prefix = "jobs"
    menu_item_class = JobMenuItem
    add_to_admin_menu = True

    def get_urlpatterns(self):
        return [
            path("", JobIndexView.as_view(), name="index"),
            path("<int:pk>/", JobDetailView.as_view(), name="detail"),
            path("<int:pk>/status/", JobStatusView.as_view(), name="status"),
        ]
