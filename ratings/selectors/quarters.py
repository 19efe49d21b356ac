"""/ratings/, the quarter table of a release, and the committee's preview."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Value
from django.db.models.fields.json import KT
from django.utils.http import urlencode

from core.chinese import query_normalize
from ratings import engine, opendata, workbook
from ratings.models.publication import Appeal, Release, ReleaseRow
from ratings.models.scores import QuarterComputation, QuarterGrade
from ratings.selectors.common import (
    CHANGES_SHOWN,
    DATA_FIELDS,
    DOCUMENT_FIELDS,
    LIST_FIELDS,
    LIST_MARK_FIELDS,
    MONTH_FIELDS,
    PAGE_SIZE,
    RELEASE_MEMO_SECONDS,
    SORTS,
    _band_counts,
    _estate_infos,
    _firm_paths,
    _list_entries,
    _live_quarter_paths,
    band_labels,
    band_summary,
    page_path,
    quarter_pages,
    release_memo_key,
    release_title,
)

# --------------------------------------------------------------------------- /ratings/


def published_quarters(*, index_page=None) -> list[dict]:
    """Every public quarter, newest first, with its latest release and plate counts: three queries."""
    paths = _live_quarter_paths(index_page)
    releases = (
        Release.objects.filter(quarter__in=list(paths))
        .order_by("-quarter", "-version")
        .values("id", "quarter", "version", "published_at", "correction_note", "summary__scheme")
    )
    latest: dict[str, dict] = {}
    for release in releases:
        latest.setdefault(release["quarter"], release)
    counts = _band_counts(r["id"] for r in latest.values())
    quarters = []
    for quarter, release in latest.items():
        scheme = release["summary__scheme"]
        band_counts = counts.get(release["id"], Counter())
        quarters.append(
            {
                "quarter": quarter,
                "label": engine.quarter_label(quarter),
                "url": paths[quarter],
                "version": release["version"],
                "published_at": release["published_at"],
                "corrected": release["version"] > 1,
                "bands": band_summary(band_counts, scheme),
                "estates": sum(band_counts.values()),
            }
        )
    return quarters


def data_fields_context() -> dict:
    return {
        "document_fields": DOCUMENT_FIELDS,
        "fields": DATA_FIELDS,
        "month_fields": MONTH_FIELDS,
        "list_fields": LIST_FIELDS,
        "list_mark_fields": LIST_MARK_FIELDS,
        "xlsx_columns": [(header, field) for field, header, _ in workbook.ESTATE_COLUMNS],
    }


# --------------------------------------------------------------------------- the quarter table

NAME_QUERY_CHARS = 30  # find my estate: a name or a code, never longer


@dataclass(frozen=True)
class _RowSource:
    """How the table reads one kind of row: releases (ReleaseRow) or the provisional grades."""

    code: str
    group: str
    street: str
    rank_order: tuple

    def ordering(self, sort: str) -> tuple:
        if sort == "score":
            return (F("score").desc(nulls_last=True), self.code)
        if sort == "name":
            return ("estate__name", self.code)
        if sort == "code":
            return (self.code,)
        return self.rank_order


RELEASE_ROWS = _RowSource(
    code="estate_code", group="group_name", street="street_name", rank_order=("position",)
)
PROVISIONAL_ROWS = _RowSource(
    code="estate__code",
    group="estate__group__name",
    street="estate__street__name",
    rank_order=(F("rank_overall").asc(nulls_last=True), "estate__code"),
)


class _KnownCount:
    """A sliceable list whose length is already known (from the facets), so paging costs no COUNT."""

    def __init__(self, queryset, count: int):
        self.queryset, self._count = queryset, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, key):
        return list(self.queryset[key])


def _name_filter(source: _RowSource, query: str) -> Q:
    """Find my estate: the name as the row recorded it, or the code, contains the query."""
    return Q(row__estate_name__icontains=query) | Q(**{f"{source.code}__icontains": query})


def _table(
    queryset,
    source: _RowSource,
    params,
    labels: dict[str, str],
    plate_prefix: str | None,
    *,
    release_id: int | None = None,
) -> dict:
    """Filter (name, group, band, street), sort and page a row set: three queries (facets, rows,
    links). The name search is counted in the facets query, so it costs no query of its own, and
    the plate counts stay those of the whole quarter. A release's facets without a name search never
    change: they come from the cache after the first reader (`release_id`)."""
    query = query_normalize(params.get("q", ""))[:NAME_QUERY_CHARS]
    hit = ExpressionWrapper(
        _name_filter(source, query) if query else Value(True), output_field=BooleanField()
    )
    memo = release_memo_key(release_id, "facets") if release_id is not None and not query else None
    facets = cache.get(memo) if memo else None
    if facets is None:
        facets = list(
            queryset.order_by()
            .values(group=F(source.group), street=F(source.street), band_code=F("band"), hit=hit)
            .annotate(n=Count("pk"))
        )
        if memo:
            cache.set(memo, facets, RELEASE_MEMO_SECONDS)
    groups = sorted({f["group"] for f in facets if f["group"]})
    streets = sorted({f["street"] for f in facets if f["street"]})
    present = {f["band_code"] for f in facets}
    bands = [(code, label) for code, label in labels.items() if code in present]

    chosen = {
        "group": params.get("group", "") if params.get("group", "") in groups else "",
        "street": params.get("street", "") if params.get("street", "") in streets else "",
        "band": params.get("band", "") if params.get("band", "") in present else "",
        "sort": params.get("sort", "rank") if params.get("sort", "rank") in SORTS else "rank",
        "q": query,
    }
    rows = queryset
    if query:
        rows = rows.filter(_name_filter(source, query))
    if chosen["group"]:
        rows = rows.filter(**{source.group: chosen["group"]})
    if chosen["street"]:
        rows = rows.filter(**{source.street: chosen["street"]})
    if chosen["band"]:
        rows = rows.filter(band=chosen["band"])
    total = sum(
        f["n"]
        for f in facets
        if f["hit"]
        and (not chosen["group"] or f["group"] == chosen["group"])
        and (not chosen["street"] or f["street"] == chosen["street"])
        and (not chosen["band"] or f["band_code"] == chosen["band"])
    )
    rows = rows.annotate(
        estate_url_path=F("estate__page__url_path"),
        estate_live=F("estate__page__live"),
        estate_slug=F("estate__page__slug"),
        firm_url_path=F("firm__page__url_path"),
        firm_live=F("firm__page__live"),
    ).order_by(*source.ordering(chosen["sort"]))
    paginator = Paginator(_KnownCount(rows, total), PAGE_SIZE)
    page_obj = paginator.get_page(params.get("page"))
    table_rows = [_table_row(obj, labels, plate_prefix) for obj in page_obj.object_list]
    query = {k: v for k, v in chosen.items() if v and not (k == "sort" and v == "rank")}
    band_counter = Counter()
    for f in facets:
        band_counter[f["band_code"]] += f["n"]
    return {
        "band_counter": band_counter,
        "rows": table_rows,
        "page_obj": page_obj,
        "total": total,
        "filters": chosen,
        "filtered": any(chosen[k] for k in ("q", "group", "street", "band")),
        "options": {"groups": groups, "streets": streets, "bands": bands, "sorts": list(SORTS.items())},
        "query_string": urlencode(query),
    }


def _table_row(obj, labels: dict[str, str], plate_prefix: str | None) -> dict:
    row = obj.row
    band = row["band"]
    return {
        "code": row["estate_code"],
        "name": row["estate_name"],
        "estate_url": page_path(obj.estate_url_path, bool(obj.estate_live)),
        "firm_name": row.get("firm_name"),
        "firm_url": page_path(obj.firm_url_path, bool(obj.firm_live)),
        "group": row["group"],
        "street": row["street"],
        "band": band,
        "band_label": labels.get(band, band),
        "score": row["score"],
        "rank_in_group": row["rank_in_group"],
        "rank_overall": row["rank_overall"],
        "vetoed": row["vetoed"],
        "veto_reasons": row["veto_reasons"],
        "months_assessed": row["months_assessed"],
        "plate_url": f"{plate_prefix}plates/{obj.estate_slug}/" if plate_prefix and obj.estate_slug else None,
    }


COMPARED_ROW_KEYS = ("estate_code", "estate_name", *opendata.COMPARED_FIELDS)


def _compared_rows(rows) -> list[dict]:
    """The compared fields of each row, read from its `row` JSON (the document's row, verified by
    `verify_releases`) with key lookups: one query, a few short texts per estate."""
    lookups = [KT(f"row__{key}") for key in COMPARED_ROW_KEYS]
    return [dict(zip(COMPARED_ROW_KEYS, values, strict=True)) for values in rows.values_list(*lookups)]


def _as_int(value):
    return None if value in (None, "") else int(value)


def _as_score(value):
    return None if value in (None, "") else Decimal(value).quantize(Decimal("0.01"))


def _row_changes(*, new, old, labels_new: dict, labels_old: dict) -> dict:
    """What changed between two row sets of one quarter (SPEC §4), by the one rule that the
    committee's review panel applies too (`opendata.row_changes`): two queries, whatever the
    number of estates. Band or score changes come first."""
    old_rows, new_rows = _compared_rows(old), _compared_rows(new)
    before = {r["estate_code"]: r for r in old_rows}
    after = {r["estate_code"]: r for r in new_rows}
    items = []
    for change in opendata.row_changes({"estates": old_rows}, {"estates": new_rows}):
        was, now = before.get(change["estate_code"]), after.get(change["estate_code"])
        items.append(
            {
                "code": change["estate_code"],
                "name": change["estate_name"],
                "kind": change["kind"],
                "band": ((was or {}).get("band") or None, (now or {}).get("band") or None),
                "score": (_as_score((was or {}).get("score")), _as_score((now or {}).get("score"))),
                "rank_in_group": (
                    _as_int((was or {}).get("rank_in_group")),
                    _as_int((now or {}).get("rank_in_group")),
                ),
                "rank_overall": (
                    _as_int((was or {}).get("rank_overall")),
                    _as_int((now or {}).get("rank_overall")),
                ),
            }
        )
    for item in items:
        old_band, new_band = item["band"]
        item["band_labels"] = (
            labels_old.get(old_band, old_band) if old_band else None,
            labels_new.get(new_band, new_band) if new_band else None,
        )
        item["band_changed"] = old_band != new_band
        item["score_changed"] = item["score"][0] != item["score"][1]
        item["ranks_changed"] = (
            item["rank_in_group"][0] != item["rank_in_group"][1]
            or item["rank_overall"][0] != item["rank_overall"][1]
        )
        item["major"] = item["kind"] != "changed" or item["band_changed"] or item["score_changed"]
    items.sort(key=lambda i: (not i["major"], i["rank_overall"][1] or 10**9, i["code"]))
    return {"items": items[:CHANGES_SHOWN], "count": len(items), "hidden": max(0, len(items) - CHANGES_SHOWN)}


def _changes_against_release(grades, release: dict | None, labels: dict) -> dict | None:
    """The provisional rows against a release of the same quarter (a correction), or None."""
    if release is None:
        return None
    return _row_changes(
        new=grades,
        old=ReleaseRow.objects.filter(release_id=release["id"]),
        labels_new=labels,
        labels_old=band_labels(release["summary__scheme"]),
    )


def _consequences(scheme: dict | None) -> list[dict]:
    """Rewards, inspections and interviews per band, as the release itself recorded them."""
    return [
        {
            "code": band["code"],
            "label": band["label"],
            "min_score": Decimal(band["min"]) if band.get("min") is not None else None,
            "reward_yuan": band.get("reward_yuan"),
            "inspections_per_month": band.get("inspections_per_month"),
            "interview": band.get("interview"),
        }
        for band in (scheme or {}).get("bands", [])
    ]


def _appeal_register(quarter: str, *, scheme: dict | None, open_only: bool = False) -> dict:
    """The appeals against the quarter's month scores (SPEC §4): one query."""
    criteria = {c["code"]: c["name"] for c in (scheme or {}).get("criteria", [])}
    appeals = Appeal.objects.filter(score__month__in=engine.quarter_months(quarter))
    if open_only:
        appeals = appeals.filter(status=Appeal.OPEN)
    appeals = appeals.annotate(
        estate_url_path=F("score__estate__page__url_path"), estate_live=F("score__estate__page__live")
    )
    rows = appeals.select_related("score__estate", "firm").order_by(
        "score__month", "score__estate__code", "submitted_at"
    )
    entries = []
    counts = Counter()
    for appeal in rows:
        counts[appeal.status] += 1
        reason = " ".join((appeal.decision_reason or "").split())
        entries.append(
            {
                "estate_name": appeal.score.estate.name,
                "estate_code": appeal.score.estate.code,
                "estate_url": page_path(appeal.estate_url_path, bool(appeal.estate_live)),
                "firm_name": appeal.firm.name,
                "month": appeal.score.month,
                "criterion": criteria.get(appeal.criterion, appeal.criterion)
                if appeal.criterion
                else "整月得分",
                "status": appeal.status,
                "status_label": appeal.get_status_display(),
                "decision": reason[:120] + ("…" if len(reason) > 120 else ""),
                "decided_at": appeal.decided_at,
                "submitted_at": appeal.submitted_at,
                "reason": " ".join(appeal.reason.split()),
            }
        )
    return {
        "entries": entries,
        "received": len(entries),
        "open": counts[Appeal.OPEN],
        "upheld": counts[Appeal.UPHELD],
        "rejected": counts[Appeal.REJECTED],
    }


def _document_parts(release_filter: Q) -> list[dict]:
    return list(
        Release.objects.filter(release_filter)
        .order_by("version")
        .values(
            "id",
            "quarter",
            "version",
            "sequence",
            "published_at",
            "digest",
            "previous_digest",
            "approved_by_name",
            "correction_note",
            "summary__scheme",
            "summary__red_list",
            "summary__black_list",
            "summary__exit_warnings",
        )  # fmt: skip
    )


def quarter_release_context(
    *, quarter: str, version: int | None, params, url_path: str | None = None
) -> dict | None:
    """The public page of a quarter's release (latest, or version k); None when there is none.

    Queries: releases, facets, the page of rows, estates of the exit warnings, firm links,
    consequences, appeals, and for a correction two more for the row diff.
    """
    releases = _document_parts(Q(quarter=quarter))
    if not releases:
        return None
    latest = releases[-1]
    release = latest if version is None else next((r for r in releases if r["version"] == version), None)
    if release is None:
        return None
    scheme = release["summary__scheme"]
    labels = band_labels(scheme)
    quarter_path = page_path(url_path) if url_path else _quarter_path_of(quarter)
    version_prefix = quarter_path if version is None or quarter_path is None else f"{quarter_path}v{version}/"
    rows = ReleaseRow.objects.filter(release_id=release["id"])
    table = _table(rows, RELEASE_ROWS, params, labels, version_prefix, release_id=release["id"])

    lists = {
        "red_list": release["summary__red_list"],
        "black_list": release["summary__black_list"],
        "exit_warnings": release["summary__exit_warnings"],
    }
    codes = {
        e["firm_credit_code"] for key in ("red_list", "black_list", "exit_warnings") for e in lists[key] or []
    }
    estates = _estate_infos(release["id"], _list_estate_codes(lists))
    changes = None
    previous = None
    if release["version"] > 1:
        previous = next(r for r in releases if r["version"] == release["version"] - 1)
        changes = _row_changes(
            new=rows,
            old=ReleaseRow.objects.filter(release_id=previous["id"]),
            labels_new=labels,
            labels_old=band_labels(previous["summary__scheme"]),
        )
    data_prefix = quarter_path if version is None else version_prefix
    return {
        "quarter": quarter,
        "quarter_label": engine.quarter_label(quarter),
        "quarter_url": quarter_path,
        "preview": False,
        "release": _release_info(release),
        "latest_release": _release_info(latest),
        "is_latest": release["id"] == latest["id"],
        "versions": [_release_info(r) for r in releases],
        "previous_release": _release_info(previous) if previous else None,
        "scheme": scheme,
        "band_summary": band_summary(table["band_counter"], scheme),
        "table": table,
        **_list_entries(lists, _firm_paths(codes), estates),
        "consequences": _consequences(scheme),
        "appeals": _appeal_register(quarter, scheme=scheme),
        "changes": changes,
        "fields_url": _fields_url(quarter_path),
        "rules_url": _rules_url(quarter_path),
        "data_json_url": f"{data_prefix}data.json" if data_prefix else None,
        "data_csv_url": f"{data_prefix}data.csv" if data_prefix else None,
        "data_xlsx_url": f"{data_prefix}data.xlsx" if data_prefix else None,
    }


def _list_estate_codes(lists: dict) -> set[str]:
    """The estates the lists speak of: the exit warnings', and those a version-1 document's
    black-list reasons name by code only (the page names them from the release's rows)."""
    codes = {e["estate_code"] for e in lists.get("exit_warnings") or []}
    for entry in lists.get("black_list") or []:
        if entry.get("reason_estates") is None:
            codes.update(filter(None, map(opendata.reason_estate_code, entry.get("reasons") or [])))
    return codes


def _release_info(release: dict) -> dict:
    return {
        "id": release["id"],
        "version": release["version"],
        "published_at": release["published_at"],
        "digest": release["digest"],
        "previous_digest": release["previous_digest"],
        "approved_by_name": release["approved_by_name"],
        "correction_note": release["correction_note"],
        "title": release_title(release["quarter"], release["version"]),
    }


def _quarter_path_of(quarter: str) -> str | None:
    url_path = quarter_pages().filter(quarter=quarter).values_list("url_path", flat=True).first()
    return page_path(url_path)


def _fields_url(quarter_path: str | None) -> str | None:
    """/ratings/2025-q1/ → /ratings/data/ (the field description beside the quarters)."""
    return quarter_path.rstrip("/").rsplit("/", 1)[0] + "/data/" if quarter_path else None


def _rules_url(quarter_path: str | None) -> str | None:
    """/ratings/2025-q1/ → /ratings/rules/ (评分办法, beside the quarters)."""
    return quarter_path.rstrip("/").rsplit("/", 1)[0] + "/rules/" if quarter_path else None


# --------------------------------------------------------------------------- the committee's preview


def quarter_preview_context(*, quarter: str, params, url_path: str | None = None) -> dict:
    """What the committee sees before approving: the provisional computation in the public layout,
    the open appeals, and what changes against the last release (SPEC §4)."""
    computation = (
        QuarterComputation.objects.filter(quarter=quarter)
        .values("id", "computed_at", "document__scheme")
        .first()
    )
    releases = _document_parts(Q(quarter=quarter))
    latest = releases[-1] if releases else None
    context = {
        "quarter": quarter,
        "quarter_label": engine.quarter_label(quarter),
        "quarter_url": page_path(url_path) if url_path else _quarter_path_of(quarter),
        "fields_url": None,
        "rules_url": None,
        "preview": True,
        "computation": computation,
        "release": None,
        "latest_release": _release_info(latest) if latest else None,
        "is_latest": True,
        "versions": [_release_info(r) for r in releases],
    }
    if computation is None:
        return context
    scheme = computation["document__scheme"]
    labels = band_labels(scheme)
    grades = QuarterGrade.objects.filter(quarter=quarter)
    table = _table(grades, PROVISIONAL_ROWS, params, labels, None)
    doc_lists = (
        QuarterComputation.objects.filter(pk=computation["id"])
        .values("document__red_list", "document__black_list", "document__exit_warnings")
        .first()
    )
    lists = {k.removeprefix("document__"): v for k, v in doc_lists.items()}
    codes = {e["firm_credit_code"] for key in lists for e in lists[key] or []}
    exit_codes = _list_estate_codes(lists)
    estates = {
        g["estate__code"]: {
            "estate_name": g["estate__name"],
            "estate_url": page_path(g["estate__page__url_path"], bool(g["estate__page__live"])),
            "firm_credit_code": g["firm__credit_code"],
            "firm_name": g["firm__name"],
        }
        for g in grades.filter(estate__code__in=exit_codes).values(
            "estate__code",
            "estate__name",
            "estate__page__url_path",
            "estate__page__live",
            "firm__credit_code",
            "firm__name",
        )
    }
    changes = _changes_against_release(grades, latest, labels)
    context.update(
        scheme=scheme,
        band_summary=band_summary(table["band_counter"], scheme),
        table=table,
        **_list_entries(lists, _firm_paths(codes), estates),
        consequences=_consequences(scheme),
        appeals=_appeal_register(quarter, scheme=scheme),
        open_appeals=_appeal_register(quarter, scheme=scheme, open_only=True),
        changes=changes,
        changes_against=_release_info(latest) if latest else None,
    )
    return context
