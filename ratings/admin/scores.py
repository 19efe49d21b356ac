"""Monthly scores and 12345 figures in the admin: read-only listings and details, narrowed per firm
by the models' permission policies (`ratings.permissions`), with each month's result per SPEC §3
read by `ratings.selectors.month_results_attach`."""

import datetime as dt

import django_filters

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.permissions import policy_registry

from core.choices import select_choices
from ratings import selectors
from ratings.models import HotlineMonth, MonthlyScore, Scheme
from registry.models import Estate

# --- monthly scores and 12345 figures (read-only) -----------------------------------------------


def _scope(user, queryset):
    """Only the rows this user may see (a firm user: their firm's estate-months)."""
    return policy_registry.get_by_type(queryset.model).scope_queryset(user, queryset)


class EstateMonthFilterSet(WagtailFilterSet):
    """Filter by month and estate; the choices offered are only those the user can see."""

    month = django_filters.ChoiceFilter(label="月份", choices=[], empty_label="全部月份")
    estate = django_filters.ModelChoiceFilter(
        label="小区", queryset=Estate.objects.none(), empty_label="全部小区"
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        visible = _scope(request.user, self._meta.model._default_manager.all())
        months = visible.order_by("-month").values_list("month", flat=True).distinct()
        self.filters["month"].extra["choices"] = [(m, m) for m in months]
        estates = Estate.objects.filter(pk__in=visible.values("estate_id")).order_by("code")
        if select_choices(estates, "pk") is None:
            # A city's 10,000 estates made a 650 KB select that took most of a second to write; the
            # search box finds an estate by its code or name instead (core.choices).
            del self.filters["estate"]
        else:
            self.filters["estate"].queryset = estates


class MonthlyScoreFilterSet(EstateMonthFilterSet):
    class Meta:
        model = MonthlyScore
        fields = ["month", "estate"]


class HotlineMonthFilterSet(EstateMonthFilterSet):
    class Meta:
        model = HotlineMonth
        fields = ["month", "estate"]


class ReadOnlyInspectView(generic.InspectView):
    """A row the user may not see is a 404, so another firm cannot even learn that it exists."""

    def get_object(self, queryset=None):
        policy = policy_registry.get_by_type(self.model)
        if not policy.user_has_permission(self.request.user, "view"):
            raise PermissionDenied
        instance = super().get_object(queryset)
        if not policy.user_has_permission_for_instance(self.request.user, "view", instance):
            raise Http404
        return instance

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, dt.datetime):
            # The stock template formats the stored (UTC) value; people read Beijing time.
            return date_format(timezone.localtime(value), "Y-m-d H:i")
        return value


class ScopedIndexView(generic.IndexView):
    """Newest month first; a firm user's list holds only their firm's rows."""

    default_ordering = "-month"

    def get_base_queryset(self):
        return _scope(self.request.user, super().get_base_queryset().select_related("estate"))

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "estate__code", "pk")  # a stable page order


def _criterion_value(score: MonthlyScore, code: str):
    result = getattr(score, "month_result", None)
    if result is not None and code in result.criteria:
        return result.criteria[code]
    return score.scores.get(code, "—")


def _total(score: MonthlyScore):
    result = getattr(score, "month_result", None)
    if result is None:
        return "—"
    if result.total is None:
        return "未参评（缺少 12345 数据）" if result.hotline is None else "未参评（得分不全）"
    return result.total


def _current_criteria() -> list[tuple[str, str]]:
    scheme = Scheme.objects.prefetch_related("criteria").order_by("-effective_from", "-version").first()
    return [(c.code, c.name) for c in scheme.criteria.all()] if scheme else []


class MonthlyScoreIndexView(ScopedIndexView):
    @cached_property
    def columns(self):
        columns = super().columns  # title column (the estate) first, as the viewset lists it
        title, rest = columns[0], columns[1:]
        criteria = [
            Column(f"criterion_{code}", label=name, accessor=lambda s, code=code: _criterion_value(s, code))
            for code, name in _current_criteria()
        ]
        return [
            title,
            *rest,
            *criteria,
            Column("total", label="当月合计", accessor=_total),
            Column("veto", label="一票否决", accessor=lambda s: "是" if s.veto else ""),
        ]

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(
            queryset.select_related("estate", "firm"), page_size
        )
        object_list = list(object_list)
        selectors.month_results_attach(object_list)
        page.object_list = object_list
        return paginator, page, object_list, is_paginated


class MonthlyScoreInspectView(ReadOnlyInspectView):
    def get_fields_context(self):
        selectors.month_results_attach([self.object])
        fields = super().get_fields_context()
        criteria = [{"label": name, "value": _criterion_value(self.object, code), "component": None}
                    for code, name in _current_criteria()]  # fmt: skip
        total = [{"label": "当月合计", "value": _total(self.object), "component": None}]
        return fields[:3] + criteria + total + fields[3:]


# --- imports ------------------------------------------------------------------------------------
