"""The registry in the admin (登记册): estates, firms, contracts, communities, streets and groups,
each a ModelViewSet under /admin/registry/. Saving an estate or a firm, or making, changing or
deleting a contract, keeps the public pages in step: made or renamed, indexed again, and the cached
pages that show them retired (registry.services.records_changed). A street, community or group
made, renamed or deleted retires the directory and home at once; its estates' pages follow in a
background job (registry.tasks)."""

import hashlib
from collections import Counter

import django_filters

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.urls import reverse

from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from core.choices import select_choices
from registry.models import Community, Estate, Firm, Group, ServiceContract, Street
from registry.services import directory_pages_sync, directory_purge, records_changed
from registry.tasks import place_estates, place_pages_start


class DirectorySyncMixin:
    """After an editor saves an estate or a firm, its public page follows (title, existence), its
    search entry is made again and the cached pages that show it are retired. An estate's page
    names its firms (today's with its code and phone, and every one before): a firm's record
    changed sends its estates' pages after it, in a background job (`EstatesFollowMixin`)."""

    sync_kind: str = "estates"

    def save_instance(self):
        changed = self.form.instance.pk is not None and self.form.has_changed()
        instance = super().save_instance()
        directory_pages_sync(**{self.sync_kind: [instance]}, user=self.request.user)
        if self.sync_kind == "estates":
            records_changed(estate_ids=[instance.pk])
        else:
            records_changed(firm_ids=[instance.pk])
            self._estates_follow = changed and bool(place_estates(instance))
        return instance


class EstatesFollowMixin:
    """When `_estates_follow` was set while saving, start the job that retires and indexes again
    the pages of the saved place's (or firm's) estates, and say so, with a link to its progress."""

    _estates_follow = False

    def save_action(self):
        if self._estates_follow:
            saved = repr(sorted((name, str(value)) for name, value in self.form.cleaned_data.items()))
            edit = hashlib.sha256(saved.encode()).hexdigest()[:12]
            job, _ = place_pages_start(place=self.object, user=self.request.user, edit=edit)
            messages.info(
                self.request,
                f"“{self.object.name}”相关小区的公开页面与搜索索引正在后台更新",
                buttons=[messages.button(reverse("background_jobs:detail", args=[job.pk]), "查看进度")],
            )
        return super().save_action()


class ContractChangedMixin:
    """A contract made, changed or deleted in the admin: its estate's and firms' pages follow (a
    handover shows on both at once, and in search)."""

    def save_instance(self):
        before = self._sides()
        _checked_under_lock(self.form.instance, estate_ids={*before[0], self.form.instance.estate_id})
        instance = super().save_instance()
        records_changed(estate_ids={*before[0], instance.estate_id}, firm_ids={*before[1], instance.firm_id})
        return instance

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:  # from _checked_under_lock: nothing was written
            form.add_error(None, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    def delete_action(self):
        estate_ids, firm_ids = self._sides()
        super().delete_action()
        records_changed(estate_ids=estate_ids, firm_ids=firm_ids)

    def _sides(self) -> tuple[set, set]:
        """The estate and firm the contract had before this request changed it."""
        if not getattr(self, "object", None) or not self.object.pk:
            return set(), set()
        stored = ServiceContract.objects.filter(pk=self.object.pk).values_list("estate_id", "firm_id").first()
        return ({stored[0]}, {stored[1]}) if stored else (set(), set())


def _checked_under_lock(contract: ServiceContract, *, estate_ids: set) -> None:
    """The form checked the contract (dates in order, no overlap with the estate's other contracts,
    a start of its own) before the transaction. Two editors saving contracts of one estate at the same
    moment would both pass that check: the estates' rows are locked (in order of key, so two saves
    never wait on each other) and the contract is checked again, seeing what the other save wrote.
    SQLite writes one transaction at a time (IMMEDIATE), which gives the same order."""
    list(Estate.objects.select_for_update().filter(pk__in=estate_ids).order_by("pk").values_list("pk"))
    contract.full_clean()


class ContractCreateView(ContractChangedMixin, generic.CreateView):
    pass


class ContractEditView(ContractChangedMixin, generic.EditView):
    pass


class ContractDeleteView(ContractChangedMixin, generic.DeleteView):
    pass


class ProtectedDeleteMixin:
    """Deleting a record others still use (a street's communities and estates, a group's estates, an
    estate's or a firm's contracts: all `on_delete=PROTECT`) is refused with a message saying what
    still uses it, and nothing is deleted. Wagtail's own usage check (its reference index) refuses
    what it knows of, but misses rows written in bulk and a reference made after the confirmation
    page was shown: the database's refusal was a server error."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError as error:
            counts = Counter(str(type(obj)._meta.verbose_name) for obj in error.protected_objects)
            users = "、".join(f"{count} 个{name}" for name, count in sorted(counts.items()))
            messages.error(
                self.request,
                f"不能删除{self.object._meta.verbose_name}“{self.object}”：仍有 {users} 在使用它。"
                "请先把这些记录改到别处（小区不再在册时，请标为“已退出”而不要删除）。",
            )
            return redirect(self.request.path)


class PlaceChangedMixin(EstatesFollowMixin):
    """A street, community or group made, changed or deleted. The directory's filters and the home
    page's groups name the places: retired at once. Each of the place's estates names it on its page
    and is found by it: a new name for a place that has estates starts a job that retires those pages
    (and their firms') and indexes them again, with a message linking to its progress."""

    def save_instance(self):
        # Estates' pages show the place by its name only (a group's description and order show in
        # the directory and on home, retired in any case).
        changed = self.form.instance.pk is not None and "name" in self.form.changed_data
        instance = super().save_instance()
        self._estates_follow = changed and bool(place_estates(instance))
        return instance

    def save_action(self):
        directory_purge()
        return super().save_action()

    def delete_action(self):
        super().delete_action()
        directory_purge()


class PlaceCreateView(PlaceChangedMixin, generic.CreateView):
    pass


class PlaceEditView(PlaceChangedMixin, generic.EditView):
    pass


class PlaceDeleteView(ProtectedDeleteMixin, PlaceChangedMixin, generic.DeleteView):
    pass


class RecordDeleteView(ProtectedDeleteMixin, generic.DeleteView):
    """An estate or a firm deleted (refused while contracts name it)."""


class EstateCreateView(DirectorySyncMixin, generic.CreateView):
    sync_kind = "estates"


class EstateEditView(DirectorySyncMixin, generic.EditView):
    sync_kind = "estates"


class FirmCreateView(DirectorySyncMixin, EstatesFollowMixin, generic.CreateView):
    sync_kind = "firms"


class FirmEditView(DirectorySyncMixin, EstatesFollowMixin, generic.EditView):
    sync_kind = "firms"


# --- listings: the records a row names read with it, and no select of a city's thousands ----------


def related_index_view(*related: str):
    """An index view whose rows come with the records their columns name (no query per row)."""

    class RelatedIndexView(generic.IndexView):
        def get_base_queryset(self):
            return super().get_base_queryset().select_related(*related)

    return RelatedIndexView


class ContractFilterSet(WagtailFilterSet):
    firm = django_filters.ModelChoiceFilter(label="物业企业", queryset=Firm.objects.order_by("name"))

    class Meta:
        model = ServiceContract
        fields = ["firm"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if select_choices(Firm.objects.all(), "pk") is None:
            del self.filters["firm"]  # a city's 2,000 firms: the search box finds one (core.choices)


class EstateViewSet(ModelViewSet):
    model = Estate
    icon = "home"
    menu_label = "小区"
    add_view_class = EstateCreateView
    edit_view_class = EstateEditView
    delete_view_class = RecordDeleteView
    index_view_class = related_index_view("street", "community", "group")
    list_display = [
        "code",
        "name",
        "community",
        "group",
        "households",
        # Wagtail would print the field's Python value, "True" / "False".
        Column(
            "active",
            label="在册",
            sort_key="active",
            accessor=lambda estate: "在册" if estate.active else "已退出",
        ),
    ]
    list_filter = ["street", "group", "community", "active"]
    search_fields = ["code", "name"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("name")]),
        FieldRowPanel([FieldPanel("street"), FieldPanel("community"), FieldPanel("group")]),
        FieldRowPanel([FieldPanel("households"), FieldPanel("floor_area"), FieldPanel("build_year")]),
        FieldPanel("active"),
    ]


class FirmViewSet(ModelViewSet):
    model = Firm
    icon = "group"
    menu_label = "物业企业"
    add_view_class = FirmCreateView
    edit_view_class = FirmEditView
    delete_view_class = RecordDeleteView
    list_display = ["name", "credit_code", "phone"]
    search_fields = ["name", "credit_code"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    panels = [
        FieldPanel("name"),
        FieldPanel("credit_code"),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("address")]),
        FieldPanel("account_group"),
    ]


class ServiceContractViewSet(ModelViewSet):
    model = ServiceContract
    add_view_class = ContractCreateView
    edit_view_class = ContractEditView
    delete_view_class = ContractDeleteView
    icon = "doc-full"
    menu_label = "服务合同"
    index_view_class = related_index_view("estate", "firm")
    list_display = ["estate", "firm", "start", "end"]
    filterset_class = ContractFilterSet
    search_fields = ["estate__name", "estate__code", "firm__name"]
    search_backend_name = None
    copy_view_enabled = False
    panels = [
        FieldPanel("estate"),
        FieldPanel("firm"),
        MultiFieldPanel([FieldRowPanel([FieldPanel("start"), FieldPanel("end")])], heading="服务期限"),
        FieldPanel("note"),
    ]


class CommunityViewSet(ModelViewSet):
    add_view_class = PlaceCreateView
    edit_view_class = PlaceEditView
    delete_view_class = PlaceDeleteView
    model = Community
    icon = "site"
    menu_label = "社区"
    index_view_class = related_index_view("street")
    list_display = ["name", "street"]
    list_filter = ["street"]
    search_fields = ["name"]
    search_backend_name = None
    form_fields = ["street", "name"]
    copy_view_enabled = False


class StreetViewSet(ModelViewSet):
    add_view_class = PlaceCreateView
    edit_view_class = PlaceEditView
    delete_view_class = PlaceDeleteView
    model = Street
    icon = "pick"
    menu_label = "街道"
    list_display = ["name"]
    form_fields = ["name"]
    copy_view_enabled = False


class GroupViewSet(ModelViewSet):
    add_view_class = PlaceCreateView
    edit_view_class = PlaceEditView
    delete_view_class = PlaceDeleteView
    model = Group
    icon = "list-ul"
    menu_label = "分组"
    list_display = ["name", "description", "sort_order"]
    form_fields = ["name", "description", "sort_order"]
    copy_view_enabled = False


class RegistryViewSetGroup(ModelViewSetGroup):
    menu_label = "登记册"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    # Under /admin/registry/: a bare /admin/groups/ would shadow Wagtail's own user groups.
    items = (
        EstateViewSet("estates", url_prefix="registry/estates"),
        FirmViewSet("firms", url_prefix="registry/firms"),
        ServiceContractViewSet("contracts", url_prefix="registry/contracts"),
        CommunityViewSet("communities", url_prefix="registry/communities"),
        StreetViewSet("streets", url_prefix="registry/streets"),
        GroupViewSet("groups", url_prefix="registry/groups"),
    )
