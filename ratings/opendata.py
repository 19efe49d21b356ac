"""The open-data document of a quarter (SPEC §8), built from an engine result. No Django here.

The same function makes the provisional document (`compute_quarter --json`, release null) and,
with release fields filled in, the document a release freezes; `digest_of` is the SPEC §4 digest.
"""

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal

from ratings import engine

SCHEMA = "sunshine-property/quarter/1"
FLAT_FIELDS = (
    "estate_code", "estate_name", "slug", "group", "street", "community", "households", "firm_name",
    "firm_credit_code", "months_assessed", "score", "band", "vetoed", "veto_reasons", "rank_in_group",
    "rank_overall", "reward_yuan", "inspections_per_month", "interview", "complaints_per_1000_households",
    "points_to_next_band",
)  # fmt: skip


def _dec(value: Decimal | None, places: int | None = None) -> str | None:
    if value is None:
        return None
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    return str(value)


def scheme_document(scheme: engine.Scheme) -> dict:
    return {
        "code": scheme.code,
        "version": scheme.version,
        "criteria": [{"code": c.code, "name": c.name, "max": _dec(c.max, 1)} for c in scheme.criteria],
        # Each band carries its consequences, so a release explains itself forever (SPEC §3, §4).
        "bands": [
            {
                "code": b.code,
                "label": b.label,
                "min": format(b.min_score.normalize(), "f") if b.min_score is not None else None,
                "reward_yuan": scheme.consequences[b.code].reward_yuan,
                "inspections_per_month": scheme.consequences[b.code].inspections_per_month,
                "interview": scheme.consequences[b.code].interview,
            }
            for b in scheme.bands
        ],
    }


def _month_document(m: engine.MonthResult) -> dict:
    hotline = None
    if m.hotline is not None:
        h = m.hotline
        hotline = {
            "received": h.received,
            "responded": h.responded,
            "resolved": h.resolved,
            "surveyed": h.surveyed,
            "satisfied": h.satisfied,
        }
    return {
        "month": m.month,
        "assessed": m.assessed,
        "total": _dec(m.total, 1),
        "veto": m.veto,
        "veto_reason": m.veto_reason,
        "criteria": {code: _dec(value, 1) for code, value in m.criteria.items()},
        "hotline": hotline,
    }


def quarter_document(
    *,
    scheme: engine.Scheme,
    result: engine.QuarterResult,
    estates: Mapping[str, Mapping],
    firms: Mapping[str, Mapping],
    release: int | None = None,
    published_at: str | None = None,
    approved_by: str | None = None,
    correction_note: str | None = None,
    previous_digest: str | None = None,
) -> dict:
    """The SPEC §8 document. `estates[code]` gives estate_name, slug, group, street, community,
    households; `firms[key]` gives name and credit_code. Pending rows carry no score or rank."""
    rows = []
    for g in result.grades:
        info = estates[g.code]
        firm = firms.get(g.firm) if g.firm else None
        rated = g.rated
        rows.append(
            {
                "estate_code": g.code,
                "estate_name": info["estate_name"],
                "slug": info["slug"],
                "group": info["group"],
                "street": info["street"],
                "community": info["community"],
                "households": info["households"],
                "firm_name": firm["name"] if firm else None,
                "firm_credit_code": firm["credit_code"] if firm else None,
                "months": [_month_document(m) for m in g.months],
                "months_assessed": g.months_assessed,
                "score": _dec(g.score, 2) if rated else None,
                "band": g.band,
                "vetoed": g.vetoed,
                "veto_reasons": list(g.veto_reasons),
                "rank_in_group": g.rank_in_group,
                "rank_overall": g.rank_overall,
                "reward_yuan": g.reward_yuan,
                "inspections_per_month": g.inspections_per_month,
                "interview": g.interview if rated else None,
                "complaints_per_1000_households": _dec(g.complaints_per_1000_households, 2),
                "points_to_next_band": _dec(g.points_to_next_band, 2),
                "points_lost": {code: _dec(v, 2) for code, v in g.points_lost.items()},
            }
        )

    def firm_ref(key: str) -> dict:
        return {"firm_credit_code": firms[key]["credit_code"], "firm_name": firms[key]["name"]}

    return {
        "schema": SCHEMA,
        "quarter": result.quarter,
        "release": release,
        "published_at": published_at,
        "approved_by": approved_by,
        "correction_note": correction_note,
        "digest": None,
        "previous_digest": previous_digest,
        "scheme": scheme_document(scheme),
        "estates": rows,
        "red_list": [firm_ref(key) for key in result.red_list],
        "black_list": [
            {**firm_ref(entry.firm), "reasons": list(entry.reasons)} for entry in result.black_list
        ],
        "exit_warnings": [
            {"estate_code": w.estate, "firm_credit_code": firms[w.firm]["credit_code"]}
            for w in result.exit_warnings
        ],
    }


def canonical_bytes(document: Mapping) -> bytes:
    """SPEC §4: the document without its digest key, as canonical JSON in UTF-8."""
    body = {k: v for k, v in document.items() if k != "digest"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def digest_of(document: Mapping) -> str:
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


def _plain(value):
    """How json encodes an engine value it does not know (dataclasses, Decimals, dates, read-only
    mappings), for a digest; lists, dicts and scalars stay with the C encoder."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (Decimal, dt.date)):
        return str(value)
    raise TypeError(f"not part of a digest: {type(value).__name__}")


def inputs_digest(**inputs) -> str:
    """SHA-256 of everything a computation was made from (scheme, estates, months, contracts,
    the previous quarter's grades), so that a frozen result can be checked against its data."""
    body = json.dumps(inputs, default=_plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


COMPARED_FIELDS = ("firm_name", "score", "band", "rank_in_group", "rank_overall", "vetoed")


def row_changes(old: Mapping | None, new: Mapping) -> list[dict]:
    """Rows that differ between two documents of one quarter, field by field (old → new).

    Estates present in only one of them show as added or removed. Used for the correction
    record of a release and for the committee's review of what would change.
    """
    old_rows = {r["estate_code"]: r for r in (old or {}).get("estates", [])}
    new_rows = {r["estate_code"]: r for r in new.get("estates", [])}
    changes = []
    for code in sorted(old_rows.keys() | new_rows.keys()):
        before, after = old_rows.get(code), new_rows.get(code)
        if before is None or after is None:
            row = after or before
            changes.append(
                {
                    "estate_code": code,
                    "estate_name": row["estate_name"],
                    "kind": "added" if before is None else "removed",
                    "fields": [],
                }
            )
            continue
        fields = [
            {"field": f, "old": before.get(f), "new": after.get(f)}
            for f in COMPARED_FIELDS
            if before.get(f) != after.get(f)
        ]
        if fields:
            changes.append(
                {
                    "estate_code": code,
                    "estate_name": after["estate_name"],
                    "kind": "changed",
                    "fields": fields,
                }
            )
    return changes
