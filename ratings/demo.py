"""Invented monthly scores and hotline figures for the demo street (SPEC §10).

24 months, deterministic (a fixed seed), shaped so that every rule shows: every band occurs, one
veto, one estate red two quarters running under the same firm (exit warning), one firm whose
every estate is green (red list), one estate with too few assessed months (pending).
"""

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.tabular import Table
from ratings import engine, selectors
from ratings.models import (
    Appeal,
    Correction,
    HotlineMonth,
    MonthlyScore,
    QuarterComputation,
    QuarterPage,
    Release,
)
from ratings.services import appeals, publication
from ratings.services.quarters import quarter_compute
from ratings.services.scores import hotline_import, scores_import
from registry.models import Estate

FIRST_MONTH = "2024-10"
MONTHS = 24
SCORED = {"owner": 20, "environment": 15, "civility": 10, "sanitation": 10, "safety": 10, "standards": 5}

# Quality per estate (share of full marks it tends to earn); the story of the demo lives here.
QUALITY = {
    "QR001": 0.93, "QR002": 0.86, "QR003": 0.91, "QR004": 0.83, "QR005": 0.80, "QR006": 0.95,
    "QR007": 0.79, "QR008": 0.77, "QR009": 0.74, "QR010": 0.75, "QR011": 0.84, "QR012": 0.79,
    "QR013": 0.84, "QR014": 0.87, "QR015": 0.94, "QR016": 0.81, "QR017": 0.88, "QR018": 0.82,
    "QR019": 0.78, "QR020": 0.85, "QR021": 0.90, "QR022": 0.96, "QR023": 0.77,
}  # fmt: skip
# 杏坛东里 slides into red in 2026 under the same firm: an exit warning from 2026Q2 on.
DECLINE = {"QR009": {"2026Q1": 0.60, "2026Q2": 0.58, "2026Q3": 0.63}}
VETO = ("QR011", "2026-05", "小区电动车棚发生违规充电引发的火情，安全生产一票否决（演示）")
# 农机所家属院: scores missing for two months of the last quarter, so it is pending (待评).
MISSING_SCORES = {("QR016", "2026-08"), ("QR016", "2026-09")}

SCORE_HEADER = ("estate_code", *SCORED, "veto", "veto_reason")
HOTLINE_HEADER = ("estate_code", "received", "responded", "resolved", "surveyed", "satisfied")


def demo_months() -> list[str]:
    year, month = map(int, FIRST_MONTH.split("-"))
    months = []
    for _ in range(MONTHS):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def demo_quarters() -> list[str]:
    return list(dict.fromkeys(engine.quarter_of_month(m) for m in demo_months()))


def _quality(code: str, month: str, rng: random.Random) -> float:
    base = DECLINE.get(code, {}).get(engine.quarter_of_month(month), QUALITY[code])
    return min(1.0, max(0.3, base + rng.uniform(-0.03, 0.03)))


def _one_place(value: float) -> str:
    return str(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def month_tables(month: str, *, households: dict[str, int]) -> tuple[Table, Table]:
    """The scores table and the hotline table a street office would import for `month`."""
    rng = random.Random(f"sunshine-demo-{month}")
    score_rows, hotline_rows = [], []
    for number, code in enumerate(sorted(QUALITY), start=2):
        quality = _quality(code, month, rng)
        if (code, month) not in MISSING_SCORES:
            cells = {
                c: _one_place(m * min(1.0, quality + rng.uniform(-0.04, 0.04))) for c, m in SCORED.items()
            }
            veto = (code, month) == VETO[:2]
            cells.update(estate_code=code, veto="1" if veto else "", veto_reason=VETO[2] if veto else "")
            score_rows.append((number, cells))
        received = max(0, round(households[code] / 1000 * rng.uniform(1.0, 9.0) * (1.6 - quality)))
        responded = received if quality > 0.72 else max(0, received - rng.randint(0, 2))
        resolved = min(responded, round(received * min(1.0, quality + rng.uniform(-0.05, 0.05))))
        surveyed = resolved
        satisfied = min(surveyed, round(surveyed * min(1.0, quality + rng.uniform(-0.05, 0.08))))
        figures = (code, received, responded, resolved, surveyed, satisfied)
        hotline_rows.append((number, dict(zip(HOTLINE_HEADER, map(str, figures), strict=True))))
    return (
        Table(header=SCORE_HEADER, rows=tuple(score_rows)),
        Table(header=HOTLINE_HEADER, rows=tuple(hotline_rows)),
    )


def demo_scores_load(*, user=None) -> None:
    """Import 24 months through the editors' import services, then compute every quarter."""
    households = dict(Estate.objects.filter(code__in=QUALITY).values_list("code", "households"))
    for month in demo_months():
        if selectors.quarter_lock_reason(engine.quarter_of_month(month)):
            continue  # released: the demo's own correction path is the only way to change it
        scores, hotline = month_tables(month, households=households)
        scores_import(table=scores, month=month, user=user)
        hotline_import(table=hotline, month=month, user=user)
        _date_imports(month)
    for quarter in demo_quarters():
        if (
            not selectors.quarter_lock_reason(quarter)
            and not QuarterComputation.objects.filter(quarter=quarter).exists()
        ):
            quarter_compute(quarter=quarter, user=user)


def import_moment(month: str):
    """When the street office would have imported a month: the 5th of the next month, 9:00."""
    year, number = map(int, month.split("-"))
    year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return timezone.make_aware(dt.datetime(year, number, 5, 9, 0))


def _date_imports(month: str) -> None:
    """Realistic import times, so that appeal windows (7 days from the import) close as they would."""
    MonthlyScore.objects.filter(month=month).update(imported_at=import_moment(month))
    HotlineMonth.objects.filter(month=month).update(imported_at=import_moment(month))


# --- publication: the committee approves the past quarters; one correction, two appeals --------

CORRECTED = ("2026Q2", "2026-05", "QR007", "environment", "15.0")
CORRECTION_REASON = "2026年5月柳荫小区“环境建设”得分录入有误（演示），经核对原始考评表更正。"
IN_REVIEW = "2026Q3"
APPEALS = [
    # (estate, month, criterion, reason, decision: None = still open, or (upheld, reason, new value))
    ("QR012", "2026-09", "owner", "9月业主评价抽样只覆盖了一栋楼，样本不具代表性，申请复核（演示）。", None),
    (
        "QR008",
        "2026-08",
        "sanitation",
        "8月创卫检查当日小区正进行管网施工，垃圾临时堆放点系施工方所设，申请复核（演示）。",
        (False, "经查施工方堆放点已超出约定时限且物业未及时清运，维持原得分（演示）。", None),
    ),
]


def _publication_moment(quarter: str):
    first, last = engine.quarter_bounds(quarter)
    return timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=12), dt.time(10, 0)))


def demo_publication_load() -> None:
    """Every demo quarter but the last goes through the committee; the last waits for review."""
    User = get_user_model()
    editor, committee = User.objects.get(username="editor"), User.objects.get(username="committee")
    for quarter in demo_quarters():
        if quarter == IN_REVIEW or Release.objects.filter(quarter=quarter).exists():
            continue
        token = publication.publication_time.set(_publication_moment(quarter))
        try:
            publication.quarter_submit(quarter=quarter, user=editor)
            publication.quarter_approve(
                quarter=quarter, user=committee, comment="经考评委员会审议，同意发布（演示）。"
            )
        finally:
            publication.publication_time.reset(token)

    quarter, month, code, criterion, value = CORRECTED
    if not Correction.objects.filter(quarter=quarter).exists():
        publication.correction_open(quarter=quarter, reason=CORRECTION_REASON, user=editor)
        score = MonthlyScore.objects.select_related("estate").get(estate__code=code, month=month)
        scores = dict(score.scores, **{criterion: value})
        header = ("estate_code", *SCORED, "veto", "veto_reason")
        row = dict(
            zip(
                header,
                (code, *(scores[c] for c in SCORED), "1" if score.veto else "", score.veto_reason),
                strict=True,
            )
        )
        scores_import(table=Table(header=header, rows=((2, row),)), month=month, user=editor)
        _date_imports(month)
        token = publication.publication_time.set(_publication_moment(quarter) + _days(20))
        try:
            publication.quarter_submit(quarter=quarter, user=editor)
            publication.quarter_approve(quarter=quarter, user=committee, comment="同意更正（演示）。")
        finally:
            publication.publication_time.reset(token)

    for code, month, criterion, reason, decision in APPEALS:
        score = MonthlyScore.objects.select_related("firm__account_group").get(estate__code=code, month=month)
        if Appeal.objects.filter(score=score).exists():
            continue
        firm_user = User.objects.filter(groups=score.firm.account_group).first()
        appeal = appeals.appeal_submit(
            user=firm_user,
            score=score,
            reason=reason,
            criterion=criterion,
            now=score.imported_at + _days(2),  # filed within the window, as a firm would
        )
        if decision:
            upheld, why, new_value = decision
            appeals.appeal_decide(
                appeal=appeal,
                user=editor,
                upheld=upheld,
                reason=why,
                scores={criterion: new_value} if upheld else None,
            )

    page = QuarterPage.objects.filter(quarter=IN_REVIEW).first()
    if page is None or not (page.workflow_in_progress or Release.objects.filter(quarter=IN_REVIEW).exists()):
        publication.quarter_submit(quarter=IN_REVIEW, user=editor)


def _days(n: int):
    return dt.timedelta(days=n)
