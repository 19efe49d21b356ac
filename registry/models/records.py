"""The registry (SPEC §2): who manages which estate, where, in which like-for-like group."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from registry.validators import validate_credit_code


class Street(models.Model):
    """A street office (街道), the body that rates the firms."""

    name = models.CharField("街道名称", max_length=60, unique=True)

    class Meta:
        db_table = "ratings_street"  # the table it had in ratings: moved, not copied
        ordering = ["name"]
        verbose_name = "街道"
        verbose_name_plural = "街道"

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    """A residents' community (社区) within a street."""

    street = models.ForeignKey(
        Street, verbose_name="街道", on_delete=models.PROTECT, related_name="communities"
    )
    name = models.CharField("社区名称", max_length=60)

    class Meta:
        db_table = "ratings_community"  # the table it had in ratings: moved, not copied
        ordering = ["street__name", "name"]
        verbose_name = "社区"
        verbose_name_plural = "社区"
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="community_unique_in_street")]

    def __str__(self) -> str:
        return self.name


class Group(models.Model):
    """A like-for-like class of estates for ranking (分组); the list is editable."""

    name = models.CharField("分组名称", max_length=30, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        db_table = "ratings_group"  # the table it had in ratings: moved, not copied
        ordering = ["sort_order", "name"]
        verbose_name = "分组"
        verbose_name_plural = "分组"

    def __str__(self) -> str:
        return self.name


class Firm(models.Model):
    """A property management firm (物业企业), identified by its unified social credit code."""

    name = models.CharField("企业名称", max_length=120)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code]
    )
    phone = models.CharField("联系电话", max_length=40, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    # The firm's users are the members of this group: they reach only this firm's records.
    account_group = models.OneToOneField(
        "auth.Group",
        verbose_name="企业账号组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="firm",
    )

    class Meta:
        db_table = "ratings_firm"  # the table it had in ratings: moved, not copied
        ordering = ["credit_code"]
        verbose_name = "物业企业"
        verbose_name_plural = "物业企业"

    def __str__(self) -> str:
        return self.name


class Estate(models.Model):
    """A managed residential estate (小区 / 物业项目)."""

    code = models.CharField("小区编码", max_length=30, unique=True)
    name = models.CharField("小区名称", max_length=80)
    street = models.ForeignKey(Street, verbose_name="街道", on_delete=models.PROTECT, related_name="estates")
    community = models.ForeignKey(
        Community, verbose_name="社区", on_delete=models.PROTECT, related_name="estates"
    )
    group = models.ForeignKey(Group, verbose_name="分组", on_delete=models.PROTECT, related_name="estates")
    households = models.PositiveIntegerField("户数")
    floor_area = models.DecimalField(
        "建筑面积（㎡）", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    build_year = models.PositiveSmallIntegerField(
        "建成年份",
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    # An estate is never deleted once it has a released plate (SPEC §4): it leaves the registry by
    # being marked inactive, and its page, plates and printed QR codes keep working.
    active = models.BooleanField(
        "在册",
        default=True,
        help_text="小区退出登记（拆除、合并等）后取消勾选；其页面、历史评级和挂牌仍然保留",
    )

    class Meta:
        db_table = "ratings_estate"  # the table it had in ratings: moved, not copied
        ordering = ["code"]
        verbose_name = "小区"
        verbose_name_plural = "小区"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.community_id and self.street_id and self.community.street_id != self.street_id:
            raise ValidationError({"community": "该社区不属于所选街道"})


class ServiceContract(models.Model):
    """Which firm manages which estate from/to (准入-履约-退出). History is kept, never overwritten.

    `end` is inclusive; an open contract has no end. Two contracts of one estate never overlap
    (checked in `clean()`, which the services and the admin both call).
    """

    estate = models.ForeignKey(
        Estate, verbose_name="小区", on_delete=models.PROTECT, related_name="contracts"
    )
    firm = models.ForeignKey(
        Firm, verbose_name="物业企业", on_delete=models.PROTECT, related_name="contracts"
    )
    start = models.DateField("服务开始日期")
    end = models.DateField("服务结束日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        db_table = "ratings_servicecontract"  # the table it had in ratings: moved, not copied
        ordering = ["estate__code", "start"]
        verbose_name = "服务合同"
        verbose_name_plural = "服务合同"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="contract_end_after_start",
            ),
            models.UniqueConstraint(fields=["estate", "start"], name="contract_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.estate} · {self.firm}（{self.start} 起）"

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def clean(self) -> None:
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": "结束日期不能早于开始日期"})
        if not self.estate_id or not self.start:
            return
        others = ServiceContract.objects.filter(estate_id=self.estate_id).exclude(pk=self.pk)
        # Two inclusive ranges overlap when each starts before the other ends.
        overlap = others.filter(Q(end__isnull=True) | Q(end__gte=self.start))
        if self.end is not None:
            overlap = overlap.filter(start__lte=self.end)
        if overlap.exists():
            raise ValidationError("同一小区的服务合同期限不能重叠")
