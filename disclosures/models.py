"""信息公开 (SPEC §5): what residents pay and where the public revenue went, kept by the firm that
manages the estate today and approved by the editors before anything is public.

One DisclosurePage under each EstatePage, made by the system (disclosures.services), never typed
in by hand: its content is structured — fee items with a price and a unit, revenue statements whose
sums are checked, maintenance fund use — so that fees compare across the estates of a group.
Revisions, previews, the moderation workflow and the history come from Wagtail; each approved
(published) revision is a public version (disclosures.selectors).
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.http import Http404

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page

from core.uploads import pdf_validate
from disclosures import selectors
from disclosures.forms import DisclosurePageForm
from disclosures.phones import PhoneField, tel_href
from registry.firm_access import FirmOwnedPage
from registry.models import Estate, ServiceContract
from registry.selectors import current_contract_filter

MONEY = {"max_digits": 14, "decimal_places": 2}
NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]

PER_SQM_MONTH = "元/㎡·月"
UNITS = [
    (PER_SQM_MONTH, "元/㎡·月"),
    ("元/月", "元/月"),
    ("元/次", "元/次"),
    ("元/个·月", "元/个·月"),
    ("元/车位·月", "元/车位·月"),
    ("元/户·月", "元/户·月"),
    ("元/年", "元/年"),
]
GOVERNMENT_GUIDED, MARKET = "government", "market"
PRICING_BASES = [(GOVERNMENT_GUIDED, "政府指导价"), (MARKET, "市场调节价")]


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


class DisclosurePage(FirmOwnedPage, RoutablePageMixin, Page):
    """One estate's disclosure (信息公示), kept by the firm that manages the estate today.

    FirmOwnedPage comes first so that its `permissions_for_user` is Page's: a firm's user edits and
    submits only the disclosures of the estates its firm manages on the day (registry.firm_access).
    """

    estate = models.OneToOneField(
        Estate, verbose_name="小区", on_delete=models.PROTECT, related_name="disclosure_page", editable=False
    )
    service_level = models.CharField(
        "服务等级", max_length=60, blank=True, help_text="合同约定的物业服务等级，如 一级、二级"
    )
    service_standards = models.TextField("服务内容与标准", blank=True)
    responsibilities = StreamField(
        [("item", blocks.CharBlock(label="责任事项", max_length=200))],
        verbose_name="物业服务责任清单",
        blank=True,
    )
    project_manager = models.CharField("项目经理", max_length=40, blank=True)
    manager_phone = PhoneField("项目经理电话", blank=True)
    hotline = PhoneField("24 小时服务电话", blank=True)

    content_panels = [
        # data-no-autosave: static/js/quarter-editor.js turns autosave off (disclosures.wagtail_hooks).
        HelpPanel(
            "<p data-no-autosave>本页不自动保存：填写完成后请点击页面底部的“保存草稿”或“提交审核”。</p>",
            heading="说明",
        ),
        MultiFieldPanel(
            [FieldPanel("service_level"), FieldPanel("service_standards"), FieldPanel("responsibilities")],
            heading="服务内容与标准",
        ),
        InlinePanel("fee_items", heading="收费项目", label="收费项目"),
        InlinePanel("revenue_statements", heading="公共收益收支", label="收支情况"),
        InlinePanel("fund_uses", heading="专项维修资金使用", label="使用记录"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("project_manager"), FieldPanel("manager_phone")]),
                FieldPanel("hotline"),
                InlinePanel("complaint_channels", heading="投诉渠道", label="投诉渠道"),
            ],
            heading="联系方式",
        ),
    ]
    # The system names and places the page; nobody schedules it (publishing is the approval).
    promote_panels: list = []
    settings_panels: list = []

    parent_page_types = ["registry.EstatePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    # Made by disclosures.services for each estate page; EstatePage lists no subpage types, so the
    # admin can neither create one by hand nor copy or move one elsewhere.
    is_creatable = False
    template = "disclosures/disclosure_page.html"
    base_form_class = DisclosurePageForm

    class Meta:
        verbose_name = "信息公开"
        verbose_name_plural = "信息公开"

    # --- registry.firm_access.FirmOwnedPage ---------------------------------------------------

    def owner_firm_ids(self, *, on: date) -> frozenset[int]:
        contracts = ServiceContract.objects.filter(current_contract_filter(on), estate_id=self.estate_id)
        return frozenset(contracts.values_list("firm_id", flat=True))

    @classmethod
    def firm_owned_pages(cls, firm_ids, *, on: date):
        prefix = "estate__contracts__"
        return cls.objects.filter(
            Q(**{f"{prefix}firm_id__in": list(firm_ids)}) & current_contract_filter(on, prefix)
        )

    # --- reads for the templates --------------------------------------------------------------

    @property
    def hotline_href(self) -> str:
        return tel_href(self.hotline)

    @property
    def manager_phone_href(self) -> str:
        return tel_href(self.manager_phone)

    @property
    def property_fee(self):
        """The fee item that compares across estates: the property service fee per ㎡·月."""
        return next((f for f in self.fee_items.all() if f.is_property_fee), None)

    # --- public routes: the approved version now, and each approved version before ------------

    @path("")
    def current(self, request):
        return self.render(request, context_overrides=selectors.disclosure_public_context(page=self))

    @path("v<int:number>/")
    def version(self, request, number):
        version = selectors.disclosure_version(page=self, number=number)
        if version is None:
            raise Http404("没有这一版本")
        return self.render(
            request,
            context_overrides={**selectors.disclosure_public_context(page=self), "version": version},
            template="disclosures/disclosure_version.html",
        )


class FeeItem(Orderable):
    """One charge (收费项目): name, price and unit, its pricing basis, and since when it applies."""

    page = ParentalKey(DisclosurePage, on_delete=models.CASCADE, related_name="fee_items")
    name = models.CharField("收费项目", max_length=60)
    price = models.DecimalField("价格", max_digits=10, decimal_places=2, validators=NOT_NEGATIVE)
    unit = models.CharField("计价单位", max_length=12, choices=UNITS, default=PER_SQM_MONTH)
    pricing_basis = models.CharField("定价方式", max_length=12, choices=PRICING_BASES, default=MARKET)
    effective_date = models.DateField("执行日期")
    is_property_fee = models.BooleanField(
        "物业服务费",
        default=False,
        help_text="勾选表示这是按建筑面积收取的物业服务费（元/㎡·月），用于同组小区之间比较",
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("price"), FieldPanel("unit")]),
        FieldRowPanel(
            [FieldPanel("pricing_basis"), FieldPanel("effective_date"), FieldPanel("is_property_fee")]
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "收费项目"
        verbose_name_plural = "收费项目"

    def __str__(self) -> str:
        return f"{self.name} {self.price} {self.unit}"

    def clean(self):
        if self.is_property_fee and self.unit != PER_SQM_MONTH:
            raise ValidationError({"unit": f"物业服务费须按“{PER_SQM_MONTH}”计价，才能与同组小区比较。"})


class ExpenditureBlock(blocks.StructBlock):
    item = blocks.CharBlock(label="支出项目", max_length=80)
    amount = blocks.DecimalBlock(label="金额（元）", min_value=0, max_digits=14, decimal_places=2)

    class Meta:
        icon = "list-ul"
        label = "支出"


class RevenueStatement(ClusterableModel, Orderable):
    """Public revenue (公共收益) of one period: income by source, what it paid for, the balance.

    The stated balance must equal income minus expenditure to the fen; a statement that does not add
    up is refused with the difference named (SPEC §5)."""

    page = ParentalKey(DisclosurePage, on_delete=models.CASCADE, related_name="revenue_statements")
    period_start = models.DateField("期间起")
    period_end = models.DateField("期间止")
    income_advertising = models.DecimalField("广告收入", default=0, validators=NOT_NEGATIVE, **MONEY)
    income_parking = models.DecimalField("停车收入", default=0, validators=NOT_NEGATIVE, **MONEY)
    income_venue = models.DecimalField("场地租赁收入", default=0, validators=NOT_NEGATIVE, **MONEY)
    income_other = models.DecimalField("其他收入", default=0, validators=NOT_NEGATIVE, **MONEY)
    expenditures = StreamField([("expenditure", ExpenditureBlock())], verbose_name="支出明细", blank=True)
    stated_balance = models.DecimalField("结余", **MONEY)
    attachment = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="收支明细（PDF）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]),
        FieldRowPanel(
            [
                FieldPanel("income_advertising"),
                FieldPanel("income_parking"),
                FieldPanel("income_venue"),
                FieldPanel("income_other"),
            ]
        ),
        FieldPanel("expenditures"),
        FieldPanel("stated_balance"),
        FieldPanel("attachment"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "公共收益收支"
        verbose_name_plural = "公共收益收支"

    def __str__(self) -> str:
        return f"{self.period_start}—{self.period_end}"

    @property
    def income_total(self) -> Decimal:
        return sum(
            (
                self.income_advertising or 0,
                self.income_parking or 0,
                self.income_venue or 0,
                self.income_other or 0,
            ),
            Decimal("0"),
        )

    @property
    def expenditure_total(self) -> Decimal:
        return sum((Decimal(block.value["amount"] or 0) for block in self.expenditures), Decimal("0"))

    @property
    def computed_balance(self) -> Decimal:
        return self.income_total - self.expenditure_total

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "期间止不能早于期间起。"})
        if self.stated_balance is not None and self.stated_balance != self.computed_balance:
            income, spent, due = self.income_total, self.expenditure_total, self.computed_balance
            raise ValidationError(
                f"收支不平：收入合计 {_money(income)} 元，支出合计 {_money(spent)} 元，"
                f"结余应为 {_money(due)} 元，填写为 {_money(self.stated_balance)} 元，"
                f"相差 {_money(self.stated_balance - due)} 元。",
                code="unbalanced",
            )
        if self.attachment_id:
            _attachment_validate(self.attachment)


def _attachment_validate(document) -> None:
    if not document.file.name.lower().endswith(".pdf"):
        raise ValidationError({"attachment": "附件只能是 PDF 文件。"})
    try:
        document.file.open("rb")
        pdf_validate(document.file)
    except FileNotFoundError as error:
        raise ValidationError({"attachment": "附件文件不存在，请重新上传。"}) from error
    except ValidationError as error:
        raise ValidationError({"attachment": error.messages}) from error
    finally:
        document.file.close()


class MaintenanceFundUse(Orderable):
    """One use of the special maintenance fund (专项维修资金): when, what for, how much."""

    page = ParentalKey(DisclosurePage, on_delete=models.CASCADE, related_name="fund_uses")
    period_start = models.DateField("期间起")
    period_end = models.DateField("期间止")
    item = models.CharField("使用事项", max_length=120)
    amount = models.DecimalField("金额（元）", validators=NOT_NEGATIVE, **MONEY)

    panels = [
        FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]),
        FieldRowPanel([FieldPanel("item"), FieldPanel("amount")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "专项维修资金使用"
        verbose_name_plural = "专项维修资金使用"

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "期间止不能早于期间起。"})


class ComplaintChannel(Orderable):
    """Where a resident complains (投诉渠道): who answers, and the number to call."""

    page = ParentalKey(DisclosurePage, on_delete=models.CASCADE, related_name="complaint_channels")
    name = models.CharField("渠道名称", max_length=60, help_text="如 物业服务中心、社区居委会、街道物业办")
    phone = PhoneField("电话")

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("phone")])]

    class Meta(Orderable.Meta):
        verbose_name = "投诉渠道"
        verbose_name_plural = "投诉渠道"

    @property
    def tel_href(self) -> str:
        return tel_href(self.phone)


class PublishedDocument(models.Model):
    """A document, with the exact content (file hash) that an approved version of a disclosure shows:
    served to anyone while its file is still that content, as the versions that show it stay
    readable (SPEC §5). A file replaced after the approval is not public until approved again.
    Written by `disclosure_published`."""

    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="文件", on_delete=models.CASCADE, related_name="+"
    )
    file_hash = models.CharField("文件摘要（SHA-1）", max_length=40)
    page = models.ForeignKey(
        DisclosurePage, verbose_name="信息公开", on_delete=models.CASCADE, related_name="+"
    )
    published_at = models.DateTimeField("公开时间", auto_now_add=True)

    class Meta:
        verbose_name = "已公开文件"
        verbose_name_plural = "已公开文件"
        constraints = [
            models.UniqueConstraint(fields=["document", "file_hash"], name="published_document_content_once")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} · {self.file_hash[:8]}"
