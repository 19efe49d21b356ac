"""Reads of the cases column (SPEC §6, §7): the filtered list, a case with its evidence, issues, the
sections of the estate, firm and home pages, the feed and the open calls.

Every public read runs a fixed number of queries, whatever the number of cases. The pages call
these reads, so the page models are looked up when a read runs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import django_filters

from django import forms
from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Value, prefetch_related_objects
from django.utils import timezone

from taggit.models import Tag

from core.choices import select_choices
from ratings import engine
from ratings.models import SchemeCriterion
from ratings.selectors import page_path
from ratings.selectors.criteria import estate_criterion_quarters
from registry.models import Estate, Firm

PAGE_SIZE = 12
SECTION_SIZE = 5
HOME_SIZE = 6
FEED_SIZE = 30
RELATED_SIZE = 3
EVIDENCE_QUARTERS_EACH_SIDE = 4
LIST_FIELDS = ("firm", "estate")


def _model(name: str):
    return apps.get_model("cases", name)


def category_labels() -> dict[str, str]:
    return dict(_model("CasePage")._meta.get_field("category").choices)


def criterion_choices() -> list[tuple[str, str]]:
    """The criteria of the schemes, newest scheme first, each code once: one query."""
    seen: dict[str, str] = {}
    rows = SchemeCriterion.objects.order_by(
        "-scheme__effective_from", "-scheme__version", "sort_order"
    ).values_list("code", "name")
    for code, name in rows:
        seen.setdefault(code, name)
    return list(seen.items())


def live_cases():
    return _model("CasePage").objects.live()


# --------------------------------------------------------------------------- the list


# The case list's firm and estate filters: selects up to core.choices.SELECT_MAX choices, above it
# kept in the address only (CaseFilter.form).
RECORD_FILTERS = ("firm", "estate")


class CaseFilter(django_filters.FilterSet):
    """Category, tag, firm, estate and issue; any of them together."""

    category = django_filters.ChoiceFilter(label="类别", empty_label="全部类别")
    tag = django_filters.ChoiceFilter(label="标签", field_name="tags__slug", empty_label="全部标签")
    firm = django_filters.ModelChoiceFilter(
        label="物业企业", queryset=Firm.objects.none(), empty_label="全部企业"
    )
    estate = django_filters.ModelChoiceFilter(
        label="小区", queryset=Estate.objects.none(), empty_label="全部小区"
    )
    issue = django_filters.ModelChoiceFilter(
        label="期刊",
        field_name="issue_entries__issue",
        to_field_name="number",
        queryset=Firm.objects.none(),  # replaced in __init__: the live issues
        empty_label="全部期刊",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        with_cases = Q(cases__live=True)
        self.filters["category"].extra["choices"] = list(category_labels().items())
        self.filters["tag"].extra["choices"] = list(
            Tag.objects.filter(cases_casetag_items__content_object__live=True)
            .distinct()
            .order_by("name")
            .values_list("slug", "name")
        )
        self.filters["firm"].queryset = Firm.objects.filter(with_cases).distinct().order_by("credit_code")
        self.filters["estate"].queryset = Estate.objects.filter(with_cases).distinct().order_by("code")
        self.filters["issue"].queryset = _model("CaseIssuePage").objects.live().order_by("-number")

    @property
    def form(self):
        """The form, with the firm and estate choices read once and bounded (core.choices)."""
        if not hasattr(self, "_form"):
            form = super().form
            for name in RECORD_FILTERS:
                field = form.fields[name]
                rows = select_choices(field.queryset, "pk", "name")
                if rows is None:
                    # A city's thousands of estates: no select to scroll through on a phone, and no
                    # half-megabyte page. The filter still works from the address (the estate and firm
                    # pages link to their cases) and shows as a choice the reader can remove.
                    field.widget = forms.HiddenInput()
                else:
                    field.widget.choices = [("", field.empty_label), *rows]
        return self._form


def _chosen_records(filterset, params) -> list[dict]:
    """The firm and estate the list is filtered by where the form has no select for them: label,
    name and the address of the list without that filter."""
    form = filterset.form
    chosen = []
    for name in RECORD_FILTERS:
        field = form.fields[name]
        record = form.cleaned_data.get(name) if form.is_valid() else None
        if record is None or not field.widget.is_hidden:
            continue
        rest = params.copy()
        rest.pop(name, None)
        rest.pop("page", None)
        chosen.append({"label": field.label, "name": record.name, "query": rest.urlencode()})
    return chosen


def case_list_context(*, index_page, params) -> dict:
    """The filtered, paginated list of /cases/: a fixed number of queries (the form's choices,
    the count, the page of cases and their tags)."""
    queryset = (
        live_cases()
        .child_of(index_page)
        .select_related(*LIST_FIELDS)
        .prefetch_related("tags")
        .order_by("-case_date", "-pk")
    )
    filterset = CaseFilter(data=params or None, queryset=queryset)
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    page_obj = paginator.get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return {
        "filterset": filterset,
        "chosen_records": _chosen_records(filterset, params),
        "page_obj": page_obj,
        "cases": list(page_obj.object_list),
        "query_string": query.urlencode(),
        "category_labels": category_labels(),
        "issues_index": _model("CaseIssueIndexPage").objects.live().child_of(index_page).first(),
    }


# --------------------------------------------------------------------------- one case


def _record_links(*, firm_id, estate_id) -> dict[str, dict]:
    """The names and public paths of a case's firm and estate: one query (read by id, so that a
    preview shows the firm and estate being chosen)."""
    columns = {"url_path": F("page__url_path"), "live": F("page__live")}
    rows = Firm.objects.filter(pk=firm_id).order_by().values("name", kind=Value("firm"), **columns)
    if estate_id is not None:
        estate = Estate.objects.filter(pk=estate_id).order_by()
        rows = rows.union(estate.values("name", kind=Value("estate"), **columns))
    return {r["kind"]: {"name": r["name"], "url": page_path(r["url_path"], bool(r["live"]))} for r in rows}


def case_detail(*, page) -> dict:
    """A case page's links, tags, issues, more cases of the firm and the evidence: six queries
    at most (two of them the evidence's), and two for the body's images and all their renditions."""
    _body_images_prefetch(page)
    issues = [
        {"number": r["issue__number"], "title": r["issue__title"], "url": page_path(r["issue__url_path"])}
        for r in _model("CaseIssueEntry")
        .objects.filter(case_id=page.pk, issue__live=True)
        .order_by("-issue__number")
        .values("issue__number", "issue__title", "issue__url_path")
    ]
    related = [
        {"title": r["title"], "url": page_path(r["url_path"]), "case_date": r["case_date"]}
        for r in live_cases()
        .filter(firm_id=page.firm_id)
        .exclude(pk=page.pk)
        .order_by("-case_date", "-pk")
        .values("title", "url_path", "case_date")[:RELATED_SIZE]
    ]
    links = _record_links(firm_id=page.firm_id, estate_id=page.estate_id)
    return {
        "category_label": category_labels().get(page.category, ""),
        "firm_link": links.get("firm"),
        "estate_link": links.get("estate"),
        "case_tags": list(page.tags.all()),
        "case_issues": issues,
        "related_cases": related,
        "evidence": case_evidence(page=page),
    }


def _body_images_prefetch(page) -> None:
    """Load the body's images and their renditions at once, so a story with many pictures costs
    two queries, not one per picture."""
    images = []
    for block in page.body:
        value = block.value
        if block.block_type == "image":
            images.append(value["image"])
        elif block.block_type == "before_after":
            images.extend([value["before"], value["after"]])
    prefetch_related_objects([image for image in images if image is not None], "renditions")


def quarter_of(day: dt.date) -> str:
    return engine.quarter_of_month(f"{day.year:04d}-{day.month:02d}")


def case_evidence(*, page) -> dict | None:
    """The estate's score on the case's criterion in the released quarters around the case date
    (up to four before, the case's own quarter, up to four after), or None when the case names no
    criterion and estate. Two queries; the figures are the releases' own (SPEC §6)."""
    if not (page.evidence_criterion and page.estate_id and page.case_date):
        return None
    case_quarter = quarter_of(page.case_date)
    released = estate_criterion_quarters(estate_id=page.estate_id, criterion=page.evidence_criterion)
    before = [q for q in released if q["quarter"] < case_quarter][-EVIDENCE_QUARTERS_EACH_SIDE:]
    during = [q for q in released if q["quarter"] == case_quarter]
    after = [q for q in released if q["quarter"] > case_quarter][:EVIDENCE_QUARTERS_EACH_SIDE]
    quarters = (
        [dict(q, when="before") for q in before]
        + [dict(q, when="during") for q in during]
        + [dict(q, when="after") for q in after]
    )
    named = next((q for q in reversed(quarters) if q["criterion_name"]), None)
    return {
        "criterion": page.evidence_criterion,
        "criterion_name": named["criterion_name"] if named else page.evidence_criterion,
        "max": named["max"] if named else None,
        "case_quarter": case_quarter,
        "case_quarter_label": engine.quarter_label(case_quarter),
        "quarters": quarters,
        "mean_before": _mean(before),
        "mean_after": _mean(after),
        "count_before": sum(1 for q in before if q["score"] is not None),
        "count_after": sum(1 for q in after if q["score"] is not None),
    }


def _mean(quarters: list[dict]) -> str | None:
    scores = [Decimal(q["score"]) for q in quarters if q["score"] is not None]
    if not scores:
        return None
    return str((sum(scores) / len(scores)).quantize(Decimal("0.01")))


# --------------------------------------------------------------------------- issues


def issue_list(*, index_page) -> list[dict]:
    """Live issues, newest first, with the number of live cases in each: one query."""
    issues = (
        _model("CaseIssuePage")
        .objects.live()
        .child_of(index_page)
        .annotate(case_count=Count("entries", filter=Q(entries__case__live=True)))
        .order_by("-number")
        .values("number", "title", "url_path", "intro", "case_count", "first_published_at")
    )
    return [dict(i, url=page_path(i["url_path"])) for i in issues]


def issue_detail(*, issue) -> dict:
    """An issue's live cases in the editor's order: one query (two with the previous and next)."""
    entries = (
        _model("CaseIssueEntry")
        .objects.filter(issue_id=issue.pk, case__live=True)
        .select_related("case__firm", "case__estate")
        .prefetch_related("case__tags")
        .order_by("sort_order")
    )
    neighbours = (
        _model("CaseIssuePage")
        .objects.live()
        .filter(number__in=[issue.number - 1, issue.number + 1])
        .values("number", "title", "url_path")
    )
    by_number = {n["number"]: dict(n, url=page_path(n["url_path"])) for n in neighbours}
    return {
        "issue_cases": [e.case for e in entries],
        "category_labels": category_labels(),
        "previous_issue": by_number.get(issue.number - 1),
        "next_issue": by_number.get(issue.number + 1),
    }


# --------------------------------------------------------------------------- sections and feed

CASE_ROW = ("title", "url_path", "case_date", "category", "summary", "firm__name", "estate__name")


def _rows(queryset, limit: int) -> list[dict]:
    labels = category_labels()
    return [
        dict(r, url=page_path(r["url_path"]), category_label=labels.get(r["category"], ""))
        for r in queryset.order_by("-case_date", "-pk").values(*CASE_ROW)[:limit]
    ]


def _section(queryset, link: str) -> dict:
    return {"cases": _rows(queryset, SECTION_SIZE), "total": queryset.count(), "more_url": link}


def estate_cases(*, estate_id: int) -> dict:
    """The estate page's cases: the latest five and how many in all, two queries."""
    return _section(live_cases().filter(estate_id=estate_id), f"/cases/?estate={estate_id}")


def firm_cases(*, firm_id: int) -> dict:
    """The firm page's cases: the latest five and how many in all, two queries."""
    return _section(live_cases().filter(firm_id=firm_id), f"/cases/?firm={firm_id}")


def home_cases() -> list[dict]:
    """The newest cases on the home page: one query."""
    return _rows(live_cases(), HOME_SIZE)


def feed_cases() -> list[dict]:
    """The Atom feed's entries, newest first: one query."""
    labels = category_labels()
    rows = (
        live_cases()
        .order_by("-first_published_at", "-pk")
        .values(
            "pk",
            "title",
            "url_path",
            "case_date",
            "category",
            "summary",
            "problem",
            "first_published_at",
            "last_published_at",
            "firm__name",
            "estate__name",
        )[:FEED_SIZE]
    )
    return [dict(r, url=page_path(r["url_path"]), category_label=labels.get(r["category"], "")) for r in rows]


def estate_feed_cases(*, estate_id: int) -> list[dict]:
    """An estate's cases for its Atom feed, newest first: one query."""
    rows = (
        live_cases()
        .filter(estate_id=estate_id)
        .order_by("-first_published_at", "-pk")
        .values("pk", "title", "url_path", "summary", "first_published_at")[:FEED_SIZE]
    )
    return [dict(r, url=page_path(r["url_path"])) for r in rows]


# --------------------------------------------------------------------------- calls


def open_calls(*, on: dt.date | None = None) -> list:
    """Calls for cases still open on the day (today by default), the nearest deadline first."""
    day = on or timezone.localdate()
    return list(_model("CaseCall").objects.filter(deadline__gte=day).order_by("deadline", "pk"))
