"""The people who use the admin (SPEC §1) as Django groups with the permissions they need.

Every database gets these from the data migration portal/migrations/0004_roles.py; roles_ensure()
grants the same rights again (the demo loader and tests call it; it is safe to run any time)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from cases.models import CaseIndexPage
from ratings.models import RatingIndexPage
from ratings.services.publication import COMMITTEE_NAME
from registry.permissions import EDITORS_GROUP

EDITORS = EDITORS_GROUP
COMMITTEE = COMMITTEE_NAME  # one name, kept by the publication rules that credit the committee
FIRMS = "物业企业"
FIRM_GROUP_PREFIX = "物业企业·"

REGISTRY_MODELS = ["street", "community", "group", "firm", "estate", "servicecontract"]
# Imported estate-month data is read-only in the admin for everyone. Editors and the committee
# see every row. Firm users see their own firm's rows through ratings.permissions, by being a
# firm's user: a model permission here would let Wagtail show them every firm's audit entries.
SCORE_VIEW = ["view_monthlyscore", "view_hotlinemonth", "view_scheme"]
# Publication (SPEC §4): editors decide appeals, compute, submit to the committee and open
# corrections; the committee sees every appeal and the quarters' state before it approves. Firm
# users reach their own appeals through ratings.permissions, never through these permissions.
PUBLICATION_EDIT = ["view_appeal", "decide_appeal", "view_release", "submit_quarter", "open_correction"]
PUBLICATION_VIEW = ["view_appeal", "view_release"]
# Cases (SPEC §6): editors open calls for cases; firms add case pages under /cases/ (cases 0002).
CASE_CALLS = ["add_casecall", "change_casecall", "delete_casecall", "view_casecall"]
# Background jobs (core.BackgroundJob): editors see everyone's, and rebuild the search index.
JOBS = ["view_backgroundjob", "run_maintenance"]


def _perms(app_label: str, codenames: list[str]) -> list[Permission]:
    found = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    missing = set(codenames) - {p.codename for p in found}
    if missing:
        raise RuntimeError(f"missing permissions: {sorted(missing)} (run migrate first)")
    return found


@transaction.atomic
def roles_ensure() -> dict[str, Group]:
    """Create or refresh the three role groups; safe to run again."""
    admin_access = _perms("wagtailadmin", ["access_admin"])
    registry_edit = _perms(
        "registry", [f"{action}_{model}" for model in REGISTRY_MODELS for action in ("add", "change", "view")]
    )
    registry_view = _perms("registry", [f"view_{model}" for model in REGISTRY_MODELS])
    settings_edit = _perms("portal", ["change_portalsettings"])
    score_view = _perms("ratings", SCORE_VIEW)
    score_import = _perms("ratings", ["import_scores"])
    publication_edit = _perms("ratings", PUBLICATION_EDIT)
    publication_view = _perms("ratings", PUBLICATION_VIEW)

    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(
        *admin_access, *registry_edit, *settings_edit, *score_view, *score_import, *publication_edit
    )
    editors.permissions.add(*_perms("cases", CASE_CALLS))
    editors.permissions.add(*_perms("core", JOBS))
    committee, _ = Group.objects.get_or_create(name=COMMITTEE)
    committee.permissions.add(*admin_access, *registry_view, *score_view, *publication_view)
    firms, _ = Group.objects.get_or_create(name=FIRMS)
    # No model, import or page permission at all: a firm reaches only its own records (SPEC §1, §12).
    firms.permissions.add(*admin_access)
    firms.permissions.remove(*score_view, *publication_edit)

    _editor_page_permissions(editors)
    _committee_page_permissions(committee)
    _firm_case_permissions(firms)
    root_collection = Collection.get_first_root_node()
    for permission in Permission.objects.filter(
        content_type__app_label__in=["wagtaildocs", "wagtailimages"],
        codename__in=[
            "add_document",
            "change_document",
            "choose_document",
            "add_image",
            "change_image",
            "choose_image",
        ],
    ):
        GroupCollectionPermission.objects.get_or_create(
            group=editors, collection=root_collection, permission=permission
        )
    return {"editors": editors, "committee": committee, "firms": firms}


def _editor_page_permissions(editors: Group) -> None:
    """Editors add and edit pages anywhere, but publish only outside /ratings/.

    Page permissions are inherited down the tree, so publishing is granted per top-level section
    rather than on the root: a quarter page reaches the public only through the committee's
    approval (SPEC §4). A publish permission left on the root by an older setup is removed.
    """
    page_perms = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=["add_page", "change_page", "publish_page"]
        )
    }
    root = Page.get_first_root_node()
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.get_or_create(group=editors, page=root, permission=page_perms[codename])
    GroupPagePermission.objects.filter(
        group=editors, permission=page_perms["publish_page"], page=root
    ).delete()
    home = Page.objects.filter(depth=2).first()
    if home is None:
        return
    for section in home.get_children().not_type(RatingIndexPage):
        GroupPagePermission.objects.get_or_create(
            group=editors, page=section, permission=page_perms["publish_page"]
        )


def _committee_page_permissions(committee: Group) -> None:
    """The committee publishes quarter pages by approving them (SPEC §4): Wagtail publishes an
    approved page as the approving user, so the committee holds publish on the /ratings/ section."""
    index = RatingIndexPage.objects.first()
    if index is None:
        return
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=["change_page", "publish_page"]
    ):
        GroupPagePermission.objects.get_or_create(group=committee, page=index, permission=permission)


def _firm_case_permissions(firms: Group) -> None:
    """Firms write case stories (SPEC §6): add_page on /cases/ and no other page right; which
    cases a firm's user may then edit is decided per firm by the case page itself."""
    index = CaseIndexPage.objects.first()
    if index is None:
        return
    add_page = Permission.objects.get(content_type__app_label="wagtailcore", codename="add_page")
    GroupPagePermission.objects.get_or_create(group=firms, page=index, permission=add_page)


@transaction.atomic
def firm_account_group_ensure(*, firm) -> Group:
    """The group whose members are this firm's users (one group per firm)."""
    if firm.account_group_id:
        return firm.account_group
    group, _ = Group.objects.get_or_create(name=f"{FIRM_GROUP_PREFIX}{firm.credit_code}")
    group.permissions.add(*_perms("wagtailadmin", ["access_admin"]))
    firm.account_group = group
    firm.save(update_fields=["account_group"])
    return group
