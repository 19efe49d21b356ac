"""Background jobs (django-tasks) as the admin shows them: start one, report its progress, end it.

A domain app defines a task that calls `job_run(job_id=…, work=…)`; `work` gets a `report(done,
total, message)` callback and returns a `JobOutcome`. The admin view calls `job_start(…)`, which
records the job and enqueues the task, or returns the job already queued or running for the same
kind and subject (the second click lands on it). With the immediate backend (tests, or
TASKS_BACKEND=immediate) the task runs inside `job_start`, so the same code runs synchronously.

Progress is written in its own statement, never inside the task's write transaction, so the page
that polls it sees each step as it happens.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus, task_backends
from django_tasks.exceptions import TaskResultDoesNotExist

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.errors import ActionRefused, FileRefused, ImportRefused
from core.models import BackgroundJob

logger = logging.getLogger(__name__)

Report = Callable[..., None]
# Refusals carry a message in Chinese for the person who asked: the job shows it as its error.
REFUSALS = (ActionRefused, FileRefused, ImportRefused)
# Jobs someone is watching go ahead of Wagtail's own queued tasks (a search or reference index
# entry per saved page: hundreds after a large import or `load_demo`): `@task(priority=JOB_PRIORITY)`.
JOB_PRIORITY = 10
CRASH_MESSAGE = "任务出错，未完成（{name}）。请稍后重试；如仍失败，请管理员查看服务器日志。"


@dataclass
class JobOutcome:
    """How a job ended well: a sentence in Chinese and, if any, the page that shows its result."""

    message: str
    result_url: str = ""
    result_label: str = ""


def job_start(
    *, task, kind: str, subject: str, label: str, user, **task_kwargs
) -> tuple[BackgroundJob, bool]:
    """Record a job and enqueue `task(job_id=…, **task_kwargs)`; or return the active job of the
    same kind and subject. Returns (job, created)."""
    existing = _active(kind, subject)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            job = BackgroundJob.objects.create(kind=kind, subject=subject, label=label, started_by=user)
    except IntegrityError:  # another request started it between the check and the insert
        existing = _active(kind, subject)
        if existing is None:
            raise
        return existing, False
    result = task.enqueue(job_id=job.pk, **task_kwargs)
    BackgroundJob.objects.filter(pk=job.pk).update(task_result_id=str(result.id))
    job.refresh_from_db()
    return job, True


def _active(kind: str, subject: str) -> BackgroundJob | None:
    return BackgroundJob.objects.filter(kind=kind, subject=subject, status__in=BackgroundJob.ACTIVE).first()


def job_run(*, job_id: int, work: Callable[[Report], JobOutcome]) -> dict:
    """Run a job's work once: queued → running → succeeded or failed. A refusal (a locked quarter,
    a changed file) fails the job with its own message; anything else fails it with a general
    message and is raised again, so the task backend records the traceback too."""
    claimed = BackgroundJob.objects.filter(pk=job_id, status=BackgroundJob.Status.QUEUED).update(
        status=BackgroundJob.Status.RUNNING, started_at=timezone.now(), message="开始执行"
    )
    if not claimed:
        return {"status": "skipped"}  # run already (a retried task) or gone

    def report(done: int, total: int | None = None, message: str = "") -> None:
        fields = {"done": max(0, int(done)), "message": message[:500]}
        if total is not None:
            fields["total"] = max(0, int(total))
        BackgroundJob.objects.filter(pk=job_id).update(**fields)

    try:
        outcome = work(report)
    except REFUSALS as exc:
        _finish(job_id, status=BackgroundJob.Status.FAILED, error=str(exc) or "操作被拒绝，未写入任何数据")
        return {"status": "failed"}
    except Exception as exc:
        logger.exception("background job %s failed", job_id)
        _finish(
            job_id, status=BackgroundJob.Status.FAILED, error=CRASH_MESSAGE.format(name=type(exc).__name__)
        )
        raise
    _finish(
        job_id,
        status=BackgroundJob.Status.SUCCEEDED,
        done=Coalesce(F("total"), F("done")),  # a job that ended well did all its steps
        message=outcome.message[:500],
        result_url=outcome.result_url,
        result_label=outcome.result_label[:100],
    )
    return {"status": "succeeded"}


INTERRUPTED_MESSAGE = "后台任务进程停止时任务被中断，未完成。请重新发起。"


def jobs_interrupted(*, task_result_ids: list[str]) -> int:
    """Mark failed the active jobs of tasks whose worker was killed mid-task, so that their quarter
    or batch can be started again. Returns how many."""
    return BackgroundJob.objects.filter(
        task_result_id__in=task_result_ids, status__in=BackgroundJob.ACTIVE
    ).update(status=BackgroundJob.Status.FAILED, error=INTERRUPTED_MESSAGE, finished_at=timezone.now())


LOST_MESSAGE = (
    "后台任务进程报告任务已结束，但任务没有记录结果（可能在开始前出错）；未写入任何数据。请重新发起。"
)


def job_refresh(job: BackgroundJob) -> BackgroundJob:
    """A job still shown as queued or running whose task the backend records as finished (it failed
    before `job_run` could record anything: an import error, a worker killed and restarted) is
    marked failed, so that the page stops waiting and the subject can be started again."""
    if not job.is_active or not job.task_result_id:
        return job
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if not backend.supports_get_result:
        return job
    try:
        result = backend.get_result(job.task_result_id)
    except TaskResultDoesNotExist:
        return job
    if result.status in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL):
        job.refresh_from_db()  # job_run may have finished it meanwhile
        if job.is_active:
            _finish(job.pk, status=BackgroundJob.Status.FAILED, error=LOST_MESSAGE)
            job.refresh_from_db()
    return job


def _finish(job_id: int, **fields) -> None:
    BackgroundJob.objects.filter(pk=job_id).update(finished_at=timezone.now(), **fields)


# --- reads ------------------------------------------------------------------------------------

VIEW_ALL_PERMISSION = "core.view_backgroundjob"


def jobs_for(user):
    """The jobs a user may see: the ones they started; every job for editors and superusers."""
    jobs = BackgroundJob.objects.select_related("started_by")
    if user.is_superuser or user.has_perm(VIEW_ALL_PERMISSION):
        return jobs
    return jobs.filter(started_by=user)


def job_as_json(job: BackgroundJob) -> dict:
    """What the job page polls: status, progress and, once done, the result or the error."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "active": job.is_active,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "message": job.message,
        "error": job.error,
        "result_url": job.result_url,
        "result_label": job.result_label or "查看结果",
    }
