"""The open-data document of a quarter (SPEC §8), built from an engine result. No Django here.

The same function makes the provisional document (`compute_quarter --json`, release null) and,
with release fields filled in, the document a release freezes; `digest_of` is the SPEC §4 digest.
"""

import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from decimal import Decimal

from ratings import engine

# The document's format. Version 2 names the estates of the black-list reasons and of the exit
# warnings beside their codes (`reason_estates`, `estate_name`, `firm_name`). Releases are frozen:
# a release made under version 1 keeps its version-1 document, and every reader takes both.
SCHEMA = "sunshine-property/quarter/2"
SCHEMA_V1 = "sunshine-property/quarter/1"
SCHEMAS = (SCHEMA_V1, SCHEMA)
FLAT_FIELDS = (
    "estate_code", "estate_name", "slug", "group", "street", "community", "households", "firm_name",
    "firm_credit_code", "months_assessed", "score", "band", "vetoed", "veto_reasons", "rank_in_group",
    "rank_overall", "reward_yuan", "inspections_per_month", "interview", "complaints_per_1000_households",
    "points_to_next_band",
)  # fmt: skip
# data.csv and data.xlsx add to each estate what the lists say of it (named reasons, exit warning).
LIST_MARK_COLUMNS = ("black_list_reasons", "exit_warning")
CSV_FIELDS = FLAT_FIELDS + LIST_MARK_COLUMNS


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

    def estate_ref(code: str) -> dict:
        return {"estate_code": code, "estate_name": estates[code]["estate_name"]}

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
            {
                **firm_ref(entry.firm),
                "reasons": list(entry.reasons),
                "reason_estates": [estate_ref(code) for code in entry.estates],
            }
            for entry in result.black_list
        ],
        "exit_warnings": [{**estate_ref(w.estate), **firm_ref(w.firm)} for w in result.exit_warnings],
    }


# --------------------------------------------------------------------------- reading both versions

# A version-1 reason begins with the code only: "小区 E001 本季度红牌".
_CODE_ONLY_REASON = re.compile(r"^小区 (?P<code>\S+) (?P<rest>.+)$", re.S)


def reason_estate_code(reason: str) -> str | None:
    """The estate code a version-1 reason begins with, or None (a version-2 reason is named)."""
    match = _CODE_ONLY_REASON.match(reason)
    return match["code"] if match else None


def named_reason(reason: str, names: Mapping[str, str]) -> str:
    """A version-1 reason ("小区 E001 本季度红牌") rewritten to name the estate, "杏坛东里（E001）本季度红牌",
    when its name is known; any other reason as it is. For display only: documents stay as stored."""
    match = _CODE_ONLY_REASON.match(reason)
    if match is None or not names.get(match["code"]):
        return reason
    return engine.estate_reference(match["code"], names[match["code"]]) + match["rest"]


def named_lists(
    black_list: list | None,
    exit_warnings: list | None,
    names: Mapping[str, str],
    firm_names: Mapping[str, str],
) -> dict:
    """The black list and exit warnings of a document of either version in the version-2 shape:
    every reason names its estate, each reason has its estate beside it, each exit warning has
    the estate's and the firm's names. `names` maps estate codes to names and `firm_names` credit
    codes to firm names, for the version-1 entries that carry codes only."""
    black = []
    for entry in black_list or []:
        reasons = list(entry.get("reasons") or [])
        reason_estates = entry.get("reason_estates")
        if reason_estates is None:
            codes = [reason_estate_code(r) for r in reasons]
            reason_estates = [
                {"estate_code": code, "estate_name": names.get(code, code)} if code else None
                for code in codes
            ]
        black.append(
            {
                **entry,
                "reasons": [named_reason(r, names) for r in reasons],
                "reason_estates": reason_estates,
            }
        )
    exits = []
    for entry in exit_warnings or []:
        code, firm_code = entry["estate_code"], entry["firm_credit_code"]
        exits.append(
            {
                **entry,
                "estate_name": entry.get("estate_name") or names.get(code) or code,
                "firm_name": entry.get("firm_name") or firm_names.get(firm_code) or firm_code,
            }
        )
    return {"black_list": black, "exit_warnings": exits}


def document_lists(document: Mapping) -> dict:
    """`named_lists` of a whole document, taking the names from its own estate rows."""
    names = {r["estate_code"]: r["estate_name"] for r in document.get("estates") or []}
    firm_names = {
        r["firm_credit_code"]: r["firm_name"]
        for r in document.get("estates") or []
        if r.get("firm_credit_code")
    }
    for entry in [*(document.get("red_list") or []), *(document.get("black_list") or [])]:
        firm_names.setdefault(entry["firm_credit_code"], entry["firm_name"])
    return named_lists(document.get("black_list"), document.get("exit_warnings"), names, firm_names)


def estate_list_marks(document: Mapping) -> dict[str, dict]:
    """Per estate code, what the lists say of it: its black-list reasons (named) and whether it
    has an exit warning; for the estate rows of data.csv and data.xlsx."""
    lists = document_lists(document)
    marks: dict[str, dict] = {}
    for entry in lists["black_list"]:
        for reason, estate in zip(entry["reasons"], entry["reason_estates"], strict=False):
            if estate:
                marks.setdefault(estate["estate_code"], {"reasons": [], "exit": False})["reasons"].append(
                    reason
                )
    for entry in lists["exit_warnings"]:
        marks.setdefault(entry["estate_code"], {"reasons": [], "exit": False})["exit"] = True
    return marks


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
