"""The one model of `core`: a background job as the people who started it see it.

Long operations started from the admin (computing a quarter, rebuilding the search index, applying
a large import) run as django-tasks tasks; a `BackgroundJob` row is what the admin shows of each:
who started it, how far it got, how it ended and where its result is. It knows nothing of the
domain apps: they name their kind of job and what it works on (`kind`, `subject`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class BackgroundJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        SUCCEEDED = "succeeded", "已完成"
        FAILED = "failed", "失败"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField("类型", max_length=60)  # e.g. "ratings.quarter_compute"
    # What the job works on (a quarter, an import batch); with `kind`, one active job at a time.
    subject = models.CharField("对象", max_length=100, blank=True)
    label = models.CharField("任务", max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField("已完成步骤", default=0)
    total = models.PositiveIntegerField("总步骤", null=True, blank=True)
    message = models.CharField("进度说明", max_length=500, blank=True)
    error = models.TextField("失败原因", blank=True)
    result_url = models.CharField("结果链接", max_length=500, blank=True)
    result_label = models.CharField("结果链接文字", max_length=100, blank=True)
    task_result_id = models.CharField("任务编号", max_length=64, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        # view_backgroundjob: see everyone's jobs (editors); everyone sees the jobs they started.
        permissions = [("run_maintenance", "运行站点维护任务（如重建搜索索引）")]
        constraints = [
            # A second click on the same quarter or batch finds the job already under way.
            models.UniqueConstraint(
                fields=["kind", "subject"],
                condition=Q(status__in=["queued", "running"]),
                name="core_one_active_job_per_subject",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.status == self.Status.SUCCEEDED else None
        return min(100, round(100 * self.done / self.total))
