"""What the cases column needs in every database (SPEC §6, STYLE convention 5):

- the /cases/ section page and, under it, /cases/issues/;
- the review workflow 三微案例审核 on /cases/: one task, approval by the 编辑 group (the issue
  pages opt out: they are the editors' own);
- the rights: editors publish in /cases/ (as in every section but /ratings/) and manage calls for
  cases; the 物业企业 group may add pages under /cases/ — which cases a firm's user may then edit
  is decided per firm by the case page's permission tester, never by a grant.

portal.roles.roles_ensure() grants the same rights again; tests/portal/test_roles.py compares them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "编辑"
FIRMS = "物业企业"
CASE_CALLS = ["add_casecall", "change_casecall", "delete_casecall", "view_casecall"]
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _next_child_path(parent_path, children_paths):
    if not children_paths:
        return parent_path + "0001"
    value = 0
    for ch in max(children_paths)[-4:]:
        value = value * 36 + ALPHABET.index(ch)
    value += 1
    digits = ""
    for _ in range(4):
        value, rest = divmod(value, 36)
        digits = ALPHABET[rest] + digits
    return parent_path + digits


def _child(apps, parent, model_name, **fields):
    """A live page of `model_name` under `parent`, made with the plain ORM (no treebeard here)."""
    Page = apps.get_model("wagtailcore.Page")
    ContentType = apps.get_model("contenttypes.ContentType")
    model = apps.get_model("cases", model_name)
    children = list(
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).values_list(
            "path", flat=True
        )
    )
    page = model.objects.create(
        draft_title=fields["title"],
        content_type=ContentType.objects.get_or_create(app_label="cases", model=model_name.lower())[0],
        path=_next_child_path(parent.path, children),
        depth=parent.depth + 1,
        numchild=0,
        url_path=f"{parent.url_path}{fields['slug']}/",
        locale_id=parent.locale_id,
        live=True,
        **fields,
    )
    Page.objects.filter(pk=parent.pk).update(numchild=len(children) + 1)
    return page


def create_section_and_workflow(apps, schema_editor):
    app_config = apps.get_app_config("cases")
    app_config.models_module = True  # historical app configs have none; create_permissions wants one
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None

    Page = apps.get_model("wagtailcore.Page")
    ContentType = apps.get_model("contenttypes.ContentType")
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    CaseIndexPage = apps.get_model("cases.CaseIndexPage")
    CaseIssueIndexPage = apps.get_model("cases.CaseIssueIndexPage")

    home = apps.get_model("portal.HomePage").objects.order_by("path").first()
    if home is None:
        return
    home = Page.objects.get(pk=home.pk)
    section = CaseIndexPage.objects.first()
    if section is None:
        section = _child(
            apps,
            home,
            "CaseIndexPage",
            title="三微案例",
            slug="cases",
            intro="物业企业的微创新、微服务、微实事：街道每周征集，编辑审核后发布，并按期汇编。",
        )
    if not CaseIssueIndexPage.objects.exists():
        _child(
            apps,
            Page.objects.get(pk=section.pk),
            "CaseIssueIndexPage",
            title="案例期刊",
            slug="issues",
            intro="编辑按期汇编的优秀案例。",
        )

    editors, _ = Group.objects.get_or_create(name=EDITORS)
    firms, _ = Group.objects.get_or_create(name=FIRMS)
    workflow, created = Workflow.objects.get_or_create(name="三微案例审核", defaults={"active": True})
    if created:
        task = GroupApprovalTask.objects.create(
            name="编辑审核",
            active=True,
            content_type=ContentType.objects.get_or_create(
                app_label="wagtailcore", model="groupapprovaltask"
            )[0],
        )
        task.groups.set([editors])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.get_or_create(page_id=section.pk, defaults={"workflow": workflow})

    page_permission = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=["add_page", "publish_page"]
        )
    }
    GroupPagePermission.objects.get_or_create(
        group=editors, page_id=section.pk, permission=page_permission["publish_page"]
    )
    GroupPagePermission.objects.get_or_create(
        group=firms, page_id=section.pk, permission=page_permission["add_page"]
    )
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="cases", codename__in=CASE_CALLS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("portal", "0004_roles"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_section_and_workflow, migrations.RunPython.noop)]
