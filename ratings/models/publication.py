"""Publication (SPEC §4): append-only releases, corrections and appeals."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.bulk import BulkJSONField
from ratings.models.scores import MonthlyScore
from registry.models import Estate, Firm


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a release: releases are append-only (SPEC §4)."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("发布版本只能新增，不能修改")

    def delete(self):
        raise AppendOnlyError("发布版本只能新增，不能删除")

    # bulk_update goes through update(); bulk_create is allowed (it only adds).


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("发布版本只能新增，不能修改")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("发布版本只能新增，不能删除")


class Release(AppendOnlyModel):
    """A numbered, immutable snapshot of a quarter (v1, v2 …), chained to the release before it."""

    sequence = models.PositiveIntegerField(
        "发布序号", unique=True, help_text="所有季度的发布按时间排成一条链"
    )
    quarter = models.CharField("季度", max_length=6, db_index=True)
    version = models.PositiveIntegerField("版本")
    document = models.JSONField("data.json 文档")
    digest = models.CharField("摘要（SHA-256）", max_length=64, unique=True)
    previous_digest = models.CharField("上一版本摘要", max_length=64, null=True, blank=True, unique=True)
    published_at = models.DateTimeField("发布时间")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by_name = models.CharField("批准方", max_length=60)
    correction_note = models.TextField("更正说明", blank=True)

    class Meta:
        ordering = ["sequence"]
        verbose_name = "发布版本"
        verbose_name_plural = "发布版本"
        constraints = [
            models.UniqueConstraint(fields=["quarter", "version"], name="release_quarter_version_unique")
        ]
        permissions = [("submit_quarter", "计算季度评级并提交考评委员会审批")]

    def __str__(self) -> str:
        return f"{self.quarter} 第 {self.version} 版"


class ReleaseRow(AppendOnlyModel):
    """One estate's row of a release, as columns for filtering, sorting and paging (SPEC §7)."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="rows")
    quarter = models.CharField(max_length=6)
    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="release_rows")
    estate_code = models.CharField(max_length=30)
    firm = models.ForeignKey(Firm, null=True, on_delete=models.PROTECT, related_name="release_rows")
    group_name = models.CharField(max_length=30)
    street_name = models.CharField(max_length=60)
    band = models.CharField(max_length=20)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    rank_in_group = models.PositiveIntegerField(null=True)
    rank_overall = models.PositiveIntegerField(null=True)
    position = models.PositiveIntegerField(
        help_text="order in data.json: by overall rank, pending last, then code"
    )
    row = BulkJSONField()

    class Meta:
        ordering = ["release", "position"]
        constraints = [models.UniqueConstraint(fields=["release", "estate"], name="release_row_unique")]
        indexes = [
            models.Index(fields=["estate", "quarter"]),
            # The quarter page in rank order, a page at a time, and a few estates of a release by
            # code (the exit warnings): without them a city's 10,000 rows are sorted or scanned.
            models.Index(fields=["release", "position"], name="release_row_position"),
            models.Index(fields=["release", "estate_code"], name="release_row_code"),
        ]

    def __str__(self) -> str:
        return f"{self.quarter} {self.estate_code}"


class ReleaseSummary(AppendOnlyModel):
    """The small parts of a release's document that pages read on every request — the scheme (band
    names, criteria), the red list, the key-supervision list and the exit warnings — copied out once
    when the release is made. A release's document holds every estate's row (megabytes for a
    city); reading one key of it costs the database the whole document each time."""

    release = models.OneToOneField(
        Release, primary_key=True, on_delete=models.PROTECT, related_name="summary"
    )
    scheme = models.JSONField()
    red_list = models.JSONField(default=list)
    black_list = models.JSONField(default=list)
    exit_warnings = models.JSONField(default=list)

    PARTS = ("scheme", "red_list", "black_list", "exit_warnings")

    class Meta:
        verbose_name = "发布版本摘要"
        verbose_name_plural = "发布版本摘要"

    def __str__(self) -> str:
        return str(self.release)

    @classmethod
    def parts_of(cls, document: dict) -> dict:
        return {part: document.get(part) or ([] if part != "scheme" else {}) for part in cls.PARTS}


class Correction(models.Model):
    """An editor's decision to reopen a released quarter, with the reason shown to the public."""

    quarter = models.CharField("季度", max_length=6, db_index=True)
    reason = models.TextField("更正理由")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField("发起时间", auto_now_add=True)
    release = models.OneToOneField(
        Release,
        verbose_name="更正后的版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = "更正"
        verbose_name_plural = "更正"
        constraints = [
            models.UniqueConstraint(
                fields=["quarter"],
                condition=models.Q(release__isnull=True),
                name="one_open_correction_per_quarter",
            )
        ]
        permissions = [("open_correction", "为已发布的季度发起更正")]

    def __str__(self) -> str:
        return f"{self.quarter} 更正"

    @property
    def is_open(self) -> bool:
        return self.release_id is None


class Appeal(models.Model):
    """A firm's challenge of one estate-month score, decided by an editor with a written reason."""

    OPEN, UPHELD, REJECTED = "open", "upheld", "rejected"
    STATUS_CHOICES = [(OPEN, "待处理"), (UPHELD, "申诉成立"), (REJECTED, "申诉不成立")]

    score = models.ForeignKey(
        MonthlyScore, verbose_name="被申诉的月度得分", on_delete=models.PROTECT, related_name="appeals"
    )
    firm = models.ForeignKey(Firm, verbose_name="申诉企业", on_delete=models.PROTECT, related_name="appeals")
    criterion = models.CharField(
        "申诉的考核项目", max_length=30, blank=True, help_text="留空表示对整月得分申诉"
    )
    reason = models.TextField("申诉理由")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间")
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=OPEN, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_reason = models.TextField("处理理由", blank=True)
    old_scores = models.JSONField("原得分", null=True, blank=True)
    new_scores = models.JSONField("更正后得分", null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = "申诉"
        verbose_name_plural = "申诉"
        constraints = [
            models.UniqueConstraint(
                fields=["score"], condition=models.Q(status="open"), name="one_open_appeal_per_score"
            )
        ]
        permissions = [("decide_appeal", "处理申诉（成立或不成立）")]

    def __str__(self) -> str:
        return f"{self.score} 申诉（{self.get_status_display()}）"


def private_storage():
    """Files no web server hands out: STORAGES["private"] lives outside MEDIA_ROOT, so a file is
    reached only through a view that checks who asks (appeal evidence: ratings.admin.appeals)."""
    from django.core.files.storage import storages

    return storages["private"]


def evidence_path(instance, filename) -> str:
    # The stored name is ours, not the uploader's: the uploader's name is kept apart for display.
    return f"appeals/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class AppealEvidence(models.Model):
    """A PDF a firm attaches to its appeal (SPEC §4): checked by content when filed (core.uploads),
    seen by the firm that filed it, editors and the committee, and never public."""

    appeal = models.ForeignKey(Appeal, verbose_name="申诉", on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField("文件", upload_to=evidence_path, storage=private_storage, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = "申诉证据"
        verbose_name_plural = "申诉证据"

    def __str__(self) -> str:
        return self.original_name
