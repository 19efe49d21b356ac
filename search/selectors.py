"""One search over the site in Chinese (SPEC §11): estates, firms, cases, disclosures and pages,
through Wagtail's search index, grouped by kind, each estate with its current plate.

Every searchable page type mixes in core.search.ChineseSearchable, so the index holds characters
and bigrams of its text and the pinyin of its names; core.chinese explains the matching. A page
type that is not (yet) searchable that way is left out rather than searched badly.

On SQLite the best pages of every kind are ranked in one query over the index (search.ranking:
Wagtail's own scores, a few milliseconds at city scale), then each kind's pages are read by id;
elsewhere each kind is searched through `.search()`. A fixed number of queries either way,
whatever the number of pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from modelsearch.utils import get_descendants_content_types_pks

from django.apps import apps

from core.chinese import pinyin_query, query_normalize, query_terms
from core.search import ChineseSearchable
from ratings.selectors import current_plates
from registry.selectors import current_contracts_by_estate
from search.ranking import ranked_pages

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


def _search(kind: Kind, terms: str, limit: int, *, autocomplete: bool = False) -> list:
    """Through Wagtail's `.search()` (a search backend `ranked_pages` does not read)."""
    model = _model(kind)
    if model is None:
        return []
    queryset = model.objects.live().public()
    if kind.related:
        queryset = queryset.select_related(*kind.related)
    if autocomplete:
        return list(queryset.autocomplete(terms)[:limit])
    return list(queryset.search(terms, operator="and")[:limit])


def _found(kinds, terms: str, limit: int, *, autocomplete: bool = False, enough: int | None = None) -> dict:
    """{kind key: [page, best first]}, at most `limit` of each kind: one query for the ranking
    over all kinds and one per kind with hits (search.ranking), else one search per kind (and
    none after the kinds searched have found `enough` pages)."""
    searchable = {kind.key: (kind, _model(kind)) for kind in kinds}
    searchable = {key: pair for key, pair in searchable.items() if pair[1] is not None}
    ranked = ranked_pages(
        {key: get_descendants_content_types_pks(model) for key, (kind, model) in searchable.items()},
        terms.split(),
        autocomplete=autocomplete,
        limit=limit,
    )
    if ranked is None:
        found = {}
        for key, (kind, _) in searchable.items():
            if enough is not None and sum(map(len, found.values())) >= enough:
                break
            found[key] = _search(kind, terms, limit, autocomplete=autocomplete)
        return found
    found = {}
    for key, ids in ranked.items():
        kind, model = searchable[key]
        if not ids or (enough is not None and sum(map(len, found.values())) >= enough):
            found[key] = []
            continue
        pages = model.objects.filter(pk__in=ids)
        if kind.related:
            pages = pages.select_related(*kind.related)
        by_id = {page.pk: page for page in pages}
        found[key] = [by_id[i] for i in ids if i in by_id]
    return found


def site_search(raw_query: str) -> dict:
    """{"query", "groups": [{"key", "label", "items"}], "total"} for a search box's text."""
    query = query_normalize(raw_query)
    terms = query_terms(query)
    groups = []
    if terms:
        found = _found(KINDS, terms, RESULTS_PER_KIND)
        for kind in KINDS:
            items = found.get(kind.key, [])
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
    kinds = KINDS[:2]  # estates first, then firms
    if pinyin:
        pages = _found(kinds, pinyin, SUGGESTIONS, autocomplete=True, enough=SUGGESTIONS)
    else:
        pages = _found(kinds, query_terms(query), SUGGESTIONS, enough=SUGGESTIONS)
    found = [(kind, page) for kind in kinds for page in pages.get(kind.key, [])][:SUGGESTIONS]
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
