"""Monthly imports (SPEC §9): criterion scores with vetoes, and 12345 hotline figures.

Both keep the import contract of `ratings.importing`: every row validated first, every bad row
named, one transaction, a preview that runs the same code and rolls back.
"""

import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from wagtail.log_actions import LogContext

from core.audit import log_bulk
from core.bulk import update_rows
from core.errors import ImportRefused, RowProblem
from core.importing import (
    CHANGED,
    ImportReport,
    RowCollector,
    clean_text,
    parse_decimal,
    parse_int,
    row_preview,
)
from core.tabular import Table, check_header
from ratings import engine, selectors
from ratings.models import HotlineMonth, MonthlyScore, Scheme
from registry.models import Estate, ServiceContract

HOTLINE_FIELDS = ("received", "responded", "resolved", "surveyed", "satisfied")
HOTLINE_TEMPLATE_COLUMNS = ["estate_code", *HOTLINE_FIELDS]
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
    return selectors.quarter_lock_reason(engine.quarter_of_month(month))


def _estates_by_code() -> dict[str, tuple[int, str]]:
    return {code: (pk, name) for code, pk, name in Estate.objects.values_list("code", "pk", "name")}


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
    return estates[code]


# --- the shared pipeline: rows of one month, one per estate ------------------------------------


@dataclass
class MonthRow:
    estate_id: int
    code: str
    name: str
    values: dict  # model field -> value, as stored


def _validate_month_rows(table: Table, parse_values) -> list[MonthRow]:
    """Every row checked; `parse_values(cells, errors)` returns the row's values or appends errors."""
    problems = RowCollector()
    estates = _estates_by_code()
    seen: dict[str, int] = {}
    rows = []
    for number, cells in table.rows:
        if "__extra__" in cells:
            problems.add(number, cells["__extra__"])
            continue
        errors: list[str] = []
        estate = _row_estate(cells, estates, seen, number, errors)
        values = parse_values(cells, errors)
        for error in errors:
            problems.add(number, error)
        if not errors:
            rows.append(MonthRow(estate[0], cells["estate_code"].strip(), estate[1], values))
    problems.raise_if_any()
    return rows


@dataclass
class MonthShape:
    """What one kind of monthly import writes: its model, its label, and the columns of its preview
    (`cells(values)` gives a row's values in the order of `columns`)."""

    model: type
    kind: str
    label: str
    columns: list[str]
    cells: object  # callable: values dict -> list


def _run_month_import(shape: MonthShape, rows: list[MonthRow], *, month: str, user, dry_run: bool):
    report = ImportReport(kind=shape.kind, rows=len(rows), dry_run=dry_run, columns=shape.columns)
    with transaction.atomic(), LogContext(user=user):
        _upsert_month_rows(shape, rows, month=month, report=report, audit=not dry_run)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _upsert_month_rows(
    shape: MonthShape, rows: list[MonthRow], *, month: str, report: ImportReport, audit: bool = True
) -> None:
    """Create new rows, update changed ones (logged old → new), leave equal ones alone.

    A dry run (the admin's preview, rolled back) writes the rows but no audit entries: there is
    nothing to audit, and for a city's 10,000 rows the entries are a third of the preview's time."""
    model, label = shape.model, shape.label
    now = timezone.now()
    # select_related: log_bulk labels each entry with str(obj), which reads obj.estate (N+1).
    stored = model.objects.filter(month=month).select_related("estate")
    existing = {obj.estate_id: obj for obj in stored.filter(estate_id__in=[r.estate_id for r in rows])}
    stamps = ["imported_at"] + (
        ["updated_at"] if any(f.name == "updated_at" for f in model._meta.fields) else []
    )
    new, changed, logs = [], [], []
    for row in rows:
        current = existing.get(row.estate_id)
        preview = row_preview(
            code=row.code,
            name=row.name,
            new=shape.cells(row.values),
            old=shape.cells({f: getattr(current, f) for f in row.values}) if current else None,
        )
        report.previews.append(preview)
        if current is None:
            new.append(
                model(estate_id=row.estate_id, month=month, **dict.fromkeys(stamps, now), **row.values)
            )
            report.changes.append(f"新增 {row.code} {month} {label}")
            continue
        diff = {f: [getattr(current, f), v] for f, v in row.values.items() if getattr(current, f) != v}
        if not diff:
            report.unchanged += 1
            continue
        preview.action = CHANGED  # also when only a value the preview does not show changed (the firm)
        for field, value in row.values.items():
            setattr(current, field, value)
        for stamp in stamps:  # the appeal window runs from the latest import (SPEC §4)
            setattr(current, stamp, now)
        changed.append(current)
        logs.append((current, "wagtail.edit", {"changes": diff, "month": month}))
        report.changes.append(f"更新 {row.code} {month} {label}：" + "、".join(diff))
    model.objects.bulk_create(new, batch_size=1000)
    if changed:
        update_rows(model, changed, [*rows[0].values, *stamps])
    if new and audit:
        created = stored.filter(estate_id__in=[obj.estate_id for obj in new])
        by_estate = {r.estate_id: r.values for r in rows}
        logs += [(obj, "wagtail.create", _loggable(by_estate[obj.estate_id])) for obj in created]
    report.created, report.updated = len(new), len(changed)
    if audit:
        log_bulk(logs)


def _loggable(values: dict) -> dict:
    return {k.removesuffix("_id"): v for k, v in values.items()}


# --- scores -----------------------------------------------------------------------------------


def scores_import(*, table: Table, month: str, user=None, dry_run: bool = False) -> ImportReport:
    """Import one month's criterion scores. Values have one decimal place, 0 ≤ s ≤ max (SPEC §3)."""
    scheme = scheme_for_month(month).to_engine()
    check_header(table.header, **_score_columns(scheme))
    if lock := month_lock_error(month):
        raise ImportRefused(message=lock)
    rows = _validate_month_rows(table, lambda cells, errors: _score_values(cells, errors, scheme))
    firms = month_firms([r.estate_id for r in rows], month)
    for row in rows:
        row.values["firm_id"] = firms[row.estate_id]
    return _run_month_import(_scores_shape(scheme), rows, month=month, user=user, dry_run=dry_run)


def _scores_shape(scheme: engine.Scheme) -> MonthShape:
    """A scores row in the preview: every scored criterion, then the veto and its reason."""
    criteria = [c for c in scheme.criteria if c.code in scheme.scored_set]

    def cells(values: dict) -> list:
        scores = values["scores"]
        return [scores.get(c.code) for c in criteria] + [values["veto"], values["veto_reason"]]

    return MonthShape(
        MonthlyScore, "scores", "得分", [c.name for c in criteria] + ["一票否决", "否决原因"], cells
    )


def scores_header_check(month: str):
    """A check of a scores file's header (`read_table(check_header=...)`): the month's criteria."""
    columns = _score_columns(scheme_for_month(month).to_engine())

    def check(header) -> None:
        check_header(header, **columns)

    return check


def scores_template_columns(month: str) -> list[str]:
    """The columns a scores file of this month has (SPEC §9), in the template's order."""
    scheme = scheme_for_month(month).to_engine()
    return ["estate_code", *scheme.scored_codes, "veto", "veto_reason"]


def _score_columns(scheme: engine.Scheme) -> dict:
    return {"required": {"estate_code", *scheme.scored_codes}, "optional": {"veto", "veto_reason"}}


def _score_values(cells, errors: list[str], scheme: engine.Scheme) -> dict:
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
    veto_text = unicodedata.normalize("NFKC", cells.get("veto", "")).strip()
    if veto_text not in {"", "0", "1"}:
        errors.append(f"veto 只能为空、0 或 1，实际为“{veto_text}”")
    veto = veto_text == "1"
    try:
        reason = clean_text(cells.get("veto_reason", ""), label="否决原因", column="veto_reason")
    except RowProblem as exc:
        errors.append(str(exc))
        return {"scores": scores, "veto": veto, "veto_reason": ""}
    if veto and not reason:
        errors.append("一票否决必须填写否决原因（veto_reason）")
    elif not veto and reason:
        errors.append("未一票否决（veto 不为 1）却填写了否决原因")
    elif len(reason) > 300:
        errors.append("否决原因不能超过 300 个字")
    return {"scores": scores, "veto": veto, "veto_reason": reason}


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


# --- hotline ----------------------------------------------------------------------------------


def hotline_import(*, table: Table, month: str, user=None, dry_run: bool = False) -> ImportReport:
    """Import one month's 12345 figures; whole numbers obeying SPEC §3's validity rules."""
    hotline_header_check(month)(table.header)
    if lock := month_lock_error(month):
        raise ImportRefused(message=lock)
    rows = _validate_month_rows(table, _hotline_values)
    return _run_month_import(HOTLINE_SHAPE, rows, month=month, user=user, dry_run=dry_run)


def hotline_header_check(month: str):
    """A check of a hotline file's header (`read_table(check_header=...)`)."""
    scheme_for_month(month)  # a month without a scheme cannot be scored

    def check(header) -> None:
        check_header(header, required={"estate_code", *HOTLINE_FIELDS})

    return check


HOTLINE_SHAPE = MonthShape(
    HotlineMonth,
    "hotline",
    "12345 数据",
    [HOTLINE_LABELS[f] for f in HOTLINE_FIELDS],
    lambda values: [values[f] for f in HOTLINE_FIELDS],
)


def _hotline_values(cells, errors: list[str]) -> dict:
    values = {}
    for field in HOTLINE_FIELDS:
        try:
            values[field] = parse_int(cells[field], label=f"{HOTLINE_LABELS[field]}（{field}）", minimum=0)
        except RowProblem as exc:
            errors.append(str(exc))
    if len(values) == len(HOTLINE_FIELDS):
        errors += engine.hotline_errors(engine.HotlineFigures(**values))
    return values
