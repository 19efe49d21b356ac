"""What an editor finds on the admin's home page (SPEC §1: editors import the monthly data, compute a
quarter, send it to the committee and decide appeals): the months still missing scores or 12345
figures, the quarters ready to compute or to submit and those with the committee, the appeals
awaiting a decision with their deadlines, and the imports of the last 30 days. A fixed number of
queries, whatever the number of estates, scores, appeals or imports."""

import re
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max

from wagtail.models import WorkflowState

from ratings import engine
from ratings.models import Appeal, HotlineMonth, ImportBatch, MonthlyScore
from ratings.selectors.review import quarter_overview
from registry.models import Estate

RECENT_IMPORT_DAYS = 30
IMPORTS_SHOWN = 15
SUMMARY_ROWS_RE = re.compile(r"^(\d+) 行")


def _month_counts(months) -> dict[str, dict]:
    """Per month: active estates with scores and with 12345 figures, and when they last changed."""
    found = {m: {"scores": 0, "hotline": 0, "changed": None} for m in months}
    for model, key, stamp in (
        (MonthlyScore, "scores", "updated_at"),
        (HotlineMonth, "hotline", "imported_at"),
    ):
        rows = (
            model.objects.filter(month__in=months, estate__active=True)
            .order_by()
            .values("month")
            .annotate(n=Count("estate", distinct=True), last=Max(stamp))
        )
        for row in rows:
            entry = found[row["month"]]
            entry[key] = row["n"]
            if entry["changed"] is None or row["last"] > entry["changed"]:
                entry["changed"] = row["last"]
    return found


def _open(row) -> bool:
    """Data may change: not with the committee, and not released unless a correction is open."""
    return not row["with_committee"] and not row["locked"]


def editor_workplace(*, today, now) -> dict:
    """The editor's home (see the module's docstring)."""
    estates = Estate.objects.filter(active=True).count()
    overview = quarter_overview()
    for row in overview:
        state = row["state"]
        row["with_committee"] = state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS
        row["sent_back"] = state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES
    by_quarter = {row["quarter"]: row for row in overview}

    # What is due: this quarter's finished months, and the previous quarter's while it is open.
    this_month = f"{today:%Y-%m}"
    this_quarter = engine.quarter_of_month(this_month)
    previous = engine.previous_quarter(this_quarter)
    due = [m for m in engine.quarter_months(this_quarter) if m < this_month]
    if previous not in by_quarter or _open(by_quarter[previous]):
        due = [*engine.quarter_months(previous), *due]
    # Quarters that have ended and may still change: are all their months in, are they computed?
    ended = [r for r in overview if r["quarter"] < this_quarter and _open(r)]
    months = sorted({*due, *(m for r in ended for m in engine.quarter_months(r["quarter"]))})
    counts = _month_counts(months)

    missing = []
    for month in due:
        for kind, label in (("scores", "考核得分"), ("hotline", "12345 数据")):
            short = estates - counts[month][kind]
            if short > 0:
                missing.append({"month": month, "kind": kind, "label": label, "missing": short})

    to_compute, to_submit = [], []
    for row in ended:
        quarter_months = engine.quarter_months(row["quarter"])
        complete = all(
            counts[m]["scores"] >= estates and counts[m]["hotline"] >= estates for m in quarter_months
        )
        if not complete:
            continue
        changed = max((counts[m]["changed"] for m in quarter_months if counts[m]["changed"]), default=None)
        computation = row["computation"]
        if computation is None or (changed and changed > computation.computed_at):
            to_compute.append({**row, "stale": computation is not None})
        else:
            to_submit.append(row)

    window = timedelta(days=settings.PORTAL_APPEAL_DECISION_DAYS)
    appeals = [
        {"appeal": a, "month": engine.month_label(a.score.month), "deadline": a.submitted_at + window,
         "overdue": now > a.submitted_at + window}
        for a in Appeal.objects.filter(status=Appeal.OPEN)
        .select_related("score__estate", "firm")
        .order_by("submitted_at", "pk")
    ]  # fmt: skip

    recent = list(
        ImportBatch.objects.filter(created_at__gte=now - timedelta(days=RECENT_IMPORT_DAYS))
        .defer("data")
        .select_related("uploaded_by")
        .order_by("-created_at")[: IMPORTS_SHOWN + 1]
    )
    return {
        "estates": estates,
        "missing": missing,
        "due": due,
        "to_compute": to_compute,
        "to_submit": to_submit,
        "with_committee": [r for r in overview if r["with_committee"]],
        "appeals": appeals,
        "decision_days": settings.PORTAL_APPEAL_DECISION_DAYS,
        "imports": [{"batch": b, "rows": _summary_rows(b.summary)} for b in recent[:IMPORTS_SHOWN]],
        "imports_more": len(recent) > IMPORTS_SHOWN,
        "recent_days": RECENT_IMPORT_DAYS,
    }


def _summary_rows(summary: str) -> int | None:
    """The rows an applied batch imported, from its summary (core.importing.ImportReport.summary)."""
    found = SUMMARY_ROWS_RE.match(summary or "")
    return int(found.group(1)) if found else None
