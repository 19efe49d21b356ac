"""Rebuilding the search index from the admin, as a background job (core.jobs): Wagtail's own
`update_index`, reporting each model it indexes as one step of the job's progress."""

from django_tasks import task
from modelsearch.index import get_indexed_models

from django.core.management import call_command
from django.urls import reverse

from wagtail.search.management.commands import update_index

from core.jobs import JOB_PRIORITY, JobOutcome, job_run, job_start

SEARCH_REBUILD = "search.index_rebuild"
MAINTENANCE_PERMISSION = "core.run_maintenance"


class _ReportingRebuild(update_index.Command):
    """`update_index` that tells the job which model it is indexing (one step per model)."""

    def __init__(self, report, total: int):
        super().__init__()
        self.report, self.total, self.models_done = report, total, 0

    def queryset_chunks(self, qs, *args, **kwargs):
        name = qs.model._meta.verbose_name
        self.report(self.models_done, self.total, f"正在索引：{name}")
        yield from super().queryset_chunks(qs, *args, **kwargs)
        self.models_done += 1


@task(priority=JOB_PRIORITY)
def search_index_rebuild_task(*, job_id: int) -> dict:
    def work(report):
        models = get_indexed_models()
        report(0, len(models), "正在重建搜索索引")
        command = _ReportingRebuild(report, len(models))
        call_command(command, verbosity=0)
        report(len(models), len(models), "搜索索引已重建")
        return JobOutcome(
            message=f"搜索索引已重建：{len(models)} 类内容",
            result_url=reverse("search"),
            result_label="打开站内搜索",
        )

    return job_run(job_id=job_id, work=work)


def search_index_rebuild_start(*, user):
    """Rebuild the whole search index in the background; one rebuild at a time."""
    return job_start(
        task=search_index_rebuild_task, kind=SEARCH_REBUILD, subject="", label="重建搜索索引", user=user
    )


def can_rebuild(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm(MAINTENANCE_PERMISSION))
