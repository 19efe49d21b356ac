"""Reads of the registry for its public pages: the directory of estates and firms, one estate's or
one firm's record. Every function runs a fixed number of queries, whatever the data size."""

from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

import django_filters

from django.apps import apps
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from registry.models.records import Community, Estate, Firm, Group, ServiceContract, Street
from registry.sections import ESTATE, FIRM, directory_facets, sections_for

SEARCH_MAX_CHARS = 100


def _page_model(name: str):
    """A page model of this app, looked up when a read runs: the pages call these reads."""
    return apps.get_model("registry", name)


def today() -> date:
    return timezone.localdate()


def current_contract_filter(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start__lte": day}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": day})
    )


def directory_stats() -> dict:
    return {
        "estates": Estate.objects.count(),
        "firms": Firm.objects.count(),
        "communities": Community.objects.count(),
    }


def group_list():
    return list(Group.objects.annotate(estate_count=Count("estates")))


class EstateDirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="小区名称", method="filter_name")
    street = django_filters.ModelChoiceFilter(
        label="街道", field_name="estate__street", queryset=Street.objects.all(), empty_label="全部街道"
    )
    community = django_filters.ModelChoiceFilter(
        label="社区",
        field_name="estate__community",
        queryset=Community.objects.all(),
        empty_label="全部社区",
    )
    group = django_filters.ModelChoiceFilter(
        label="分组", field_name="estate__group", queryset=Group.objects.all(), empty_label="全部分组"
    )

    def filter_name(self, queryset, name, value):
        value = value.strip()[:SEARCH_MAX_CHARS]
        return (
            queryset.filter(Q(estate__name__contains=value) | Q(estate__code__iexact=value))
            if value
            else queryset
        )


def estate_directory_filter(*, data, index_page) -> EstateDirectoryFilter:
    """The directory's filters: street, community, group, name, and one per facet that the domain
    apps add (registry.sections: a filter by band, from ratings)."""
    queryset = (
        _page_model("EstatePage")
        .objects.live()
        .child_of(index_page)
        .select_related("estate__street", "estate__community", "estate__group")
        .order_by("estate__code")
    )
    filterset = EstateDirectoryFilter(data=data or None, queryset=queryset)
    for facet in directory_facets():
        if facet.choices is not None:
            filterset.filters[facet.name] = django_filters.ChoiceFilter(
                label=facet.label,
                choices=facet.choices(),
                empty_label=f"全部{facet.label}",
                method=lambda queryset, name, value, facet=facet: facet.filter(queryset, value),
            )
    return filterset


@dataclass(frozen=True)
class EstateRow:
    page: object
    estate: Estate
    contract: ServiceContract | None
    facets: list = field(default_factory=list)  # (label, template, value) per directory facet


def current_contracts_by_estate(estate_ids, *, day: date | None = None) -> dict[int, ServiceContract]:
    day = day or today()
    contracts = (
        ServiceContract.objects.filter(current_contract_filter(day), estate_id__in=list(estate_ids))
        .select_related("firm")
        .prefetch_related("firm__page")
    )
    return {c.estate_id: c for c in contracts}


def estate_rows(pages) -> list[EstateRow]:
    pages = list(pages)
    ids = [p.estate_id for p in pages]
    contracts = current_contracts_by_estate(ids)
    facets = [(facet, facet.values(ids)) for facet in directory_facets()]
    return [
        EstateRow(
            page=p,
            estate=p.estate,
            contract=contracts.get(p.estate_id),
            facets=[(facet.label, facet.template, values.get(p.estate_id)) for facet, values in facets],
        )
        for p in pages
    ]


def estate_detail(*, estate_id: int) -> dict:
    estate = Estate.objects.select_related("street", "community", "group").get(pk=estate_id)
    contracts = list(
        ServiceContract.objects.filter(estate_id=estate_id)
        .select_related("firm")
        .prefetch_related("firm__page")
        .order_by("-start")
    )
    day = today()
    current = next((c for c in contracts if c.covers(day)), None)
    # The sections read today's contract from here rather than asking the database again.
    estate.current_contract = current
    return {
        "estate": estate,
        "contracts": contracts,
        "current_contract": current,
        "sections": sections_for(ESTATE, estate),
    }


def estate_head(detail: dict) -> dict:
    """What the estate page's head (title, description, share card, feed link) reads of its
    `estate_detail`, as plain values: kept with the page's fragment, for when the record comes from
    the fragment cache and the detail is not read at all."""
    estate = detail["estate"]
    return {
        "estate": SimpleNamespace(
            name=estate.name,
            households=estate.households,
            street=SimpleNamespace(name=estate.street.name),
            community=SimpleNamespace(name=estate.community.name),
            group=SimpleNamespace(name=estate.group.name),
        )
    }


def firm_head(detail: dict) -> dict:
    """As `estate_head`, of `firm_detail` for the firm page."""
    firm = detail["firm"]
    return {
        "firm": SimpleNamespace(name=firm.name, credit_code=firm.credit_code),
        "current_count": detail["current_count"],
    }


def firm_directory(*, index_page, query: str = ""):
    pages = _page_model("FirmPage").objects.live().child_of(index_page).select_related("firm")
    if query:
        pages = pages.filter(Q(firm__name__contains=query) | Q(firm__credit_code__iexact=query))
    day = today()
    return pages.annotate(
        estate_count=Count("firm__contracts", filter=current_contract_filter(day, "firm__contracts__"))
    ).order_by("firm__credit_code")


def firm_rows(pages) -> list:
    return list(pages)


def firm_detail(*, firm_id: int) -> dict:
    firm = Firm.objects.get(pk=firm_id)
    contracts = list(
        ServiceContract.objects.filter(firm_id=firm_id)
        .select_related("estate__group", "estate__community")
        .prefetch_related("estate__page")
        .order_by("estate__code", "-start")
    )
    day = today()
    current = [c for c in contracts if c.covers(day)]
    # Past means ended; a contract signed to start later is neither current nor past yet.
    past = sorted(
        (c for c in contracts if c.end is not None and c.end < day), key=lambda c: c.end, reverse=True
    )
    return {
        "firm": firm,
        "current_count": len(current),
        "current_contracts": current,
        "past_contracts": past,
        "sections": sections_for(FIRM, firm),
    }


def estates_managed(firm_ids, *, day: date | None = None):
    """The estates that these firms manage on that day (today by default), by code."""
    day = day or today()
    contracts = ServiceContract.objects.filter(current_contract_filter(day), firm_id__in=list(firm_ids))
    return Estate.objects.filter(pk__in=contracts.values("estate_id")).order_by("code")


# A rebuild of the search index reads thousands of pages a chunk: what their search texts need comes
# with them (`estate_pages_for_index`, `firm_pages_for_index`), a few queries a chunk instead of a
# few a page. Indexing one page (on publication) reads it page by page, as before.
_CURRENT_CONTRACTS = "current_contracts_for_search"


def _current_contracts(through: str, related: str) -> Prefetch:
    return Prefetch(
        f"{through}__contracts",
        queryset=ServiceContract.objects.filter(current_contract_filter(today())).select_related(related),
        to_attr=_CURRENT_CONTRACTS,
    )


def estate_pages_for_index(pages):
    """Estate pages with their estate, its place and the contracts in force today loaded."""
    return pages.select_related("estate__community", "estate__street", "estate__group").prefetch_related(
        _current_contracts("estate", "firm")
    )


def firm_pages_for_index(pages):
    """Firm pages with their firm and the contracts in force today (with their estates) loaded."""
    return pages.select_related("firm").prefetch_related(_current_contracts("firm", "estate"))


def estate_search_texts(estate: Estate) -> list[str]:
    """What an estate is found by (SPEC §11): its name, code, community, street, group and the firm
    that manages it today."""
    contracts = getattr(estate, _CURRENT_CONTRACTS, None)
    if contracts is None:
        contracts = ServiceContract.objects.filter(
            current_contract_filter(today()), estate=estate
        ).select_related("firm")
    firms = [contract.firm.name for contract in contracts]
    return [estate.name, estate.code, estate.community.name, estate.street.name, estate.group.name, *firms]


def firm_search_texts(firm: Firm) -> list[str]:
    """What a firm is found by: its name and credit code, and the estates its page lists as managed
    today (a firm's page mentions them), by code."""
    contracts = getattr(firm, _CURRENT_CONTRACTS, None)
    if contracts is None:
        return [firm.name, firm.credit_code, *estates_managed([firm.pk]).values_list("name", flat=True)]
    estates = {contract.estate.code: contract.estate.name for contract in contracts}
    return [firm.name, firm.credit_code, *(estates[code] for code in sorted(estates))]


def place_estate_ids(*, streets=(), communities=(), groups=(), firms=()) -> list[int]:
    """The estates whose pages name one of these places (street, community, group) or firms (the
    one managing it today, and every one before in its record of changes)."""
    place = Q(street__in=streets) | Q(community__in=communities) | Q(group__in=groups)
    managed = ServiceContract.objects.filter(firm__in=firms).values("estate_id")
    estates = Estate.objects.filter(place | Q(pk__in=managed))
    return list(estates.order_by("pk").values_list("pk", flat=True))
