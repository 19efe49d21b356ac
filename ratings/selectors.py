"""Reads of the rating domain. Pages, views and commands call these; they never write."""

from decimal import Decimal

from ratings import engine
from ratings.models import HotlineMonth, MonthlyScore, QuarterComputation, QuarterGrade
from registry.models import Estate, Firm, ServiceContract


def quarter_in_review(quarter: str) -> bool:
    """Whether the quarter's page is with the committee now (its approval workflow in progress)."""
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import Page, WorkflowState

    from ratings.models import QuarterPage

    page_ids = [str(pk) for pk in QuarterPage.objects.filter(quarter=quarter).values_list("pk", flat=True)]
    return (
        bool(page_ids)
        and WorkflowState.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id__in=page_ids,
            status=WorkflowState.STATUS_IN_PROGRESS,
        ).exists()
    )


def frozen_computation(quarter: str) -> QuarterComputation | None:
    """The computation frozen when the quarter was last submitted to the committee, if any."""
    return QuarterComputation.objects.filter(quarter=quarter, frozen_at__isnull=False).first()


def quarter_release_lock_reason(quarter: str) -> str | None:
    """Why a released quarter's data may not change, or None (SPEC §4: released quarters are locked
    unless an editor has opened a correction)."""
    from ratings.models import Correction, Release

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


def quarter_inputs(quarter: str) -> tuple[list[engine.EstateInput], dict[str, dict], dict[str, dict]]:
    """Everything the engine needs for one quarter, in a fixed number of queries.

    Estates taken: every estate with a contract overlapping the quarter or any data in it.
    Firm keys are credit codes, so the document can name them without another lookup.
    """
    months = engine.quarter_months(quarter)
    first, last = engine.quarter_bounds(quarter)
    firm_codes = dict(Firm.objects.values_list("pk", "credit_code"))

    contracts: dict[int, list[engine.Contract]] = {}
    for estate_id, firm_id, start, end in ServiceContract.objects.filter(start__lte=last).values_list(
        "estate_id", "firm_id", "start", "end"
    ):
        contracts.setdefault(estate_id, []).append(engine.Contract(firm_codes[firm_id], start, end))

    months_by_estate: dict[int, dict[str, dict]] = {}
    for estate_id, month, scores, veto, reason, firm_id in MonthlyScore.objects.filter(
        month__in=months
    ).values_list("estate_id", "month", "scores", "veto", "veto_reason", "firm_id"):
        months_by_estate.setdefault(estate_id, {})[month] = {
            "scores": {code: Decimal(value) for code, value in scores.items()},
            "veto": veto,
            "veto_reason": reason,
            "firm": firm_codes.get(firm_id),
        }
    for estate_id, month, *figures in HotlineMonth.objects.filter(month__in=months).values_list(
        "estate_id", "month", "received", "responded", "resolved", "surveyed", "satisfied"
    ):
        months_by_estate.setdefault(estate_id, {}).setdefault(month, {})["hotline"] = engine.HotlineFigures(
            *figures
        )

    inputs, info = [], {}
    estates = Estate.objects.values_list(
        "pk", "code", "name", "group__name", "street__name", "community__name", "households", "page__slug"
    )
    for pk, code, name, group, street, community, households, slug in estates:
        estate_contracts = contracts.get(pk, [])
        active = any(c.start <= last and (c.end is None or c.end >= first) for c in estate_contracts)
        data = months_by_estate.get(pk, {})
        if not active and not data:
            continue
        month_inputs = tuple(
            engine.MonthInput(
                month=month,
                scores=values.get("scores", {}),
                hotline=values.get("hotline"),
                veto=values.get("veto", False),
                veto_reason=values.get("veto_reason", ""),
                firm=values.get("firm") or engine.month_firm(estate_contracts, month),
            )
            for month, values in sorted(data.items())
        )
        inputs.append(
            engine.EstateInput(
                code=code,
                group=group,
                households=households,
                firm=engine.quarter_firm(estate_contracts, quarter),
                months=month_inputs,
            )
        )
        info[code] = {
            "estate_name": name,
            "slug": slug or code.lower(),
            "group": group,
            "street": street,
            "community": community,
            "households": households,
        }
    firms = {
        code: {"name": name, "credit_code": code}
        for name, code in Firm.objects.values_list("name", "credit_code")
    }
    return inputs, info, firms


def previous_grades(quarter: str) -> dict[str, engine.PreviousGrade] | None:
    """The previous quarter's band and firm per estate code, from its stored computation."""
    rows = QuarterGrade.objects.filter(quarter=engine.previous_quarter(quarter)).values_list(
        "estate__code", "band", "firm__credit_code"
    )
    if not QuarterComputation.objects.filter(quarter=engine.previous_quarter(quarter)).exists():
        return None
    return {code: engine.PreviousGrade(band=band, firm=firm) for code, band, firm in rows}


def quarter_overview() -> list[dict]:
    """The editors' view of every quarter with data, a computation, a page or a release, newest
    first: computed when, released which version, in review, locked or under correction, and
    its open appeals. A fixed number of queries."""
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import Page, WorkflowState

    from ratings.models import Appeal, Correction, QuarterPage, Release

    months = MonthlyScore.objects.order_by().values_list("month", flat=True).distinct()
    quarters = {engine.quarter_of_month(m) for m in months}
    computations = {
        c.quarter: c for c in QuarterComputation.objects.defer("document").select_related("computed_by")
    }
    releases = {}
    for release in Release.objects.defer("document").order_by("quarter", "version"):
        releases[release.quarter] = release  # the latest version wins
    corrections = {
        c.quarter: c for c in Correction.objects.filter(release__isnull=True).select_related("opened_by")
    }
    pages = {p.quarter: p for p in QuarterPage.objects.all()}
    page_type = ContentType.objects.get_for_model(Page)
    in_progress = {
        int(state.object_id): state
        for state in WorkflowState.objects.active()
        .filter(base_content_type=page_type, object_id__in=[str(p.pk) for p in pages.values()])
        .select_related("current_task_state__task", "requested_by")
    }
    open_appeals = {}
    for month in Appeal.objects.filter(status=Appeal.OPEN).values_list("score__month", flat=True):
        quarter = engine.quarter_of_month(month)
        open_appeals[quarter] = open_appeals.get(quarter, 0) + 1
    quarters |= set(computations) | set(releases) | set(pages) | set(corrections)
    rows = []
    for quarter in sorted(quarters, reverse=True):
        release, correction, page = releases.get(quarter), corrections.get(quarter), pages.get(quarter)
        state = in_progress.get(page.pk) if page else None
        if state is not None:
            workflow = "审批中" if state.status == WorkflowState.STATUS_IN_PROGRESS else "退回修改"
        elif page is None:
            workflow = "尚未提交"
        else:
            workflow = "已发布" if page.live else "草稿（未提交或已取消）"
        locked = release is not None and correction is None
        rows.append(
            {
                "quarter": quarter,
                "computation": computations.get(quarter),
                "release": release,
                "correction": correction,
                "page": page,
                "workflow": workflow,
                "in_review": state is not None,
                "locked": locked,
                "open_appeals": open_appeals.get(quarter, 0),
            }
        )
    return rows


def page_protection_reason(page, *, include_descendants: bool = False, unpublish: bool = False) -> str | None:
    """Why a page may not be deleted (or, with `unpublish`, taken offline), or None (SPEC §4).

    Released quarters stay public for good (only corrections change them); a quarter with the
    committee may not be deleted; an estate page with a released plate stays, so that every plate
    and printed QR code keeps its address — an estate that leaves the registry is marked inactive.
    """
    from django.db.models import Q

    from ratings.models import QuarterPage, Release, ReleaseRow

    pages = Q(pk=page.pk)
    if include_descendants:
        pages |= Q(path__startswith=page.path, depth__gt=page.depth)
    quarters = list(QuarterPage.objects.filter(pages).values_list("quarter", flat=True))
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


def appeal_window_start(now):
    """Scores imported after this moment are still within the appeal window (SPEC §4)."""
    from datetime import timedelta

    from django.conf import settings

    return now - timedelta(days=settings.PORTAL_APPEAL_WINDOW_DAYS)


def appealable_scores(*, firm_ids, now):
    """The firms' estate-month scores open to appeal now (SPEC §4): imported within the window, and
    of a quarter neither in review nor released (unless a correction has reopened it)."""
    recent = MonthlyScore.objects.filter(firm_id__in=firm_ids, imported_at__gte=appeal_window_start(now))
    months = set(recent.values_list("month", flat=True).distinct())
    quarters = {engine.quarter_of_month(month) for month in months}
    locked = {quarter for quarter in quarters if quarter_lock_reason(quarter)}
    open_months = [month for month in months if engine.quarter_of_month(month) not in locked]
    return recent.filter(month__in=open_months)
