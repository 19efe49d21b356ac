"""The rating sections of the estate, firm and home pages."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from ratings import engine
from ratings.models.publication import Release, ReleaseRow
from ratings.selectors.common import (
    CHART_MONTHS,
    FIRM_LIST_QUARTERS,
    PENDING,
    _band_counts,
    _firm_paths,
    _list_entries,
    _live_quarter_paths,
    band_labels,
    band_order,
    band_summary,
    latest_release,
    page_path,
)
from ratings.selectors.locks import quarter_in_review
from registry.models import Firm
from registry.selectors import current_contracts_by_estate

# --------------------------------------------------------------------------- estate, firm, home


def _latest_per_quarter(rows: list[dict]) -> list[dict]:
    """Rows ordered by quarter desc, version desc → the first (latest version) of each quarter."""
    seen, latest = set(), []
    for r in rows:
        if r["quarter"] not in seen:
            seen.add(r["quarter"])
            latest.append(r)
    return latest


UNKNOWN = object()  # the caller did not say which contract is current: read it


def estate_ratings(*, estate_id: int, today: dt.date | None = None, current_contract=UNKNOWN) -> dict:
    """The estate page's plate, why this colour, monthly scores, plate history and hotline trend,
    from the released quarters (latest version of each), and what a resident should know beside
    the plate: this estate's own line of a correction, an exit warning, a plate past its validity,
    a firm that took over after the quarter began. Three queries (four past validity), and one
    more unless the caller passes the estate's `current_contract` (None: no contract today)."""
    today = today or timezone.localdate()
    paths = _live_quarter_paths()
    rows = ReleaseRow.objects.filter(estate_id=estate_id, quarter__in=list(paths)).order_by(
        "-quarter", "-release__version"
    )
    every_version = list(
        rows.values(
            "quarter",
            "release__version",
            "release__published_at",
            "band",
            "score",
            "rank_in_group",
            "rank_overall",
            "row",
            "release__summary__scheme",
            "release__summary__exit_warnings",
        )  # fmt: skip
    )
    history = _latest_per_quarter(every_version)
    if not history:
        return {"current": None, "history": [], "chart": None}
    entries = [_estate_quarter(h, paths) for h in history]
    current = entries[0]
    current["why"] = _why(history[0])
    current["months"] = _month_table(history[0])
    current["correction"] = _own_correction(history[0], every_version)
    current["exit_warning"] = _exit_warning(history[0])
    current["validity"] = _validity(current["quarter"], today)
    current["takeover"] = _takeover(estate_id, current["quarter"], current["firm_name"], current_contract)
    return {"current": current, "history": entries, "chart": _hotline_points(history)}


def _own_correction(latest: dict, every_version: list[dict]) -> dict | None:
    """This estate's line of a correction: its plate and score in the first version of the quarter
    and now, when a later version changed them (e.g. 黄牌 → 蓝牌 in v2)."""
    if latest["release__version"] == 1:
        return None
    first = next(
        (
            r
            for r in reversed(every_version)
            if r["quarter"] == latest["quarter"] and r["release__version"] == 1
        ),
        None,
    )
    if first is None or (first["band"], first["score"]) == (latest["band"], latest["score"]):
        return None
    labels = band_labels(latest["release__summary__scheme"])
    old_labels = band_labels(first["release__summary__scheme"])
    return {
        "version": latest["release__version"],
        "from_band_label": old_labels.get(first["band"], first["band"]),
        "to_band_label": labels.get(latest["band"], latest["band"]),
        "from_score": first["row"].get("score"),
        "to_score": latest["row"].get("score"),
    }


def _exit_warning(latest: dict) -> dict | None:
    """清退预警 of this estate in the current release, if any (SPEC §3)."""
    code = latest["row"].get("estate_code")
    for warning in latest["release__summary__exit_warnings"] or []:
        if warning.get("estate_code") == code:
            return warning
    return None


def _validity(quarter: str, today: dt.date) -> dict:
    """A plate is valid until the end of the next quarter; past that, say so and why no newer plate
    is up: the next quarter is with the committee, or not yet computed."""
    following = engine.next_quarter(quarter)
    valid_until = engine.quarter_bounds(following)[1]
    expired = today > valid_until
    return {
        "valid_until": valid_until,
        "expired": expired,
        "next_label": engine.quarter_label(following),
        "next_in_review": expired and quarter_in_review(following),
    }


def _takeover(estate_id: int, quarter: str, rated_firm: str | None, contract=UNKNOWN) -> dict | None:
    """新接管未满一季度: the firm managing the estate today took over after the rated quarter began,
    so the plate speaks of the service before it (or only partly of its own)."""
    if contract is UNKNOWN:
        contract = current_contracts_by_estate([estate_id]).get(estate_id)
    if contract is None or contract.start <= engine.quarter_bounds(quarter)[0]:
        return None
    return {"firm_name": contract.firm.name, "start": contract.start, "rated_firm": rated_firm}


def _estate_quarter(h: dict, paths: dict[str, str]) -> dict:
    row, scheme = h["row"], h["release__summary__scheme"]
    labels = band_labels(scheme)
    return {
        "quarter": h["quarter"],
        "label": engine.quarter_label(h["quarter"]),
        "version": h["release__version"],
        "published_at": h["release__published_at"],
        "quarter_url": paths[h["quarter"]],
        "band": h["band"],
        "band_label": labels.get(h["band"], h["band"]),
        "score": row["score"],
        "rank_in_group": row["rank_in_group"],
        "rank_overall": row["rank_overall"],
        "group": row["group"],
        "firm_name": row.get("firm_name"),
        "vetoed": row["vetoed"],
        "months_assessed": row["months_assessed"],
        "reward_yuan": row.get("reward_yuan"),
        "inspections_per_month": row.get("inspections_per_month"),
        "interview": row.get("interview"),
        "complaints_per_1000_households": row.get("complaints_per_1000_households"),
    }


def _why(h: dict) -> dict:
    """Why this colour (SPEC §3): the veto reason, or points lost per criterion and to the next band."""
    row, scheme = h["row"], h["release__summary__scheme"] or {}
    if row["band"] == PENDING:
        return {"kind": "pending", "months_assessed": row["months_assessed"]}
    if row["vetoed"]:
        return {"kind": "veto", "reasons": row["veto_reasons"]}
    lost = row.get("points_lost") or {}
    criteria = [
        {"code": c["code"], "name": c["name"], "max": c["max"], "lost": lost.get(c["code"])}
        for c in scheme.get("criteria", [])
    ]
    criteria.sort(key=lambda c: -Decimal(c["lost"] or "0"))
    bands = scheme.get("bands", [])
    codes = [b["code"] for b in bands]
    better = (
        bands[codes.index(row["band"]) - 1] if row["band"] in codes and codes.index(row["band"]) > 0 else None
    )
    return {
        "kind": "scored",
        "criteria": criteria,
        "total_lost": str(sum((Decimal(c["lost"]) for c in criteria if c["lost"]), Decimal("0.00"))),
        "points_to_next_band": row.get("points_to_next_band"),
        "next_band_label": better["label"] if better else None,
        "top": better is None,
    }


def _month_table(h: dict) -> dict:
    """The quarter's monthly scores with criteria as rows and months as columns (fits a phone)."""
    scheme = h["release__summary__scheme"] or {}
    months = h["row"]["months"]
    rows = [
        {"name": c["name"], "max": c["max"], "values": [m["criteria"].get(c["code"]) for m in months]}
        for c in scheme.get("criteria", [])
    ]
    columns = [
        {
            "month": m["month"],
            "label": f"{int(m['month'][5:])}月",
            "assessed": m["assessed"],
            "total": m["total"],
            "veto": m["veto"],
            "veto_reason": m["veto_reason"],
            "hotline": m["hotline"],
        }
        for m in months
    ]
    return {"rows": rows, "months": columns}


def _hotline_points(history: list[dict]) -> dict | None:
    """Hotline complaints received per month over the released quarters (oldest first)."""
    points = {}
    for h in history:
        for m in h["row"]["months"]:
            if m.get("hotline") is not None:
                points[m["month"]] = m["hotline"]["received"]
    months = sorted(points)[-CHART_MONTHS:]
    if not months:
        return None
    return {
        "points": [{"month": month, "received": points[month]} for month in months],
        "first": months[0],
        "last": months[-1],
    }


def firm_ratings(*, firm_id: int, credit_code: str | None = None) -> dict:
    """A firm's bands in the latest quarter, bands over time and its red/black list entries: four queries."""
    paths = _live_quarter_paths()
    releases = list(
        Release.objects.filter(quarter__in=list(paths))
        .order_by("-quarter", "-version")
        .values("id", "quarter", "version")
    )
    latest = _latest_per_quarter(releases)
    if not latest:
        return {"latest": None, "over_time": [], "entries": []}
    ids = [r["id"] for r in latest]
    if credit_code is None:
        credit_code = Firm.objects.filter(pk=firm_id).values_list("credit_code", flat=True).first()
    lists = Release.objects.filter(id__in=ids[:FIRM_LIST_QUARTERS]).values(
        "id", "quarter", "version", "summary__scheme", "summary__red_list", "summary__black_list"
    )
    schemes, entries = {}, []
    for r in sorted(lists, key=lambda r: r["quarter"], reverse=True):
        schemes[r["id"]] = r["summary__scheme"]
        if any(e["firm_credit_code"] == credit_code for e in r["summary__red_list"] or []):
            entries.append(
                {
                    "quarter": r["quarter"],
                    "label": engine.quarter_label(r["quarter"]),
                    "url": paths[r["quarter"]],
                    "list": "red",
                    "reasons": [],
                }
            )
        for e in r["summary__black_list"] or []:
            if e["firm_credit_code"] == credit_code:
                entries.append(
                    {
                        "quarter": r["quarter"],
                        "label": engine.quarter_label(r["quarter"]),
                        "url": paths[r["quarter"]],
                        "list": "black",
                        "reasons": e["reasons"],
                    }
                )
    rows = ReleaseRow.objects.filter(firm_id=firm_id, release_id__in=ids)
    counts: dict[int, Counter] = {}
    for r in rows.values("release_id", "band").annotate(n=Count("pk")).order_by():
        counts.setdefault(r["release_id"], Counter())[r["band"]] = r["n"]
    newest = latest[0]
    newest_scheme = schemes.get(newest["id"])
    labels = band_labels(newest_scheme)
    estates = [
        {
            "code": r["estate_code"],
            "name": r["estate__name"],
            "url": page_path(r["estate__page__url_path"], bool(r["estate__page__live"])),
            "band": r["band"],
            "band_label": labels.get(r["band"], r["band"]),
            "score": r["score"],
            "rank_in_group": r["rank_in_group"],
            "group": r["group_name"],
        }
        for r in rows.filter(release_id=newest["id"])
        .order_by("position")
        .values(
            "estate_code",
            "estate__name",
            "estate__page__url_path",
            "estate__page__live",
            "band",
            "score",
            "rank_in_group",
            "group_name",
        )  # fmt: skip
    ]
    over_time = [
        {
            "quarter": r["quarter"],
            "label": engine.quarter_label(r["quarter"]),
            "url": paths[r["quarter"]],
            "bands": [
                b
                for b in band_summary(counts.get(r["id"], Counter()), schemes.get(r["id"]) or newest_scheme)
                if b["count"]
            ],
        }
        for r in latest
        if counts.get(r["id"])
    ]
    return {
        "latest": {
            "quarter": newest["quarter"],
            "label": engine.quarter_label(newest["quarter"]),
            "url": paths[newest["quarter"]],
            "version": newest["version"],
            "estates": estates,
        },
        "over_time": over_time,
        "entries": entries,
    }


def home_ratings() -> dict | None:
    """This quarter's plates at a glance and its red and black lists: four queries."""
    paths = _live_quarter_paths()
    release = (
        Release.objects.filter(quarter__in=list(paths))
        .order_by("-quarter", "-version")
        .values(
            "id",
            "quarter",
            "version",
            "published_at",
            "summary__scheme",
            "summary__red_list",
            "summary__black_list",
        )
        .first()
    )
    if release is None:
        return None
    counts = _band_counts([release["id"]]).get(release["id"], Counter())
    lists = {"red_list": release["summary__red_list"], "black_list": release["summary__black_list"]}
    firm_paths = _firm_paths(e["firm_credit_code"] for key in lists for e in lists[key] or [])
    entries = _list_entries(lists, firm_paths, {})
    return {
        "quarter": release["quarter"],
        "label": engine.quarter_label(release["quarter"]),
        "url": paths[release["quarter"]],
        "version": release["version"],
        "published_at": release["published_at"],
        "bands": band_summary(counts, release["summary__scheme"]),
        "estates": sum(counts.values()),
        "red_list": entries["red_list"],
        "black_list": entries["black_list"],
    }


def current_plates(*, estate_ids=None) -> dict:
    """{estate id: plate} of the latest released quarter (its latest version), for lists that set
    many estates side by side (the fee comparison, the directory, search): one query, and the
    latest release (cached), whatever the number of estates. An estate missing from that release
    has no entry (no current plate)."""
    release = latest_release()
    if release is None:
        return {}
    labels = band_labels(release["scheme"])
    rows = ReleaseRow.objects.filter(release_id=release["id"])
    if estate_ids is not None:
        rows = rows.filter(estate_id__in=list(estate_ids))
    fields = ("estate_id", "band", "score", "rank_in_group", "rank_overall", "row__points_to_next_band")
    return {
        row["estate_id"]: {
            "band": row["band"],
            "label": labels.get(row["band"], row["band"]),
            "score": row["score"],
            "rank_in_group": row["rank_in_group"],
            "rank_overall": row["rank_overall"],
            "points_to_next_band": _points(row["row__points_to_next_band"]),
            "quarter": release["quarter"],
            "quarter_label": engine.quarter_label(release["quarter"]),
        }
        for row in rows.values(*fields)
    }


def _points(value) -> str | None:
    """A JSON number read through a key lookup (1.4) as the document writes it ("1.40")."""
    return None if value in (None, "") else str(Decimal(str(value)).quantize(Decimal("0.01")))


NO_PLATE = "none"


def plate_choices() -> list[tuple[str, str]]:
    """The directory's band filter: the bands of the latest release's scheme, then 暂无挂牌."""
    release = latest_release()
    if release is None:
        return []
    labels = band_labels(release["scheme"])
    return [(code, labels[code]) for code in band_order(release["scheme"])] + [(NO_PLATE, "暂无挂牌")]


def estate_pages_with_plate(queryset, band: str):
    """EstatePages whose estate holds `band` in the latest release (or none, for NO_PLATE)."""
    release = latest_release()
    rows = ReleaseRow.objects.filter(release_id=release["id"]) if release else ReleaseRow.objects.none()
    if band == NO_PLATE:
        return queryset.exclude(estate_id__in=rows.values("estate_id"))
    return queryset.filter(estate_id__in=rows.filter(band=band).values("estate_id"))


def estate_feed_plates(*, estate_id: int) -> list[dict]:
    """Every plate of an estate as its Atom feed tells it (SPEC §7): one entry per release of a
    live quarter, corrections marked 更正, newest first. Two queries."""
    paths = _live_quarter_paths()
    rows = (
        ReleaseRow.objects.filter(estate_id=estate_id, quarter__in=list(paths))
        .order_by("-release__published_at")
        .values(
            "release_id",
            "quarter",
            "band",
            "score",
            "rank_in_group",
            "release__version",
            "release__published_at",
            "release__summary__scheme__bands",
        )
    )
    entries = []
    for row in rows:
        labels = {b["code"]: b["label"] for b in row["release__summary__scheme__bands"] or []}
        labels[PENDING] = engine.PENDING_LABEL
        label, version = engine.quarter_label(row["quarter"]), row["release__version"]
        correction = version > 1
        score = f"{row['score']} 分" if row["score"] is not None else "数据不足"
        rank = f"，组内第 {row['rank_in_group']} 名" if row["rank_in_group"] else ""
        entries.append(
            {
                "title": f"{label}挂牌：{labels.get(row['band'], row['band'])}"
                + ("（更正）" if correction else ""),
                "url": paths[row["quarter"]] + (f"v{version}/" if correction else ""),
                "published_at": row["release__published_at"],
                "summary": f"{label}季度得分 {score}{rank}"
                + (f"；第 {version} 版（更正）" if correction else ""),
                "guid": f"urn:sunshine:release:{row['release_id']}:estate:{estate_id}",
            }
        )
    return entries
