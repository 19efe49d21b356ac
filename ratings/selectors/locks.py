"""Whether a quarter's data may change now, and what may never be removed (SPEC §4): a quarter
with the committee is frozen, a released one locked until a correction, released pages kept."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from wagtail.models import Page, WorkflowState

from ratings.models.publication import Correction, Release, ReleaseRow
from ratings.models.scores import QuarterComputation
from ratings.selectors.common import quarter_pages


def quarter_in_review(quarter: str) -> bool:
    """Whether the quarter's page is with the committee now (its approval workflow in progress):
    one query (the estate page asks it of every plate past its validity)."""
    page_ids = (
        quarter_pages()
        .filter(quarter=quarter)
        .order_by()
        .annotate(pk_text=Cast("pk", output_field=CharField()))
        .values("pk_text")
    )
    return WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=page_ids,
        status=WorkflowState.STATUS_IN_PROGRESS,
    ).exists()


def frozen_computation(quarter: str) -> QuarterComputation | None:
    """The computation frozen when the quarter was last submitted to the committee, if any."""
    return QuarterComputation.objects.filter(quarter=quarter, frozen_at__isnull=False).first()


def quarter_release_lock_reason(quarter: str) -> str | None:
    """Why a released quarter's data may not change, or None (SPEC §4: released quarters are locked
    unless an editor has opened a correction)."""
    latest = (
        Release.objects.filter(quarter=quarter).order_by("-version").values_list("version", flat=True).first()
    )
    if latest is None or Correction.objects.filter(quarter=quarter, release__isnull=True).exists():
        return None
    return (
        f"{quarter} 已发布（第 {latest} 版），数据已锁定。"
        "如需更正，请编辑先在后台为该季度发起更正并写明理由，再导入或修改。"
    )


def quarter_lock_reason(quarter: str) -> str | None:
    """Why a quarter's data may not change now, or None (SPEC §4): while the committee reviews it
    (the frozen result must stay what they see), and once released unless a correction is open."""
    if quarter_in_review(quarter):
        return (
            f"{quarter} 正在考评委员会审批中，数据已冻结：导入、重新计算和处理申诉都须等审批结束。"
            "如需修改，请考评委员会先“退回修改”。"
        )
    return quarter_release_lock_reason(quarter)


def page_protection_reason(page, *, include_descendants: bool = False, unpublish: bool = False) -> str | None:
    """Why a page may not be deleted (or, with `unpublish`, taken offline), or None (SPEC §4).

    Released quarters stay public for good (only corrections change them); a quarter with the
    committee may not be deleted; an estate page with a released plate stays, so that every plate
    and printed QR code keeps its address — an estate that leaves the registry is marked inactive.
    """
    pages = Q(pk=page.pk)
    if include_descendants:
        pages |= Q(path__startswith=page.path, depth__gt=page.depth)
    quarters = list(quarter_pages().filter(pages).values_list("quarter", flat=True))
    released = set(Release.objects.filter(quarter__in=quarters).values_list("quarter", flat=True))
    for quarter in quarters:
        if quarter in released:
            return f"{quarter} 已发布，不能删除或撤销发布；如有错误，请发起更正并发布新版本"
        if not unpublish and quarter_in_review(quarter):
            return f"{quarter} 正在考评委员会审批中，不能删除"
    estate_pages = Q(estate__page__pk=page.pk)
    if include_descendants:
        estate_pages |= Q(estate__page__path__startswith=page.path, estate__page__depth__gt=page.depth)
    row = ReleaseRow.objects.filter(estate_pages).values_list("estate__name", flat=True).first()
    if row is not None:
        return (
            f"小区“{row}”已有发布的评级，其页面和挂牌须长期可查，不能删除或撤销发布；"
            "如小区已退出登记，请在登记册中将其标为“已退出”"
        )
    return None
