"""The registry in the admin (登记册): estates, firms, contracts, communities, streets and groups,
each a ModelViewSet under /admin/registry/. Saving an estate or a firm, or making, changing or
deleting a contract, keeps the public pages in step: made or renamed, indexed again, and the cached
pages that show them retired (registry.services.records_changed)."""

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from registry.models import Community, Estate, Firm, Group, ServiceContract, Street
from registry.services import directory_pages_sync, records_changed


class DirectorySyncMixin:
    """After an editor saves an estate or a firm, its public page follows (title, existence), its
    search entry is made again and the cached pages that show it are retired."""

    sync_kind: str = "estates"

    def save_instance(self):
        instance = super().save_instance()
        directory_pages_sync(**{self.sync_kind: [instance]}, user=self.request.user)
        if self.sync_kind == "estates":
            records_changed(estate_ids=[instance.pk])
        else:
            records_changed(firm_ids=[instance.pk])
        return instance


class ContractChangedMixin:
    """A contract made, changed or deleted in the admin: its estate's and firms' pages follow (a
    handover shows on both at once, and in search)."""

    def save_instance(self):
        before = self._sides()
        instance = super().save_instance()
        records_changed(estate_ids={*before[0], instance.estate_id}, firm_ids={*before[1], instance.firm_id})
        return instance

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


class ContractCreateView(ContractChangedMixin, generic.CreateView):
    pass


class ContractEditView(ContractChangedMixin, generic.EditView):
    pass


class ContractDeleteView(ContractChangedMixin, generic.DeleteView):
    pass


class EstateCreateView(DirectorySyncMixin, generic.CreateView):
    sync_kind = "estates"


class EstateEditView(DirectorySyncMixin, generic.EditView):
    sync_kind = "estates"


class FirmCreateView(DirectorySyncMixin, generic.CreateView):
    sync_kind = "firms"


class FirmEditView(DirectorySyncMixin, generic.EditView):
    sync_kind = "firms"


class EstateViewSet(ModelViewSet):
    model = Estate
    icon = "home"
    menu_label = "小区"
    add_view_class = EstateCreateView
    edit_view_class = EstateEditView
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
    list_display = ["estate", "firm", "start", "end"]
    list_filter = ["firm"]
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
    model = Community
    icon = "site"
    menu_label = "社区"
    list_display = ["name", "street"]
    list_filter = ["street"]
    search_fields = ["name"]
    search_backend_name = None
    form_fields = ["street", "name"]
    copy_view_enabled = False


class StreetViewSet(ModelViewSet):
    model = Street
    icon = "pick"
    menu_label = "街道"
    list_display = ["name"]
    form_fields = ["name"]
    copy_view_enabled = False


class GroupViewSet(ModelViewSet):
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
