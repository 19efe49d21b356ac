"""The committee's review screen (SPEC §4): on one page, the provisional table of the frozen
computation, the open appeals of the quarter's months and what changes against the last release —
in a fixed number of queries whatever the number of estates."""

from __future__ import annotations

from django.db.models import F, Q
from django.db.models.fields.json import KT, KeyTransform

from ratings import engine
from ratings.models.publication import Release, ReleaseRow
from ratings.models.scores import QuarterComputation, QuarterGrade
from ratings.selectors.common import PENDING, band_labels, band_order, band_summary
from ratings.selectors.locks import quarter_lock_reason
from ratings.selectors.quarters import (
    PROVISIONAL_ROWS,
    _appeal_register,
    _changes_against_release,
    _document_parts,
    _release_info,
    _table,
)

# How many estates of each kind of change the screen lists; the counts are always complete.
CHANGES_LISTED = 50
CHANGE_KINDS = (
    ("up", "升牌"),
    ("down", "降牌"),
    ("new", "新增"),
    ("leaving", "退出"),
    ("pending", "参评状态变化"),
)


def quarter_review_screen(*, quarter: str, params) -> dict:
    """What the committee reads before deciding: the computation (frozen once submitted), its table
    filtered by band and paged, the open appeals, the band changes against the previous quarter's
    last release, and — for a correction — the rows that change against this quarter's last one."""
    computation = (
        QuarterComputation.objects.filter(quarter=quarter)
        .select_related("frozen_by", "computed_by")
        .defer("document")
        .annotate(scheme_document=KeyTransform("scheme", "document"))
        .first()
    )
    latest = next(reversed(_document_parts(Q(quarter=quarter))), None)
    context = {
        "quarter": quarter,
        "quarter_label": engine.quarter_label(quarter),
        "computation": computation,
        "latest_release": _release_info(latest) if latest else None,
        "lock_reason": quarter_lock_reason(quarter),
    }
    if computation is None:
        return context
    scheme = computation.scheme_document
    labels = band_labels(scheme)
    grades = QuarterGrade.objects.filter(computation=computation)
    table = _table(grades, PROVISIONAL_ROWS, params, labels, None)
    context.update(
        estates=sum(table["band_counter"].values()),
        band_summary=band_summary(table["band_counter"], scheme),
        table=table,
        open_appeals=_appeal_register(quarter, scheme=scheme, open_only=True),
        previous=_previous_quarter_changes(quarter, grades, scheme),
        correction_changes=_changes_against_release(grades, latest, labels),
    )
    return context


def _previous_quarter_changes(quarter: str, grades, scheme: dict | None) -> dict:
    """Each estate whose plate differs from the previous quarter's last release: up or down a band,
    new (not in that release) or leaving (in it, not in this quarter), and rated ↔ pending. Two
    queries; every kind counted, the first `CHANGES_LISTED` of each listed."""
    previous = engine.previous_quarter(quarter)
    release = (
        Release.objects.filter(quarter=previous)
        .order_by("-version")
        .values("id", "quarter", "version", "summary__scheme")
        .first()
    )
    result = {"quarter": previous, "quarter_label": engine.quarter_label(previous), "release": release}
    if release is None:
        return result
    fields = ("band", KT("row__estate_name"), KT("row__firm_name"), "score")
    before = {
        code: rest
        for code, *rest in ReleaseRow.objects.filter(release_id=release["id"]).values_list(
            "estate_code", *fields
        )
    }
    after = {}
    for code, *rest, rank in grades.values_list("estate__code", *fields, "rank_overall").order_by(
        F("rank_overall").asc(nulls_last=True), "estate__code"
    ):
        after[code] = (*rest, rank)
    labels_new, labels_old = band_labels(scheme), band_labels(release["summary__scheme"])
    order = {code: i for i, code in enumerate(band_order(scheme))}
    items = {kind: [] for kind, _label in CHANGE_KINDS}
    for code, (band, name, firm, score, rank) in after.items():
        was = before.get(code)
        if was is None:
            kind = "new"
        elif was[0] == band:
            continue
        elif PENDING in (was[0], band):
            kind = "pending"
        else:
            kind = "up" if order.get(band, 99) < order.get(was[0], 99) else "down"
        items[kind].append(
            {
                "code": code,
                "name": name,
                "firm_name": firm,
                "old_band": labels_old.get(was[0], was[0]) if was else None,
                "new_band": labels_new.get(band, band),
                "new_band_code": band,
                "old_score": was[3] if was else None,
                "score": score,
                "rank_overall": rank,
            }
        )
    for code in sorted(before.keys() - after.keys()):
        band, name, firm, score = before[code]
        items["leaving"].append(
            {
                "code": code,
                "name": name,
                "firm_name": firm,
                "old_band": labels_old.get(band, band),
                "new_band": None,
                "old_score": score,
                "score": None,
            }
        )
    result["kinds"] = [
        {
            "kind": kind,
            "label": label,
            "count": len(items[kind]),
            "items": items[kind][:CHANGES_LISTED],
            "hidden": max(0, len(items[kind]) - CHANGES_LISTED),
        }
        for kind, label in CHANGE_KINDS
    ]
    result["count"] = sum(len(v) for v in items.values())
    return result
