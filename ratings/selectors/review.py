"""Reads behind the editors' and the committee's work: each quarter's state, and which scores a firm
may still appeal."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from wagtail.models import Page, WorkflowState

from ratings import engine, opendata
from ratings.models.publication import Appeal, Correction, Release
from ratings.models.scores import MonthlyScore, QuarterComputation
from ratings.selectors.common import quarter_pages
from ratings.selectors.locks import quarter_lock_reason


def quarter_overview() -> list[dict]:
    """The editors' view of every quarter with data, a computation, a page or a release, newest
    first: computed when, released which version, in review, locked or under correction, and
    its open appeals. A fixed number of queries."""
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
    pages = {p.quarter: p for p in quarter_pages().all()}
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
                "state": state,  # the page's active workflow state: with the committee or sent back
                "locked": locked,
                "open_appeals": open_appeals.get(quarter, 0),
            }
        )
    return rows


def appeal_window_start(now):
    """Scores imported after this moment are still within the appeal window (SPEC §4)."""
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


def quarter_review_context(*, quarter: str) -> dict:
    """What the committee checks before approving (SPEC §4): the computation (frozen once
    submitted), the rows that would change against the last release (`opendata.row_changes`), the
    open appeals of the quarter's months and why its data are locked."""
    computation = QuarterComputation.objects.filter(quarter=quarter).first()
    last = Release.objects.filter(quarter=quarter).order_by("-version").first()
    return {
        "quarter": quarter,
        "computation": computation,
        "last_release": last,
        "changes": opendata.row_changes(last.document, computation.document) if computation and last else [],
        "open_appeals": list(
            Appeal.objects.filter(
                status=Appeal.OPEN, score__month__in=engine.quarter_months(quarter)
            ).select_related("score__estate", "firm")
        ),
        "lock_reason": quarter_lock_reason(quarter),
    }
