"""Monthly imports (SPEC §9): criterion scores with vetoes, and 12345 hotline figures.

Both keep the import contract of `ratings.importing`: every row validated first, every bad row
named, one transaction, a preview that runs the same code and rolls back.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from wagtail.log_actions import LogContext

from ratings import engine
from ratings.audit import log_bulk
from ratings.bulk import update_rows
from ratings.importing import ImportRefused, ImportReport, RowCollector, RowProblem, parse_decimal, parse_int
from ratings.models import Estate, HotlineMonth, MonthlyScore, Scheme, ServiceContract
from ratings.tabular import Table, check_columns

HOTLINE_FIELDS = ("received", "responded", "resolved", "surveyed", "satisfied")
HOTLINE_LABELS = {
    "received": "受理数",
    "responded": "响应数",
    "resolved": "解决数",
    "surveyed": "回访数",
    "satisfied": "满意数",
}


def scheme_for_month(month: str) -> Scheme:
    scheme = Scheme.objects.prefetch_related("criteria", "bands").for_quarter(engine.quarter_of_month(month))
    if scheme is None:
        raise ImportRefused(message=f"{month} 没有适用的考核方案：请先在后台设置考核方案")
    return scheme


def month_lock_error(month: str) -> str | None:
    """Why scores of this month may not change now (a released quarter), or None.

    Publication arrives with the publication issue; until then nothing is locked.
    """
    from ratings import selectors

    return selectors.quarter_lock_reason(engine.quarter_of_month(month))


def _estates_by_code() -> dict[str, tuple[int, int]]:
    return {
        code: (pk, households)
        for code, pk, households in Estate.objects.values_list("code", "pk", "households")
    }


def _row_estate(cells, estates, seen, number, errors):
    code = cells["estate_code"].strip()
    if not code:
        errors.append("小区编码不能为空")
        return None
    if code not in estates:
        errors.append(f"小区编码 {code} 不在登记册中")
        return None
    if code in seen:
        errors.append(f"小区 {code} 在第 {seen[code]} 行已出现，同一文件中每个小区只能有一行")
        return None
    seen[code] = number
    return estates[code][0]


# --- scores -----------------------------------------------------------------------------------


@dataclass
class ScoreRow:
    estate_id: int
    code: str
    scores: dict[str, str]
    veto: bool
    veto_reason: str


def scores_import(*, table: Table, month: str, user=None, dry_run: bool = False) -> ImportReport:
    """Import one month's criterion scores. Values have one decimal place, 0 ≤ s ≤ max (SPEC §3)."""
    scheme = scheme_for_month(month).to_engine()
    check_columns(table, required={"estate_code", *scheme.scored_codes}, optional={"veto", "veto_reason"})
    if lock := month_lock_error(month):
        raise ImportRefused(message=lock)
    rows = _validate_scores(table, scheme)
    report = ImportReport(kind="scores", rows=len(rows), dry_run=dry_run)
    with transaction.atomic(), LogContext(user=user):
        _apply_scores(rows, month, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _validate_scores(table: Table, scheme: engine.Scheme) -> list[ScoreRow]:
    problems = RowCollector()
    estates = _estates_by_code()
    seen: dict[str, int] = {}
    rows = []
    for number, cells in table.rows:
        if "__extra__" in cells:
            problems.add(number, cells["__extra__"])
            continue
        errors: list[str] = []
        estate_id = _row_estate(cells, estates, seen, number, errors)
        scores = {}
        for criterion in scheme.criteria:
            if criterion.code == scheme.hotline_code:
                continue
            try:
                value = parse_decimal(
                    cells[criterion.code],
                    label=f"{criterion.name}（{criterion.code}）",
                    places=1,
                    maximum=criterion.max,
                )
                scores[criterion.code] = str(value)
            except RowProblem as exc:
                errors.append(str(exc))
        veto_text = cells.get("veto", "").strip()
        reason = " ".join(cells.get("veto_reason", "").split())
        if veto_text not in {"", "0", "1"}:
            errors.append(f"veto 只能为空、0 或 1，实际为“{veto_text}”")
        veto = veto_text == "1"
        if veto and not reason:
            errors.append("一票否决必须填写否决原因（veto_reason）")
        elif not veto and reason:
            errors.append("未一票否决（veto 不为 1）却填写了否决原因")
        elif len(reason) > 300:
            errors.append("否决原因不能超过 300 个字")
        for error in errors:
            problems.add(number, error)
        if not errors:
            rows.append(ScoreRow(estate_id, cells["estate_code"].strip(), scores, veto, reason))
    problems.raise_if_any()
    return rows


def month_firms(estate_ids, month: str) -> dict[int, int | None]:
    """The firm of each estate for one month (SPEC §3: each month keeps the firm of that month)."""
    first, last = engine.month_bounds(month)
    contracts: dict[int, list[engine.Contract]] = {}
    for estate_id, firm_id, start, end in ServiceContract.objects.filter(
        estate_id__in=estate_ids, start__lte=last
    ).values_list("estate_id", "firm_id", "start", "end"):
        contracts.setdefault(estate_id, []).append(engine.Contract(str(firm_id), start, end))
    result = {}
    for estate_id in estate_ids:
        firm = engine.month_firm(contracts.get(estate_id, []), month)
        result[estate_id] = int(firm) if firm else None
    return result


def _apply_scores(rows: list[ScoreRow], month: str, report: ImportReport) -> None:
    now = timezone.now()
    # select_related: log_bulk labels each entry with str(score), which reads score.estate (N+1).
    stored = MonthlyScore.objects.filter(month=month).select_related("estate")
    existing = {s.estate_id: s for s in stored.filter(estate_id__in=[r.estate_id for r in rows])}
    firms = month_firms([r.estate_id for r in rows], month)
    new, changed, logs = [], [], []
    for row in rows:
        score = existing.get(row.estate_id)
        values = {
            "scores": row.scores,
            "veto": row.veto,
            "veto_reason": row.veto_reason,
            "firm_id": firms[row.estate_id],
        }
        if score is None:
            new.append(MonthlyScore(estate_id=row.estate_id, month=month, imported_at=now, **values))
            report.changes.append(f"新增 {row.code} {month} 得分")
            continue
        diff = {f: [getattr(score, f), v] for f, v in values.items() if getattr(score, f) != v}
        if not diff:
            report.unchanged += 1
            continue
        for field, value in values.items():
            setattr(score, field, value)
        score.imported_at = score.updated_at = now  # the appeal window runs from the latest import (SPEC §4)
        changed.append(score)
        logs.append((score, "wagtail.edit", {"changes": diff, "month": month}))
        report.changes.append(f"更新 {row.code} {month} 得分：" + "、".join(diff))
    MonthlyScore.objects.bulk_create(new, batch_size=1000)
    update_rows(MonthlyScore, changed, ["scores", "veto", "veto_reason", "firm", "imported_at", "updated_at"])
    if new:
        new = stored.filter(estate_id__in=[s.estate_id for s in new])
        logs += [
            (s, "wagtail.create", {"scores": s.scores, "veto": s.veto, "veto_reason": s.veto_reason})
            for s in new
        ]
    report.created, report.updated = len(rows) - report.unchanged - len(changed), len(changed)
    log_bulk(logs)


# --- hotline ----------------------------------------------------------------------------------


def hotline_import(*, table: Table, month: str, user=None, dry_run: bool = False) -> ImportReport:
    """Import one month's 12345 figures; whole numbers obeying SPEC §3's validity rules."""
    scheme_for_month(month)  # a month without a scheme cannot be scored
    check_columns(table, required={"estate_code", *HOTLINE_FIELDS})
    if lock := month_lock_error(month):
        raise ImportRefused(message=lock)
    problems = RowCollector()
    estates = _estates_by_code()
    seen: dict[str, int] = {}
    rows = []
    for number, cells in table.rows:
        if "__extra__" in cells:
            problems.add(number, cells["__extra__"])
            continue
        errors: list[str] = []
        estate_id = _row_estate(cells, estates, seen, number, errors)
        values = {}
        for field in HOTLINE_FIELDS:
            try:
                values[field] = parse_int(
                    cells[field], label=f"{HOTLINE_LABELS[field]}（{field}）", minimum=0
                )
            except RowProblem as exc:
                errors.append(str(exc))
        if len(values) == len(HOTLINE_FIELDS):
            errors += engine.hotline_errors(engine.HotlineFigures(**values))
        for error in errors:
            problems.add(number, error)
        if not errors:
            rows.append((estate_id, cells["estate_code"].strip(), values))
    problems.raise_if_any()

    report = ImportReport(kind="hotline", rows=len(rows), dry_run=dry_run)
    with transaction.atomic(), LogContext(user=user):
        _apply_hotline(rows, month, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _apply_hotline(rows, month: str, report: ImportReport) -> None:
    now = timezone.now()
    months = HotlineMonth.objects.filter(month=month).select_related("estate")  # str(h) reads h.estate
    existing = {h.estate_id: h for h in months.filter(estate_id__in=[r[0] for r in rows])}
    new, changed, logs = [], [], []
    for estate_id, code, values in rows:
        current = existing.get(estate_id)
        if current is None:
            new.append(HotlineMonth(estate_id=estate_id, month=month, imported_at=now, **values))
            report.changes.append(f"新增 {code} {month} 12345 数据")
            continue
        diff = {f: [getattr(current, f), v] for f, v in values.items() if getattr(current, f) != v}
        if not diff:
            report.unchanged += 1
            continue
        for field, value in values.items():
            setattr(current, field, value)
        current.imported_at = now
        changed.append(current)
        logs.append((current, "wagtail.edit", {"changes": diff, "month": month}))
        report.changes.append(f"更新 {code} {month} 12345 数据：" + "、".join(diff))
    HotlineMonth.objects.bulk_create(new, batch_size=1000)
    update_rows(HotlineMonth, changed, [*HOTLINE_FIELDS, "imported_at"])
    if new:
        created = months.filter(estate_id__in=[h.estate_id for h in new])
        logs += [(h, "wagtail.create", {f: getattr(h, f) for f in HOTLINE_FIELDS}) for h in created]
    report.created, report.updated = len(new), len(changed)
    log_bulk(logs)
