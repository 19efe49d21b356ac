"""Reads for everything the public sees of the ratings (SPEC §4, §7, §8): /ratings/, quarter
pages and their versions, the committee's preview, open data, the Atom feed, printable plates,
and the rating sections of the estate, firm and home pages.

The public reads releases only, never provisional grades: a quarter exists for the public once
its page is live and it has a release. Every function runs a fixed number of queries whatever
the number of estates; the big `document` of a release is loaded only for the open-data
downloads, and elsewhere only the parts a page needs are read through JSON key lookups.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.http import urlencode

from wagtail.models import Site

from ratings import engine
from ratings.models import Appeal, Firm, QuarterComputation, QuarterGrade, QuarterPage, Release, ReleaseRow
from ratings.models.scheme import SchemeBand

PAGE_SIZE = 50
HISTORY_QUARTERS = 4  # marks on a plate
FIRM_LIST_QUARTERS = 8  # quarters scanned for a firm's red/black list entries
CHART_MONTHS = 24
CHANGES_SHOWN = 200
PENDING = engine.PENDING_BAND
NO_SCORE = "数据不足"

SORTS = {
    "rank": "按总排名",
    "score": "按得分（高到低）",
    "name": "按小区名称",
    "code": "按小区编码",
}

# The open-data fields, described in Chinese (SPEC §8): the page /ratings/data/ lists them.
DOCUMENT_FIELDS = [
    ("schema", "文档格式标识，固定为 sunshine-property/quarter/1"),
    ("quarter", "季度，如 2025Q1（第一季度为 1–3 月，依此类推）"),
    ("release", "发布版本号：首次发布为 1，每次更正加 1"),
    ("published_at", "发布时间（ISO 8601，北京时间）"),
    ("approved_by", "批准发布的机构：考评委员会"),
    ("correction_note", "更正说明：第 1 版为 null，更正版本写明更正理由"),
    (
        "digest",
        "本文档的 SHA-256 摘要（十六进制）：去掉 digest 键后，按键名排序、无空格、不转义中文的 JSON 的 UTF-8 字节",
    ),
    ("previous_digest", "上一次发布（任一季度）的摘要，所有发布由此连成一条链；最早的发布为 null"),
    (
        "scheme",
        "本季度采用的考核方案：代码 code、版本 version、考核项目 criteria（代码、名称、满分）、挂牌等级 bands（代码、名称、最低分）",
    ),
    ("estates", "各小区的评级，一个小区一行：按总排名排列，待评小区在后，同名次按小区编码"),
    ("red_list", "红榜：所有参评小区均为最高等级且无一票否决的物业企业（统一社会信用代码、名称）"),
    (
        "black_list",
        "黑榜（重点监督名单）：有红牌小区，或同一小区连续两个季度为黄牌的物业企业，reasons 列出原因",
    ),
    ("exit_warnings", "清退预警：同一企业服务的小区连续两个季度为红牌（小区编码、企业统一社会信用代码）"),
]

DATA_FIELDS = [
    ("estate_code", "小区编码"),
    ("estate_name", "小区名称"),
    ("slug", "小区页面地址中的名称：/estates/<slug>/"),
    ("group", "分组：商品房、老旧小区、房改房、保障房、回迁房等，排名在同一分组内比较"),
    ("street", "所属街道"),
    ("community", "所属社区"),
    ("households", "户数"),
    ("firm_name", "本季度的物业服务企业名称（季度最后一天在管的企业）"),
    ("firm_credit_code", "该企业的统一社会信用代码（18 位）"),
    ("months", "本季度各月的考核明细，见下表“月度字段”（data.csv 中没有此列）"),
    ("months_assessed", "完成考核的月数：12345 诉求数据与其余各项得分齐全的月份才算"),
    ("score", "季度得分：完成考核各月总分的平均值，四舍五入保留 2 位小数；待评为空"),
    ("band", "挂牌等级代码：green 绿牌·精品、blue 蓝牌·规范、yellow 黄牌·提升、red 红牌·整改、pending 待评"),
    ("vetoed", "是否被一票否决（任一月份）：被否决即为红牌"),
    ("veto_reasons", "一票否决的原因（data.csv 中多项以“；”分隔）"),
    ("rank_in_group", "组内排名（并列同名次，下一名次顺延，如 1、2、2、4）；待评为空"),
    ("rank_overall", "全部参评小区中的总排名；待评为空"),
    ("reward_yuan", "本季度奖励（元）：绿牌 30000、蓝牌 10000、其余 0；待评为空"),
    ("inspections_per_month", "下季度每月检查次数：绿牌 0（免检）、蓝牌 1、黄牌 3、红牌 4；待评为空"),
    ("interview", "是否约谈企业（红牌）；待评为空"),
    (
        "complaints_per_1000_households",
        "每千户 12345 诉求数：本季度受理数 × 1000 ÷ 户数，保留 2 位小数（仅展示，不计分）",
    ),
    ("points_to_next_band", "距上一等级还差的分数；绿牌、被否决与待评为空"),
    ("points_lost", "各考核项目平均每月失分（仅 data.json，按项目代码）"),
]

MONTH_FIELDS = [
    ("month", "月份，如 2025-01"),
    ("assessed", "该月是否完成考核（各项得分与 12345 诉求数据齐全）"),
    ("total", "该月总分：各项得分之和，保留 1 位小数；未完成考核为空"),
    ("veto", "该月是否一票否决"),
    ("veto_reason", "一票否决原因"),
    ("criteria", "各考核项目得分（按项目代码），如 hotline 12345诉求办理、owner 业主评价"),
    (
        "hotline",
        "12345 诉求数据：received 受理、responded 响应、resolved 解决、surveyed 回访、satisfied 满意",
    ),
]


# --------------------------------------------------------------------------- small helpers


def quarter_label(quarter: str) -> str:
    return f"{quarter[:4]}年第{quarter[-1]}季度"


def release_title(quarter: str, version: int) -> str:
    return f"{quarter_label(quarter)}物业服务评级（第{version}版）"


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def next_quarter(quarter: str) -> str:
    year, q = int(quarter[:4]), int(quarter[-1])
    return f"{year + 1}Q1" if q == 4 else f"{year}Q{q + 1}"


def page_path(url_path: str | None, live: bool = True) -> str | None:
    """The public path of a page from its url_path, without loading the page (cached site roots)."""
    if not url_path or not live:
        return None
    for root in Site.get_site_root_paths():
        if url_path.startswith(root.root_path):
            return "/" + url_path[len(root.root_path) :]
    return None


def band_labels(scheme: dict | None) -> dict[str, str]:
    labels = {b["code"]: b["label"] for b in (scheme or {}).get("bands", [])}
    labels[PENDING] = engine.PENDING_LABEL
    return labels


def band_order(scheme: dict | None) -> list[str]:
    return [b["code"] for b in (scheme or {}).get("bands", [])] + [PENDING]


def _live_quarter_paths(index_page=None) -> dict[str, str]:
    """{quarter: public path} of live quarter pages: one query."""
    pages = QuarterPage.objects.live()
    if index_page is not None:
        pages = pages.child_of(index_page)
    return {q: page_path(url_path) for q, url_path in pages.values_list("quarter", "url_path")}


def _band_counts(release_ids) -> dict[int, Counter]:
    counts: dict[int, Counter] = {}
    rows = (
        ReleaseRow.objects.filter(release_id__in=list(release_ids))
        .values("release_id", "band")
        .annotate(n=Count("pk"))
    )
    for row in rows.order_by():
        counts.setdefault(row["release_id"], Counter())[row["band"]] = row["n"]
    return counts


def band_summary(counts: Counter, scheme: dict | None) -> list[dict]:
    """Counts per band in scheme order (every band, zero included; pending only when present)."""
    labels = band_labels(scheme)
    return [
        {"code": code, "label": labels[code], "count": counts.get(code, 0)}
        for code in band_order(scheme)
        if code != PENDING or counts.get(code)
    ]


def _firm_paths(credit_codes) -> dict[str, str]:
    codes = {c for c in credit_codes if c}
    if not codes:
        return {}
    rows = Firm.objects.filter(credit_code__in=codes).values_list(
        "credit_code", "page__url_path", "page__live"
    )
    return {code: page_path(url_path, bool(live)) for code, url_path, live in rows}


def _list_entries(document_lists: dict, firm_paths: dict[str, str], estates: dict[str, dict]) -> dict:
    red = [dict(e, url=firm_paths.get(e["firm_credit_code"])) for e in document_lists.get("red_list") or []]
    black = [
        dict(e, url=firm_paths.get(e["firm_credit_code"])) for e in document_lists.get("black_list") or []
    ]
    exits = []
    for e in document_lists.get("exit_warnings") or []:
        info = estates.get(e["estate_code"], {})
        exits.append(
            {
                "estate_code": e["estate_code"],
                "estate_name": info.get("estate_name", e["estate_code"]),
                "estate_url": info.get("estate_url"),
                "firm_credit_code": e["firm_credit_code"],
                "firm_name": info.get("firm_name") or e["firm_credit_code"],
                "firm_url": firm_paths.get(e["firm_credit_code"]),
            }
        )
    return {"red_list": red, "black_list": black, "exit_warnings": exits}


def _estate_infos(release_id: int, codes) -> dict[str, dict]:
    """Names and links of a few estates of a release (the exit warnings): one query."""
    codes = list(codes)
    if not codes:
        return {}
    rows = ReleaseRow.objects.filter(release_id=release_id, estate_code__in=codes).values(
        "estate_code", "estate__name", "estate__page__url_path", "estate__page__live", "firm__name"
    )
    return {
        r["estate_code"]: {
            "estate_name": r["estate__name"],
            "estate_url": page_path(r["estate__page__url_path"], bool(r["estate__page__live"])),
            "firm_name": r["firm__name"],
        }
        for r in rows
    }


# --------------------------------------------------------------------------- /ratings/


def published_quarters(*, index_page=None) -> list[dict]:
    """Every public quarter, newest first, with its latest release and plate counts: three queries."""
    paths = _live_quarter_paths(index_page)
    releases = (
        Release.objects.filter(quarter__in=list(paths))
        .order_by("-quarter", "-version")
        .values("id", "quarter", "version", "published_at", "correction_note", "document__scheme")
    )
    latest: dict[str, dict] = {}
    for release in releases:
        latest.setdefault(release["quarter"], release)
    counts = _band_counts(r["id"] for r in latest.values())
    quarters = []
    for quarter, release in latest.items():
        scheme = release["document__scheme"]
        band_counts = counts.get(release["id"], Counter())
        quarters.append(
            {
                "quarter": quarter,
                "label": quarter_label(quarter),
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
    return {"document_fields": DOCUMENT_FIELDS, "fields": DATA_FIELDS, "month_fields": MONTH_FIELDS}


# --------------------------------------------------------------------------- the quarter table


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


def _table(queryset, source: _RowSource, params, labels: dict[str, str], plate_prefix: str | None) -> dict:
    """Filter (group, band, street), sort and page a row set: three queries (facets, rows, links)."""
    facets = list(
        queryset.order_by()
        .values(group=F(source.group), street=F(source.street), band_code=F("band"))
        .annotate(n=Count("pk"))
    )
    groups = sorted({f["group"] for f in facets if f["group"]})
    streets = sorted({f["street"] for f in facets if f["street"]})
    present = {f["band_code"] for f in facets}
    bands = [(code, label) for code, label in labels.items() if code in present]

    chosen = {
        "group": params.get("group", "") if params.get("group", "") in groups else "",
        "street": params.get("street", "") if params.get("street", "") in streets else "",
        "band": params.get("band", "") if params.get("band", "") in present else "",
        "sort": params.get("sort", "rank") if params.get("sort", "rank") in SORTS else "rank",
    }
    rows = queryset
    if chosen["group"]:
        rows = rows.filter(**{source.group: chosen["group"]})
    if chosen["street"]:
        rows = rows.filter(**{source.street: chosen["street"]})
    if chosen["band"]:
        rows = rows.filter(band=chosen["band"])
    total = sum(
        f["n"]
        for f in facets
        if (not chosen["group"] or f["group"] == chosen["group"])
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
        "filtered": any(chosen[k] for k in ("group", "street", "band")),
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


def _row_changes(*, new, old, labels_new: dict, labels_old: dict) -> dict:
    """Rows whose band, score or ranks differ between two row sets, matched by estate (SPEC §4):
    two queries, whatever the number of estates. Band or score changes come first."""
    twin = old.filter(estate_id=OuterRef("estate_id"))
    dec = DecimalField(max_digits=5, decimal_places=2)
    changed = (
        new.annotate(
            had=Exists(twin),
            old_band=Coalesce(Subquery(twin.values("band")[:1]), Value("")),
            old_score=Subquery(twin.values("score")[:1], output_field=dec),
            old_rig=Subquery(twin.values("rank_in_group")[:1]),
            old_ro=Subquery(twin.values("rank_overall")[:1]),
            s_new=Coalesce("score", Value(Decimal("-1")), output_field=dec),
            s_old=Coalesce(Subquery(twin.values("score")[:1]), Value(Decimal("-1")), output_field=dec),
            g_new=Coalesce("rank_in_group", Value(0), output_field=IntegerField()),
            g_old=Coalesce(Subquery(twin.values("rank_in_group")[:1]), Value(0), output_field=IntegerField()),
            o_new=Coalesce("rank_overall", Value(0), output_field=IntegerField()),
            o_old=Coalesce(Subquery(twin.values("rank_overall")[:1]), Value(0), output_field=IntegerField()),
        )
        .filter(
            Q(had=False)
            | ~Q(band=F("old_band"))
            | ~Q(s_new=F("s_old"))
            | ~Q(g_new=F("g_old"))
            | ~Q(o_new=F("o_old"))
        )
        .values(
            "estate__code",
            "estate__name",
            "band",
            "score",
            "rank_in_group",
            "rank_overall",
            "had",
            "old_band",
            "old_score",
            "old_rig",
            "old_ro",
        )  # fmt: skip
    )

    def two_places(value):
        # SQLite hands a subquery's decimal back as a float: show every score with two places.
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))

    items = []
    for r in changed:
        r["score"], r["old_score"] = two_places(r["score"]), two_places(r["old_score"])
        item = {
            "code": r["estate__code"],
            "name": r["estate__name"],
            "kind": "changed" if r["had"] else "added",
            "band": (r["old_band"] or None, r["band"]),
            "score": (r["old_score"], r["score"]),
            "rank_in_group": (r["old_rig"], r["rank_in_group"]),
            "rank_overall": (r["old_ro"], r["rank_overall"]),
        }
        items.append(item)
    removed = old.exclude(estate_id__in=new.values("estate_id")).values(
        "estate__code", "estate__name", "band", "score", "rank_in_group", "rank_overall"
    )
    for r in removed:
        r["score"] = two_places(r["score"])
        items.append(
            {
                "code": r["estate__code"],
                "name": r["estate__name"],
                "kind": "removed",
                "band": (r["band"], None),
                "score": (r["score"], None),
                "rank_in_group": (r["rank_in_group"], None),
                "rank_overall": (r["rank_overall"], None),
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


def _consequences(scheme: dict | None) -> list[dict]:
    if not scheme:
        return []
    return list(
        SchemeBand.objects.filter(scheme__code=scheme["code"], scheme__version=scheme["version"])
        .order_by("sort_order", "pk")
        .values("code", "label", "min_score", "reward_yuan", "inspections_per_month", "interview")
    )


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
            "document__scheme",
            "document__red_list",
            "document__black_list",
            "document__exit_warnings",
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
    scheme = release["document__scheme"]
    labels = band_labels(scheme)
    quarter_path = page_path(url_path) if url_path else _quarter_path_of(quarter)
    version_prefix = quarter_path if version is None or quarter_path is None else f"{quarter_path}v{version}/"
    rows = ReleaseRow.objects.filter(release_id=release["id"])
    table = _table(rows, RELEASE_ROWS, params, labels, version_prefix)

    lists = {
        "red_list": release["document__red_list"],
        "black_list": release["document__black_list"],
        "exit_warnings": release["document__exit_warnings"],
    }
    codes = {
        e["firm_credit_code"] for key in ("red_list", "black_list", "exit_warnings") for e in lists[key] or []
    }
    estates = _estate_infos(release["id"], (e["estate_code"] for e in lists["exit_warnings"] or []))
    changes = None
    previous = None
    if release["version"] > 1:
        previous = next(r for r in releases if r["version"] == release["version"] - 1)
        changes = _row_changes(
            new=rows,
            old=ReleaseRow.objects.filter(release_id=previous["id"]),
            labels_new=labels,
            labels_old=band_labels(previous["document__scheme"]),
        )
    data_prefix = quarter_path if version is None else version_prefix
    return {
        "quarter": quarter,
        "quarter_label": quarter_label(quarter),
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
        "data_json_url": f"{data_prefix}data.json" if data_prefix else None,
        "data_csv_url": f"{data_prefix}data.csv" if data_prefix else None,
    }


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
    url_path = QuarterPage.objects.filter(quarter=quarter).values_list("url_path", flat=True).first()
    return page_path(url_path)


def _fields_url(quarter_path: str | None) -> str | None:
    """/ratings/2025-q1/ → /ratings/data/ (the field description beside the quarters)."""
    return quarter_path.rstrip("/").rsplit("/", 1)[0] + "/data/" if quarter_path else None


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
        "quarter_label": quarter_label(quarter),
        "quarter_url": page_path(url_path) if url_path else _quarter_path_of(quarter),
        "fields_url": None,
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
    exit_codes = [e["estate_code"] for e in lists["exit_warnings"] or []]
    estates = {
        g["estate__code"]: {
            "estate_name": g["estate__name"],
            "estate_url": page_path(g["estate__page__url_path"], bool(g["estate__page__live"])),
            "firm_name": g["firm__name"],
        }
        for g in grades.filter(estate__code__in=exit_codes).values(
            "estate__code", "estate__name", "estate__page__url_path", "estate__page__live", "firm__name"
        )
    }
    changes = None
    if latest:
        changes = _row_changes(
            new=grades,
            old=ReleaseRow.objects.filter(release_id=latest["id"]),
            labels_new=labels,
            labels_old=band_labels(latest["document__scheme"]),
        )
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


# --------------------------------------------------------------------------- open data


def release_for_download(*, quarter_slug: str, version: int | None) -> Release | None:
    """The release behind data.json / data.csv (latest, or version k) of a live quarter page."""
    quarter = QuarterPage.objects.live().filter(slug=quarter_slug).values_list("quarter", flat=True).first()
    if quarter is None:
        return None
    releases = Release.objects.filter(quarter=quarter)
    if version is not None:
        return releases.filter(version=version).first()
    return releases.order_by("-version").first()


# --------------------------------------------------------------------------- Atom feed


def feed_releases(*, limit: int = 50) -> list[dict]:
    """Releases of live quarters, newest first, with plate counts: three queries."""
    paths = _live_quarter_paths()
    releases = list(
        Release.objects.filter(quarter__in=list(paths))
        .order_by("-sequence")
        .values(
            "id",
            "sequence",
            "quarter",
            "version",
            "published_at",
            "digest",
            "previous_digest",
            "correction_note",
            "approved_by_name",
            "document__scheme",
        )[:limit]  # fmt: skip
    )
    latest_version: dict[str, int] = {}
    for r in releases:
        latest_version[r["quarter"]] = max(latest_version.get(r["quarter"], 0), r["version"])
    counts = _band_counts(r["id"] for r in releases)
    entries = []
    for r in releases:
        base = paths[r["quarter"]]
        is_latest = r["version"] >= latest_version[r["quarter"]]
        entries.append(
            {
                **r,
                "title": ("【更正】" if r["version"] > 1 else "") + release_title(r["quarter"], r["version"]),
                "url": base if is_latest else f"{base}v{r['version']}/",
                "bands": band_summary(counts.get(r["id"], Counter()), r["document__scheme"]),
            }
        )
    return entries


# --------------------------------------------------------------------------- plates


def plate_context(*, quarter: str, estate_slug: str, request, version: int | None = None) -> dict | None:
    """The printable plate of one estate for a quarter's release (latest, or version k): four
    queries. It says so plainly when a newer release of the quarter, or a later quarter, exists."""
    import segno

    from portal.models import EstatePage

    page = (
        EstatePage.objects.filter(slug=estate_slug)
        .values("estate_id", "url_path", "live", "estate__code")
        .first()
    )
    if page is None:
        return None
    paths = _live_quarter_paths()
    if quarter not in paths:
        return None
    history = list(
        ReleaseRow.objects.filter(estate_id=page["estate_id"])
        .order_by("-quarter", "-release__version")
        .values(
            "quarter",
            "release_id",
            "release__version",
            "release__published_at",
            "band",
            "row",
            "release__document__scheme",
        )  # fmt: skip
    )
    history = [h for h in history if h["quarter"] in paths]
    mine = [h for h in history if h["quarter"] == quarter]
    if not mine:
        return None
    current = (
        mine[0] if version is None else next((h for h in mine if h["release__version"] == version), None)
    )
    if current is None:
        return None
    row, scheme = current["row"], current["release__document__scheme"]
    labels = band_labels(scheme)
    newest_of_quarter = mine[0]
    superseded_by = []
    if newest_of_quarter["release__version"] > current["release__version"]:
        superseded_by.append(
            {
                "title": release_title(quarter, newest_of_quarter["release__version"]),
                "url": f"{paths[quarter]}plates/{estate_slug}/",
                "band_label": band_labels(newest_of_quarter["release__document__scheme"]).get(
                    newest_of_quarter["band"]
                ),
            }
        )
    later = [h for h in history if h["quarter"] > quarter]
    if later:
        newest = later[0]
        superseded_by.append(
            {
                "title": release_title(newest["quarter"], newest["release__version"]),
                "url": f"{paths[newest['quarter']]}plates/{estate_slug}/",
                "band_label": band_labels(newest["release__document__scheme"]).get(newest["band"]),
            }
        )
    marks, seen = [], set()
    for h in history:
        if h["quarter"] > quarter or h["quarter"] in seen:
            continue
        if h["quarter"] == quarter:
            h = current
        seen.add(h["quarter"])
        marks.append(
            {
                "quarter": h["quarter"],
                "label": quarter_label(h["quarter"]),
                "band": h["band"],
                "band_label": band_labels(h["release__document__scheme"]).get(h["band"], h["band"]),
                "current": h["quarter"] == quarter,
            }
        )
        if len(marks) == HISTORY_QUARTERS:
            break
    marks.reverse()
    estate_path = page_path(page["url_path"], page["live"])
    estate_url = request.build_absolute_uri(estate_path) if estate_path else None
    qr_svg = segno.make(estate_url, error="m").svg_inline(scale=4, omitsize=False) if estate_url else ""
    valid_until = engine.quarter_bounds(next_quarter(quarter))[1]
    band = row["band"]
    return {
        "quarter": quarter,
        "quarter_label": quarter_label(quarter),
        "quarter_url": paths[quarter],
        "version": current["release__version"],
        "published_at": current["release__published_at"],
        "row": row,
        "band": band,
        "band_label": labels.get(band, band),
        "score": row["score"],
        "estate_url": estate_url,
        "estate_path": estate_path,
        "marks": marks,
        "serial": f"QRP-{quarter}-v{current['release__version']}-{row['estate_code']}",
        "valid_until": valid_until,
        "valid_until_label": chinese_date(valid_until),
        "qr_svg": qr_svg,
        "superseded_by": superseded_by,
        "group_size": None,
    }


# --------------------------------------------------------------------------- estate, firm, home


def _latest_per_quarter(rows: list[dict]) -> list[dict]:
    """Rows ordered by quarter desc, version desc → the first (latest version) of each quarter."""
    seen, latest = set(), []
    for r in rows:
        if r["quarter"] not in seen:
            seen.add(r["quarter"])
            latest.append(r)
    return latest


def estate_ratings(*, estate_id: int) -> dict:
    """The estate page's plate, why this colour, monthly scores, plate history and hotline trend,
    from the released quarters (latest version of each): two queries."""
    paths = _live_quarter_paths()
    rows = ReleaseRow.objects.filter(estate_id=estate_id, quarter__in=list(paths)).order_by(
        "-quarter", "-release__version"
    )
    history = _latest_per_quarter(
        list(
            rows.values(
                "quarter",
                "release__version",
                "release__published_at",
                "band",
                "score",
                "rank_in_group",
                "rank_overall",
                "row",
                "release__document__scheme",
            )  # fmt: skip
        )
    )
    if not history:
        return {"current": None, "history": [], "chart": None}
    entries = [_estate_quarter(h, paths) for h in history]
    current = entries[0]
    current["why"] = _why(history[0])
    current["months"] = _month_table(history[0])
    return {"current": current, "history": entries, "chart": _hotline_points(history)}


def _estate_quarter(h: dict, paths: dict[str, str]) -> dict:
    row, scheme = h["row"], h["release__document__scheme"]
    labels = band_labels(scheme)
    return {
        "quarter": h["quarter"],
        "label": quarter_label(h["quarter"]),
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
    row, scheme = h["row"], h["release__document__scheme"] or {}
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
    scheme = h["release__document__scheme"] or {}
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
        "id", "quarter", "version", "document__scheme", "document__red_list", "document__black_list"
    )
    schemes, entries = {}, []
    for r in sorted(lists, key=lambda r: r["quarter"], reverse=True):
        schemes[r["id"]] = r["document__scheme"]
        if any(e["firm_credit_code"] == credit_code for e in r["document__red_list"] or []):
            entries.append(
                {
                    "quarter": r["quarter"],
                    "label": quarter_label(r["quarter"]),
                    "url": paths[r["quarter"]],
                    "list": "red",
                    "reasons": [],
                }
            )
        for e in r["document__black_list"] or []:
            if e["firm_credit_code"] == credit_code:
                entries.append(
                    {
                        "quarter": r["quarter"],
                        "label": quarter_label(r["quarter"]),
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
            "label": quarter_label(r["quarter"]),
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
            "label": quarter_label(newest["quarter"]),
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
            "document__scheme",
            "document__red_list",
            "document__black_list",
        )
        .first()
    )
    if release is None:
        return None
    counts = _band_counts([release["id"]]).get(release["id"], Counter())
    lists = {"red_list": release["document__red_list"], "black_list": release["document__black_list"]}
    firm_paths = _firm_paths(e["firm_credit_code"] for key in lists for e in lists[key] or [])
    entries = _list_entries(lists, firm_paths, {})
    return {
        "quarter": release["quarter"],
        "label": quarter_label(release["quarter"]),
        "url": paths[release["quarter"]],
        "version": release["version"],
        "published_at": release["published_at"],
        "bands": band_summary(counts, release["document__scheme"]),
        "estates": sum(counts.values()),
        "red_list": entries["red_list"],
        "black_list": entries["black_list"],
    }
