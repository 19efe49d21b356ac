"""Assessment schemes (考核方案, SPEC §2/§3): versioned criteria, bands and consequences."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from ratings import engine


def validate_quarter(value: str) -> None:
    if not engine.is_quarter(value):
        raise ValidationError("季度应写作 2025Q1 的形式", code="quarter")


class SchemeQuerySet(models.QuerySet):
    def for_quarter(self, quarter: str) -> "Scheme | None":
        """The scheme in force for a quarter: the newest one effective from it or earlier."""
        return self.filter(effective_from__lte=quarter).order_by("-effective_from", "-version").first()


class Scheme(ClusterableModel):
    """A versioned scheme. Quarter strings sort correctly as text (2024Q4 < 2025Q1)."""

    code = models.SlugField("方案代码", max_length=40)
    version = models.PositiveIntegerField("版本", default=1)
    name = models.CharField("方案名称", max_length=100)
    effective_from = models.CharField(
        "起用季度", max_length=6, validators=[validate_quarter], help_text="如 2025Q1"
    )
    min_assessed_months = models.PositiveSmallIntegerField(
        "参评最少月数", default=2, validators=[MinValueValidator(1)]
    )
    weight_response = models.DecimalField(
        "响应率权重", max_digits=4, decimal_places=2, default=Decimal("0.10")
    )
    weight_resolution = models.DecimalField(
        "解决率权重", max_digits=4, decimal_places=2, default=Decimal("0.45")
    )
    weight_satisfaction = models.DecimalField(
        "满意率权重", max_digits=4, decimal_places=2, default=Decimal("0.45")
    )

    objects = SchemeQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("version"), FieldPanel("effective_from")]),
        FieldPanel("name"),
        FieldPanel("min_assessed_months"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("weight_response"),
                        FieldPanel("weight_resolution"),
                        FieldPanel("weight_satisfaction"),
                    ]
                )
            ],
            heading="12345 诉求办理得分权重",
        ),
        InlinePanel("criteria", heading="考核项目", label="考核项目", min_num=1),
        InlinePanel("bands", heading="挂牌等级与结果运用", label="等级", min_num=2),
    ]

    class Meta:
        ordering = ["-effective_from", "-version"]
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="scheme_code_version_unique")]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版，{self.effective_from} 起）"

    def to_engine(self) -> engine.Scheme:
        """The plain-data scheme the engine computes with."""
        bands = list(self.bands.all())
        return engine.Scheme(
            code=self.code,
            version=self.version,
            criteria=tuple(engine.Criterion(c.code, c.name, c.max) for c in self.criteria.all()),
            bands=tuple(engine.Band(b.code, b.label, b.min_score) for b in bands),
            consequences={
                b.code: engine.Consequence(b.reward_yuan, b.inspections_per_month, b.interview) for b in bands
            },
            min_assessed_months=self.min_assessed_months,
            hotline_weights=(self.weight_response, self.weight_resolution, self.weight_satisfaction),
        )

    def clean(self) -> None:
        if self.pk:
            try:
                self.to_engine()
            except ValueError as exc:
                raise ValidationError(f"方案设置不一致：{exc}") from None


class SchemeCriterion(Orderable):
    scheme = ParentalKey(Scheme, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(
        "代码", max_length=30, help_text="导入文件中的列名，如 owner；hotline 由 12345 数据计算"
    )
    name = models.CharField("名称", max_length=40)
    max = models.DecimalField(
        "满分", max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.1"))]
    )

    panels = [FieldRowPanel([FieldPanel("code"), FieldPanel("name"), FieldPanel("max")])]

    class Meta(Orderable.Meta):
        verbose_name = "考核项目"
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="criterion_code_unique")]


class SchemeBand(Orderable):
    """A band (best first) with its consequences; the bottom band has no minimum score."""

    scheme = ParentalKey(Scheme, on_delete=models.CASCADE, related_name="bands")
    code = models.SlugField("代码", max_length=20)
    label = models.CharField("名称", max_length=20, help_text="如 绿牌·精品")
    min_score = models.DecimalField("最低分", max_digits=5, decimal_places=2, null=True, blank=True)
    reward_yuan = models.PositiveIntegerField("每季度奖励（元）", default=0)
    inspections_per_month = models.PositiveSmallIntegerField("下季度每月检查次数", default=0)
    interview = models.BooleanField("约谈", default=False)

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("label"), FieldPanel("min_score")]),
        FieldRowPanel(
            [FieldPanel("reward_yuan"), FieldPanel("inspections_per_month"), FieldPanel("interview")]
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "挂牌等级"
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="band_code_unique")]
