"""Sections that the domain apps add to the registry's pages and to the home page (SPEC §7: the
estate page shows the plate, the scores, disclosures, cases …; the firm page its bands and lists;
the home page the quarter at a glance), and facets they add to the estate directory (a column of
each estate's current plate and a filter by band).

The registry sits below those apps and never imports them: each app registers, when it is ready,
one function that reads what its sections need for an estate or a firm, and the templates that
show it in the page's slots. The page computes each section's context once, when a slot first
needs it, and renders every slot from it, so a section costs the same few queries wherever it
appears; a slot kept in the fragment cache (core.pagecache) costs none.
"""

from collections.abc import Callable
from dataclasses import dataclass

ESTATE, FIRM, HOME = "estate", "firm", "home"


@dataclass(frozen=True)
class Section:
    name: str
    context: Callable[[object], dict]
    templates: dict[str, str]  # slot -> template
    order: int = 100


_sections: dict[str, dict[str, Section]] = {ESTATE: {}, FIRM: {}, HOME: {}}


def section_register(
    kind: str, *, name: str, context: Callable[[object], dict], templates: dict[str, str], order: int = 100
) -> None:
    """Add (or replace, by name) a section of the estate, firm or home page.

    `context` takes the estate or firm (None for the home page) and returns the section's context."""
    _sections[kind][name] = Section(name=name, context=context, templates=dict(templates), order=order)


class SectionContext:
    """A section's context for one estate, firm or home page, read when first rendered (never, when
    every slot of the section comes from the fragment cache) and then shared by its slots."""

    def __init__(self, section: Section, obj):
        self.section, self.obj = section, obj
        self._value: dict | None = None

    @property
    def name(self) -> str:
        return self.section.name

    @property
    def value(self) -> dict:
        if self._value is None:
            self._value = self.section.context(self.obj)
        return self._value


def sections_for(kind: str, obj=None) -> dict[str, list[tuple[str, SectionContext]]]:
    """Each slot's (template, section context) pairs for one estate or firm (or the home page), in
    order. Nothing is read here: a section reads its data when a slot of it is rendered."""
    slots: dict[str, list[tuple[str, SectionContext]]] = {}
    for section in sorted(_sections[kind].values(), key=lambda s: (s.order, s.name)):
        context = SectionContext(section, obj)
        for slot, template in section.templates.items():
            slots.setdefault(slot, []).append((template, context))
    return slots


@dataclass(frozen=True)
class DirectoryFacet:
    """A column of the estate directory and, when `choices` is given, a filter over it.

    - `values(estate_ids)` → {estate id: value} for the rows of one page of the directory;
    - `template` renders one cell, with `value` in its context (None when an estate has none);
    - `choices()` → [(value, label)] of the filter, and `filter(queryset, value)` narrows the
      directory's EstatePage queryset to the estates with that value.
    Each function runs a fixed number of queries, whatever the number of estates."""

    name: str
    label: str
    values: Callable[[list[int]], dict]
    template: str
    choices: Callable[[], list[tuple[str, str]]] | None = None
    filter: Callable[[object, str], object] | None = None
    order: int = 100


_facets: dict[str, DirectoryFacet] = {}


def directory_facet_register(facet: DirectoryFacet) -> None:
    """Add (or replace, by name) a facet of the estate directory."""
    _facets[facet.name] = facet


def directory_facets() -> list[DirectoryFacet]:
    return sorted(_facets.values(), key=lambda f: (f.order, f.name))


@dataclass(frozen=True)
class FeedEntry:
    """One entry of an estate's Atom feed (/estates/<slug>/feed/): a plate, a correction, an
    approved disclosure, a case …"""

    title: str
    url: str
    published_at: object  # an aware datetime
    summary: str = ""
    guid: str = ""


_estate_feeds: dict[str, Callable[[object], list[FeedEntry]]] = {}


def estate_feed_register(name: str, entries: Callable[[object], list[FeedEntry]]) -> None:
    """Add (or replace, by name) what a domain app contributes to an estate's feed: `entries(estate)`
    returns its entries, newest first, in a fixed number of queries."""
    _estate_feeds[name] = entries


def estate_feed_entries(estate, *, limit: int = 50) -> list[FeedEntry]:
    entries = [entry for read in _estate_feeds.values() for entry in read(estate)]
    return sorted(entries, key=lambda e: e.published_at, reverse=True)[:limit]
