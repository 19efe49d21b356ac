"""The rating domain's long operations as background tasks (django-tasks), each one tracked as a
`core.models.BackgroundJob`: computing a quarter and applying a large import. The tasks call the
same services as the commands and the synchronous admin actions, so locks (`quarter_lock_reason`)
and all-or-nothing imports hold the same way inside a task.
"""

from django_tasks import task

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.errors import ActionRefused, BatchAlreadyApplied, FileRefused, ImportRefused
from core.jobs import JOB_PRIORITY, JobOutcome, job_run, job_start
from ratings import files, selectors
from ratings.models import ImportBatch, Release
from ratings.services.imports import import_batch_apply
from ratings.services.quarters import quarter_compute

QUARTER_COMPUTE = "ratings.quarter_compute"
IMPORT_APPLY = "ratings.import_apply"


def _user(user_id):
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


# --- computing a quarter ----------------------------------------------------------------------


@task(priority=JOB_PRIORITY)
def quarter_compute_task(*, job_id: int, quarter: str, user_id: int | None = None) -> dict:
    def work(report):
        computation = quarter_compute(quarter=quarter, user=_user(user_id), progress=report)
        return JobOutcome(
            message=f"已计算 {quarter} 的暂定结果：{len(computation.document['estates'])} 个小区（尚未公开）",
            result_url=reverse("ratings_quarters:index"),
            result_label="返回季度评级与发布",
        )

    return job_run(job_id=job_id, work=work)


def quarter_compute_start(*, quarter: str, user):
    """Compute a quarter in the background; a quarter already being computed returns that job.
    A locked quarter is refused at once (and again inside the task, which may start later)."""
    if reason := selectors.quarter_lock_reason(quarter):
        raise ImportRefused(message=reason)
    return job_start(
        task=quarter_compute_task,
        kind=QUARTER_COMPUTE,
        subject=quarter,
        label=f"计算 {quarter} 的暂定评级",
        user=user,
        quarter=quarter,
        user_id=user.pk if user else None,
    )


# --- applying a large import ------------------------------------------------------------------


def import_runs_in_background(batch: ImportBatch) -> bool:
    """Files above PORTAL_IMPORT_BACKGROUND_BYTES are imported by a background task; smaller ones
    at once, in the request (they take a second or two)."""
    return len(batch.data) > settings.PORTAL_IMPORT_BACKGROUND_BYTES


@task(priority=JOB_PRIORITY)
def import_batch_apply_task(*, job_id: int, batch_id: int, user_id: int | None = None) -> dict:
    def work(report):
        batch = ImportBatch.objects.get(pk=batch_id)
        report(0, 1, f"正在导入“{batch.filename}”（全部成功才写入）")
        try:
            result = import_batch_apply(batch=batch, user=_user(user_id))
        except BatchAlreadyApplied:
            raise ActionRefused(f"“{batch.filename}”已经导入过，不能重复导入") from None
        except (FileRefused, ImportRefused) as exc:
            raise ActionRefused(f"导入被拒绝，未写入任何数据：{exc}") from None
        return JobOutcome(
            message=f"已导入“{batch.filename}”：{result.summary()}",
            result_url=reverse("ratings_imports:batch", args=[batch.pk]),
            result_label="查看导入批次",
        )

    return job_run(job_id=job_id, work=work)


def import_batch_apply_start(*, batch: ImportBatch, user):
    """Apply a previewed batch in the background; a second confirmation lands on the same job."""
    if batch.applied_at is not None:
        raise BatchAlreadyApplied
    return job_start(
        task=import_batch_apply_task,
        kind=IMPORT_APPLY,
        subject=str(batch.pk),
        label=f"导入 {batch.get_kind_display()}“{batch.filename}”",
        user=user,
        batch_id=batch.pk,
        user_id=user.pk if user else None,
    )


# --- a release's files, written ahead -----------------------------------------------------------


@task()
def release_files_task(*, release_id: int) -> list[str]:
    """Write a new release's data.json, data.csv and data.xlsx, each with its brotli and gzip, into
    the shared cache (`ratings.files`), so that the first readers after a publication find them
    made."""
    release = Release.objects.defer("document").filter(pk=release_id).first()
    return files.release_files_prepare(release) if release is not None else []
