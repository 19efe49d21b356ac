"""Constants and small helpers shared by the public rating reads."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.apps import apps
from django.core.cache import cache
from django.db.models import Count
from django.db.models.fields.json import KT

from core import pagecache
from ratings import engine, opendata
from ratings.models.publication import Release, ReleaseRow
from registry.models import Firm

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
    (
        "schema",
        "文档格式标识：现为 sunshine-property/quarter/2（黑榜原因与清退预警写明小区名称）；"
        "此前发布的版本保持原样，仍为 sunshine-property/quarter/1",
    ),
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
        "本季度采用的考核方案：代码 code、版本 version、考核项目 criteria（代码、名称、满分）、挂牌等级 bands（代码、名称、最低分，及该等级的每季度奖励 reward_yuan、下季度每月检查次数 inspections_per_month、是否约谈 interview）",
    ),
    ("estates", "各小区的评级，一个小区一行：按总排名排列，待评小区在后，同名次按小区编码"),
    ("red_list", "红榜：所有参评小区均为最高等级且无一票否决的物业企业（统一社会信用代码、名称）"),
    (
        "black_list",
        "黑榜（重点监督名单）：有红牌小区，或同一小区连续两个季度为黄牌的物业企业，字段见下表“名单字段”",
    ),
    ("exit_warnings", "清退预警：同一企业服务的小区连续两个季度为红牌，字段见下表“名单字段”"),
]

# The entries of red_list, black_list and exit_warnings (schema version 2; version 1 lacks the
# names marked so).
LIST_FIELDS = [
    ("firm_credit_code", "物业企业的统一社会信用代码（三个名单都有）"),
    ("firm_name", "物业企业名称（三个名单都有；第 1 版格式的清退预警中没有）"),
    (
        "reasons",
        "黑榜：列入的原因，每条写明小区名称与编码，如“杏坛东里（XT-01）本季度红牌”"
        "（第 1 版格式只写小区编码，如“小区 XT-01 本季度红牌”）",
    ),
    (
        "reason_estates",
        "黑榜：每条原因所指的小区（小区编码 estate_code、小区名称 estate_name），与 reasons 逐条对应（第 2 版起）",
    ),
    ("estate_code", "清退预警：小区编码"),
    ("estate_name", "清退预警：小区名称（第 2 版起）"),
]

# Columns of data.csv and data.xlsx beyond the estate fields: what the lists say of the estate.
LIST_MARK_FIELDS = [
    (
        "black_list_reasons",
        "该小区使所属企业列入黑榜的原因（写明小区名称；多项以“；”分隔，仅 data.csv 与 data.xlsx）",
    ),
    ("exit_warning", "该小区是否有清退预警（仅 data.csv 与 data.xlsx）"),
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


def quarter_pages():
    """QuarterPage's manager, looked up when a read runs: the page models call these reads."""
    return apps.get_model("ratings", "QuarterPage").objects


def release_title(quarter: str, version: int) -> str:
    return f"{engine.quarter_label(quarter)}物业服务评级（第{version}版）"


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def page_path(url_path: str | None, live: bool = True) -> str | None:
    """The public path of a page from its url_path, without loading the page (cached site roots)."""
    return pagecache.public_path(url_path) if live else None


def band_labels(scheme: dict | None) -> dict[str, str]:
    labels = {b["code"]: b["label"] for b in (scheme or {}).get("bands", [])}
    labels[PENDING] = engine.PENDING_LABEL
    return labels


def band_order(scheme: dict | None) -> list[str]:
    return [b["code"] for b in (scheme or {}).get("bands", [])] + [PENDING]


def _live_quarter_paths(index_page=None) -> dict[str, str]:
    """{quarter: public path} of live quarter pages: one query. Unordered: ordered by the tree's path,
    the database walks every page of the city in path order to find the few quarter pages."""
    pages = quarter_pages().live().order_by()
    if index_page is not None:
        pages = pages.child_of(index_page)
    return {q: page_path(url_path) for q, url_path in pages.values_list("quarter", "url_path")}


LATEST_RELEASE_KEY = "ratings:latest-release"
LATEST_RELEASE_SECONDS = 300


def latest_release() -> dict | None:
    """The newest version of the newest released quarter whose page is live — what "the current
    plate" means — as {"id", "quarter", "version", "published_at", "scheme"}: one query, cached
    and cleared when a release is made or a quarter page goes offline (ratings.signals)."""
    value = cache.get(LATEST_RELEASE_KEY)
    if value is None:
        row = (
            Release.objects.filter(quarter__in=quarter_pages().live().values("quarter"))
            .order_by("-quarter", "-version")
            .values("id", "quarter", "version", "published_at", "summary__scheme")
            .first()
        )
        value = {**row, "scheme": row.pop("summary__scheme")} if row else {}
        cache.set(LATEST_RELEASE_KEY, value, LATEST_RELEASE_SECONDS)
    return value or None


# What is computed from a release's rows alone never changes (releases are append-only), so it is
# kept in the cache under the release's id and never purged; the time-out only bounds its memory.
RELEASE_MEMO_SECONDS = 7 * 24 * 3600


def release_memo_key(release_id: int, name: str) -> str:
    return f"ratings:release:{release_id}:{name}"


def _band_counts(release_ids) -> dict[int, Counter]:
    """{release id: Counter(band → estates)}: from the cache, one query for the releases not in it."""
    keys = {rid: release_memo_key(rid, "bands") for rid in dict.fromkeys(release_ids)}
    found = cache.get_many(list(keys.values()))
    counts: dict[int, Counter] = {rid: Counter(found[key]) for rid, key in keys.items() if key in found}
    missing = [rid for rid in keys if rid not in counts]
    if not missing:
        return counts
    fresh: dict[int, Counter] = {rid: Counter() for rid in missing}
    rows = (
        ReleaseRow.objects.filter(release_id__in=missing).values("release_id", "band").annotate(n=Count("pk"))
    )
    for row in rows.order_by():
        fresh[row["release_id"]][row["band"]] = row["n"]
    cache.set_many({keys[rid]: dict(c) for rid, c in fresh.items()}, RELEASE_MEMO_SECONDS)
    counts.update(fresh)
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
    """The lists of a document of either schema version, for a page: each black-list reason and
    exit warning names its estate (`opendata.named_lists`; `estates` gives the names a version-1
    document lacks, and the estates' links), and each firm links to its page."""
    names = {code: info["estate_name"] for code, info in estates.items() if info.get("estate_name")}
    firm_names = {
        e["firm_credit_code"]: e["firm_name"]
        for key in ("red_list", "black_list")
        for e in document_lists.get(key) or []
    }
    for info in estates.values():
        if info.get("firm_credit_code") and info.get("firm_name"):
            firm_names.setdefault(info["firm_credit_code"], info["firm_name"])
    named = opendata.named_lists(
        document_lists.get("black_list"), document_lists.get("exit_warnings"), names, firm_names
    )
    red = [dict(e, url=firm_paths.get(e["firm_credit_code"])) for e in document_lists.get("red_list") or []]
    black = [dict(e, url=firm_paths.get(e["firm_credit_code"])) for e in named["black_list"]]
    exits = []
    for e in named["exit_warnings"]:
        info = estates.get(e["estate_code"], {})
        exits.append(
            {
                "estate_code": e["estate_code"],
                "estate_name": e["estate_name"],
                "estate_url": info.get("estate_url"),
                "firm_credit_code": e["firm_credit_code"],
                "firm_name": e["firm_name"],
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
        "estate_code",
        "estate__page__url_path",
        "estate__page__live",
        "firm__credit_code",
        # The names as the release recorded them, not as the registry has them today.
        estate_name=KT("row__estate_name"),
        firm_name=KT("row__firm_name"),
    )
    return {
        r["estate_code"]: {
            "estate_name": r["estate_name"],
            "estate_url": page_path(r["estate__page__url_path"], bool(r["estate__page__live"])),
            "firm_credit_code": r["firm__credit_code"],
            "firm_name": r["firm_name"],
        }
        for r in rows
    }


def release_public_paths(release) -> tuple[set[str], set[str]]:
    """What a new release (or correction) changes in public: every rating page and feed, the home,
    the directories, and the page of each estate and firm in this quarter's releases or in the
    release before it (an estate that left still loses its plate). (exact paths, trees)"""
    Release = apps.get_model("ratings", "Release")
    ReleaseRow = apps.get_model("ratings", "ReleaseRow")
    previous = Release.objects.filter(sequence__lt=release.sequence).order_by("-sequence").first()
    rows = ReleaseRow.objects.filter(quarter=release.quarter)
    if previous is not None:
        rows = rows | ReleaseRow.objects.filter(release=previous)
    EstatePage = apps.get_model("registry", "EstatePage")
    FirmPage = apps.get_model("registry", "FirmPage")
    estate_paths = EstatePage.objects.filter(estate__release_rows__in=rows).values_list("url_path", flat=True)
    firm_paths = FirmPage.objects.filter(firm__release_rows__in=rows).values_list("url_path", flat=True)
    trees = {"/ratings/", "/feeds/ratings/", "/search/"}
    trees |= {p for p in map(page_path, set(estate_paths)) if p}
    exact = {"/", "/estates/", "/firms/", "/sitemap.xml"}
    exact |= {p for p in map(page_path, set(firm_paths)) if p}
    return exact, trees
