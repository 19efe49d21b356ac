"""One search over the site in Chinese (SPEC §11): estates, firms, cases, disclosures and pages,
through Wagtail's search index, grouped by kind, each estate with its current plate.

Every searchable page type mixes in core.search.ChineseSearchable, so the index holds characters
and bigrams of its text and the pinyin of its names; core.chinese explains the matching. A page
type that is not (yet) searchable that way is left out rather than searched badly. Each kind costs
a fixed number of queries, whatever the number of pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps

from core.chinese import pinyin_query, query_normalize, query_terms
from core.search import ChineseSearchable
from ratings.selectors import current_plates
from registry.selectors import current_contracts_by_estate

RESULTS_PER_KIND = 20
SUGGESTIONS = 8


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    model: str  # "app_label.ModelName"
    related: tuple[str, ...] = ()


KINDS = (
    Kind("estates", "小区", "registry.EstatePage", ("estate__community", "estate__group", "estate__street")),
    Kind("firms", "物业企业", "registry.FirmPage", ("firm",)),
    Kind("cases", "三微案例", "cases.CasePage", ("firm",)),
    Kind("disclosures", "信息公开", "disclosures.DisclosurePage", ("estate",)),
    Kind("pages", "页面", "portal.StandardPage"),
)


def _model(kind: Kind):
    try:
        model = apps.get_model(kind.model)
    except LookupError:
        return None
    return model if issubclass(model, ChineseSearchable) else None


def _search(kind: Kind, terms: str, limit: int) -> list:
    model = _model(kind)
    if model is None:
        return []
    queryset = model.objects.live().public()
    if kind.related:
        queryset = queryset.select_related(*kind.related)
    return list(queryset.search(terms, operator="and")[:limit])


def site_search(raw_query: str) -> dict:
    """{"query", "groups": [{"key", "label", "items"}], "total"} for a search box's text."""
    query = query_normalize(raw_query)
    terms = query_terms(query)
    groups = []
    if terms:
        for kind in KINDS:
            items = _search(kind, terms, RESULTS_PER_KIND)
            if kind.key == "estates":
                items = _estate_items(items)
            if items:
                groups.append({"key": kind.key, "label": kind.label, "items": items})
    return {"query": query, "groups": groups, "total": sum(len(g["items"]) for g in groups)}


def _estate_items(pages) -> list[dict]:
    plates = current_plates(estate_ids=[p.estate_id for p in pages])
    contracts = current_contracts_by_estate(p.estate_id for p in pages)
    return [
        {
            "page": p,
            "estate": p.estate,
            "contract": contracts.get(p.estate_id),
            "plate": plates.get(p.estate_id),
        }
        for p in pages
    ]


def suggest(raw_query: str) -> list[dict]:
    """The type-ahead (SPEC §11): at most eight estates and firms for a Chinese fragment, pinyin
    initials (flyy) or full pinyin (fenglinyayuan); each {"title", "kind", "url", "band"}."""
    query = query_normalize(raw_query)
    if not query:
        return []
    pinyin = pinyin_query(query)
    found = []
    for kind in KINDS[:2]:  # estates first, then firms
        model = _model(kind)
        if model is None:
            continue
        queryset = model.objects.live().public().select_related(*kind.related)
        if pinyin:
            results = queryset.autocomplete(pinyin)
        else:
            results = queryset.search(query_terms(query), operator="and")
        found.extend((kind, page) for page in results[: SUGGESTIONS - len(found)])
        if len(found) >= SUGGESTIONS:
            break
    plates = current_plates(estate_ids=[p.estate_id for k, p in found if k.key == "estates"])
    suggestions = []
    for kind, page in found:
        plate = plates.get(page.estate_id) if kind.key == "estates" else None
        suggestions.append(
            {
                "title": page.title,
                "kind": kind.label,
                "url": page.url,
                "band": plate["label"] if plate else None,
            }
        )
    return suggestions
