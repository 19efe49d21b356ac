"""三微案例 (SPEC §6): case stories firms write and editors review, numbered issues that editors
curate, and calls for cases (征集).

/cases/ is the CaseIndexPage; case pages are its children (/cases/<slug>/); the issues live under
a CaseIssueIndexPage with the slug `issues` (/cases/issues/<n>/), made by the data migration with
the section itself. Every read of these pages is in `cases.selectors`.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cases import selectors
from cases.blocks import CaseBodyBlock
from core.search import CHINESE_SEARCH_FIELDS, ChineseSearchable
from registry.firm_access import FirmOwnedPage
from registry.models import Estate, Firm, ServiceContract
from registry.permissions import user_firm_ids, user_is_firm_scoped


class CaseCategory(models.TextChoices):
    INNOVATION = "innovation", "微创新"
    SERVICE = "service", "微服务"
    PRACTICAL = "practical", "微实事"


class CaseCall(models.Model):
    """A call for cases (征集): editors open one with a theme and a deadline; firms submit into it
    while it is open (until the end of the deadline day)."""

    theme = models.CharField("征集主题", max_length=100)
    description = models.TextField("征集说明", help_text="写明征集什么样的案例、篇幅和图片要求")
    deadline = models.DateField("截止日期", help_text="当天 24 时截止")
    created_at = models.DateTimeField("发布时间", auto_now_add=True)

    panels = [FieldPanel("theme"), FieldPanel("description"), FieldPanel("deadline")]

    class Meta:
        ordering = ["-deadline", "-pk"]
        verbose_name = "案例征集"
        verbose_name_plural = "案例征集"

    def __str__(self) -> str:
        return f"{self.theme}（{self.deadline:%Y-%m-%d} 截止）"

    def is_open(self, on: dt.date | None = None) -> bool:
        return self.deadline >= (on or timezone.localdate())


class CaseIndexPage(Page):
    """/cases/: every published case, filtered by category, tag, firm, estate and issue."""

    intro = models.CharField("导语", max_length=300, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["cases.CasePage", "cases.CaseIssueIndexPage"]
    max_count = 1
    template = "cases/case_index_page.html"

    class Meta:
        verbose_name = "三微案例栏目"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.case_list_context(index_page=self, params=request.GET))
        return context


class CaseTag(TaggedItemBase):
    content_object = ParentalKey("cases.CasePage", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = "案例标签"


class CasePageForm(WagtailAdminPageForm):
    """A firm's user writes cases of their own firm only: the firm and estate choices are theirs,
    the criterion is one of the scheme's and calls are the open ones (and the case's own)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if "firm" in self.fields and user is not None and user_is_firm_scoped(user):
            firm_ids = user_firm_ids(user)
            self.fields["firm"].queryset = Firm.objects.filter(pk__in=firm_ids)
            self.fields["estate"].queryset = Estate.objects.filter(contracts__firm_id__in=firm_ids).distinct()
            if len(firm_ids) == 1 and not self.instance.firm_id:
                self.initial["firm"] = next(iter(firm_ids))
        if "evidence_criterion" in self.fields:
            self.fields["evidence_criterion"] = forms.ChoiceField(
                label=CasePage._meta.get_field("evidence_criterion").verbose_name,
                choices=[("", "不关联考核项目")] + selectors.criterion_choices(),
                required=False,
                help_text=CasePage._meta.get_field("evidence_criterion").help_text,
            )
        if "call" in self.fields:
            today = timezone.localdate()
            calls = models.Q(deadline__gte=today)
            if self.instance.call_id:
                calls |= models.Q(pk=self.instance.call_id)
            self.fields["call"].queryset = CaseCall.objects.filter(calls)

    def clean_firm(self):
        firm = self.cleaned_data.get("firm")
        user = self.for_user
        if firm and user is not None and user_is_firm_scoped(user) and firm.pk not in user_firm_ids(user):
            raise ValidationError("只能为本企业填写案例")
        return firm


class CasePage(FirmOwnedPage, ChineseSearchable, Page):
    """One case story, written by a firm and public once an editor approves it (SPEC §6).

    A firm-owned page (registry.firm_access): the users of the case's firm edit and submit it;
    other firms' users neither see nor reach it in the admin; only editors publish it.
    """

    category = models.CharField("类别", max_length=20, choices=CaseCategory.choices)
    firm = models.ForeignKey(Firm, verbose_name="物业企业", on_delete=models.PROTECT, related_name="cases")
    estate = models.ForeignKey(
        Estate,
        verbose_name="小区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text="可不填；填写时须是该企业在案例日期在管的小区",
    )
    case_date = models.DateField("案例日期", help_text="事情发生或完成的日期")
    summary = models.TextField("摘要", max_length=300, help_text="一两句话，列表和订阅中显示")
    problem = models.TextField("解决的问题", max_length=1000, help_text="居民遇到了什么困难")
    body = StreamField(CaseBodyBlock(), verbose_name="正文", blank=True)
    tags = ClusterTaggableManager("标签", through=CaseTag, blank=True)
    evidence_criterion = models.CharField(
        "改善的考核项目",
        max_length=30,
        blank=True,
        help_text="可选：案例改善的考核项目。案例页将从已发布的评级中显示该小区此项得分在案例前后的变化（须同时填写小区）。",
    )
    call = models.ForeignKey(
        CaseCall,
        verbose_name="参加的征集",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )

    base_form_class = CasePageForm
    content_panels = Page.content_panels + [
        FieldPanel("category"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("firm"), FieldPanel("estate")]), FieldPanel("case_date")],
            heading="企业、小区与日期",
        ),
        FieldPanel("summary"),
        FieldPanel("problem"),
        FieldPanel("body"),
        FieldPanel("tags"),
        FieldPanel("evidence_criterion"),
        FieldPanel("call"),
    ]
    search_fields = (
        Page.search_fields
        + CHINESE_SEARCH_FIELDS
        + [
            index.SearchField("summary"),
            index.SearchField("problem"),
            index.SearchField("body"),
            index.RelatedFields("firm", [index.SearchField("name")]),
            index.RelatedFields("estate", [index.SearchField("name")]),
            index.FilterField("category"),
            index.FilterField("firm"),
            index.FilterField("estate"),
        ]
    )
    parent_page_types = ["cases.CaseIndexPage"]
    subpage_types: list[str] = []
    template = "cases/case_page.html"

    class Meta:
        verbose_name = "三微案例"
        verbose_name_plural = "三微案例"
        indexes = [models.Index(fields=["case_date"])]

    def clean(self):
        super().clean()
        if self.estate_id and self.firm_id and self.case_date:
            managed = ServiceContract.objects.filter(
                estate_id=self.estate_id,
                firm_id=self.firm_id,
                start__lte=self.case_date,
            ).filter(models.Q(end__isnull=True) | models.Q(end__gte=self.case_date))
            if not managed.exists():
                raise ValidationError({"estate": "案例日期当天，该小区不由所选企业管理"})
        if self.evidence_criterion:
            if not self.estate_id:
                raise ValidationError({"estate": "关联考核项目时须填写小区：得分变化按小区显示"})
            if self.evidence_criterion not in dict(selectors.criterion_choices()):
                raise ValidationError({"evidence_criterion": "考核方案中没有这个考核项目"})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.case_detail(page=self))
        return context

    @classmethod
    def get_indexed_objects(cls):
        # A rebuild indexes a chunk at a time: the firm, estate and tags its texts name come with it.
        return super().get_indexed_objects().select_related("firm", "estate").prefetch_related("tags")

    def search_texts(self) -> list[str]:
        """Found in Chinese by its summary, the problem it solved, its firm, estate and tags
        (core.search: characters and bigrams of these)."""
        texts = [self.summary, self.problem, self.get_category_display(), self.firm.name]
        if self.estate_id:
            texts.append(self.estate.name)
        texts.extend(tag.name for tag in self.tags.all())
        return texts

    # --- registry.firm_access.FirmOwnedPage: a case belongs to its firm, whatever the day -------

    def owner_firm_ids(self, *, on: dt.date) -> frozenset[int]:
        return frozenset({self.firm_id}) if self.firm_id else frozenset()

    @classmethod
    def firm_owned_pages(cls, firm_ids, *, on: dt.date):
        return cls.objects.filter(firm_id__in=list(firm_ids))


class CaseIssueIndexPage(Page):
    """/cases/issues/: every published issue, newest first."""

    intro = models.CharField("导语", max_length=300, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cases.CaseIndexPage"]
    subpage_types = ["cases.CaseIssuePage"]
    max_count = 1
    template = "cases/case_issue_index_page.html"

    class Meta:
        verbose_name = "案例期刊目录"

    def get_workflow(self):
        # The review workflow on /cases/ is for the firms' stories; issues are the editors' own.
        return None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["issues"] = selectors.issue_list(index_page=self)
        return context


class CaseIssuePage(Page):
    """One numbered issue (期): an editor's ordered selection of published cases."""

    number = models.PositiveIntegerField("期号", unique=True, help_text="页面地址为 /cases/issues/<期号>/")
    intro = models.TextField("导语", blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("number"),
        FieldPanel("intro"),
        InlinePanel("entries", heading="本期案例（按顺序）", label="案例", min_num=1),
    ]
    parent_page_types = ["cases.CaseIssueIndexPage"]
    subpage_types: list[str] = []
    template = "cases/case_issue_page.html"

    class Meta:
        ordering = ["-number"]
        verbose_name = "案例期刊"

    # The address is the number (SPEC §7: /cases/issues/<n>/), whatever the title says: set before
    # Wagtail validates, whether the issue is saved as a draft (minimal_clean) or published.
    def _slug_from_number(self) -> None:
        if self.number:
            self.slug = str(self.number)

    def full_clean(self, *args, **kwargs):
        self._slug_from_number()
        super().full_clean(*args, **kwargs)

    def minimal_clean(self):
        self._slug_from_number()
        super().minimal_clean()

    def get_workflow(self):
        return None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.issue_detail(issue=self))
        return context


class CaseIssueEntry(Orderable):
    issue = ParentalKey(CaseIssuePage, on_delete=models.CASCADE, related_name="entries")
    case = models.ForeignKey(
        CasePage, verbose_name="案例", on_delete=models.CASCADE, related_name="issue_entries"
    )

    panels = [PageChooserPanel("case", page_type="cases.CasePage")]

    class Meta(Orderable.Meta):
        verbose_name = "本期案例"
        constraints = [models.UniqueConstraint(fields=["issue", "case"], name="issue_case_unique")]
