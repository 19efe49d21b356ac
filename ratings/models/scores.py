"""What editors import each month and what compute_quarter stores (SPEC §2, §3, §9)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from core.bulk import BulkJSONField
from ratings import engine
from ratings.models.scheme import Scheme, validate_quarter
from registry.models import Estate, Firm


def validate_month(value: str) -> None:
    if not engine.is_month(value):
        raise ValidationError("月份应写作 2025-01 的形式", code="month")


class MonthlyScore(models.Model):
    """One estate, one month: a score per scored criterion (decimal strings), optional veto."""

    estate = models.ForeignKey(
        Estate, verbose_name="小区", on_delete=models.PROTECT, related_name="monthly_scores"
    )
    month = models.CharField("月份", max_length=7, validators=[validate_month], db_index=True)
    scores = BulkJSONField("各项得分", default=dict)
    veto = models.BooleanField("一票否决", default=False)
    veto_reason = models.CharField("否决原因", max_length=300, blank=True)
    firm = models.ForeignKey(
        Firm,
        verbose_name="当月物业企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monthly_scores",
    )
    imported_at = models.DateTimeField("导入时间")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["estate__code", "month"]
        verbose_name = "月度考核得分"
        verbose_name_plural = "月度考核得分"
        constraints = [models.UniqueConstraint(fields=["estate", "month"], name="monthly_score_unique")]
        permissions = [("import_scores", "导入考核得分与 12345 数据")]

    def __str__(self) -> str:
        return f"{self.estate} {self.month}"


class HotlineMonth(models.Model):
    """12345 hotline figures of one estate and month (SPEC §3)."""

    estate = models.ForeignKey(
        Estate, verbose_name="小区", on_delete=models.PROTECT, related_name="hotline_months"
    )
    month = models.CharField("月份", max_length=7, validators=[validate_month], db_index=True)
    received = models.PositiveIntegerField("受理数")
    responded = models.PositiveIntegerField("响应数")
    resolved = models.PositiveIntegerField("解决数")
    surveyed = models.PositiveIntegerField("回访数")
    satisfied = models.PositiveIntegerField("满意数")
    imported_at = models.DateTimeField("导入时间")

    class Meta:
        ordering = ["estate__code", "month"]
        verbose_name = "12345 诉求月度数据"
        verbose_name_plural = "12345 诉求月度数据"
        constraints = [models.UniqueConstraint(fields=["estate", "month"], name="hotline_month_unique")]

    def __str__(self) -> str:
        return f"{self.estate} {self.month}"


class QuarterComputation(models.Model):
    """The provisional result of a quarter, as last computed (not public until released)."""

    quarter = models.CharField("季度", max_length=6, unique=True, validators=[validate_quarter])
    scheme = models.ForeignKey(Scheme, verbose_name="考核方案", on_delete=models.PROTECT)
    computed_at = models.DateTimeField("计算时间")
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="计算人", null=True, blank=True, on_delete=models.SET_NULL
    )
    document = models.JSONField("结果文档", help_text="与 data.json 同一格式，release 为空")
    # Set when the quarter is submitted to the committee (SPEC §4): from then on the document is
    # what the committee reviews and what approval publishes, unchanged.
    frozen_at = models.DateTimeField("提交审批（冻结）时间", null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    inputs_digest = models.CharField(
        "输入数据摘要", max_length=64, blank=True, help_text="计算所用全部输入数据的 SHA-256"
    )
    document_digest = models.CharField("结果文档摘要", max_length=64, blank=True)

    class Meta:
        ordering = ["-quarter"]
        verbose_name = "季度计算结果"
        verbose_name_plural = "季度计算结果"

    def __str__(self) -> str:
        return self.quarter


class QuarterGrade(models.Model):
    """One estate's provisional grade in a quarter: the queryable columns of its data.json row."""

    computation = models.ForeignKey(QuarterComputation, on_delete=models.CASCADE, related_name="grades")
    quarter = models.CharField("季度", max_length=6, db_index=True)
    estate = models.ForeignKey(Estate, verbose_name="小区", on_delete=models.PROTECT, related_name="grades")
    firm = models.ForeignKey(
        Firm, verbose_name="物业企业", null=True, on_delete=models.PROTECT, related_name="grades"
    )
    band = models.CharField("挂牌", max_length=20)
    score = models.DecimalField("季度得分", max_digits=5, decimal_places=2, null=True)
    months_assessed = models.PositiveSmallIntegerField("参评月数")
    vetoed = models.BooleanField("一票否决", default=False)
    rank_in_group = models.PositiveIntegerField("组内排名", null=True)
    rank_overall = models.PositiveIntegerField("总排名", null=True)
    row = BulkJSONField("数据行")

    class Meta:
        ordering = ["quarter", "rank_overall", "estate__code"]
        verbose_name = "季度评级（暂定）"
        verbose_name_plural = "季度评级（暂定）"
        constraints = [models.UniqueConstraint(fields=["quarter", "estate"], name="quarter_grade_unique")]

    def __str__(self) -> str:
        return f"{self.quarter} {self.estate_id} {self.band}"


class ImportBatch(models.Model):
    """An uploaded file kept between the admin preview and the confirmed import."""

    KIND_CHOICES = [("registry", "登记册"), ("scores", "月度考核得分"), ("hotline", "12345 诉求数据")]

    kind = models.CharField("类型", max_length=20, choices=KIND_CHOICES)
    month = models.CharField("月份", max_length=7, blank=True)
    filename = models.CharField("文件名", max_length=200)
    data = models.BinaryField("文件内容")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"
