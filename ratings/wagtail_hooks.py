"""The rating domain in the Wagtail admin: registry viewsets grouped under 登记册."""

from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from ratings import admin_views
from ratings.models import Community, Estate, Firm, Group, ServiceContract, Street


class EstateViewSet(ModelViewSet):
    model = Estate
    icon = "home"
    menu_label = "小区"
    add_view_class = admin_views.EstateCreateView
    edit_view_class = admin_views.EstateEditView
    list_display = ["code", "name", "community", "group", "households"]
    list_filter = ["street", "group", "community"]
    search_fields = ["code", "name"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("name")]),
        FieldRowPanel([FieldPanel("street"), FieldPanel("community"), FieldPanel("group")]),
        FieldRowPanel([FieldPanel("households"), FieldPanel("floor_area"), FieldPanel("build_year")]),
    ]


class FirmViewSet(ModelViewSet):
    model = Firm
    icon = "group"
    menu_label = "物业企业"
    add_view_class = admin_views.FirmCreateView
    edit_view_class = admin_views.FirmEditView
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
    items = (
        EstateViewSet("estates"),
        FirmViewSet("firms"),
        ServiceContractViewSet("contracts"),
        CommunityViewSet("communities"),
        StreetViewSet("streets"),
        GroupViewSet("groups"),
    )


@hooks.register("register_admin_viewset")
def register_registry_viewsets():
    return RegistryViewSetGroup()


@hooks.register("register_log_actions")
def register_rating_log_actions(actions):
    actions.register_action("ratings.compute", "计算季度评级", "计算季度评级（暂定）")
