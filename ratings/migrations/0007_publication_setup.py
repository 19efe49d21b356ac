"""What publication needs in every database (SPEC §4, STYLE convention 5):

- on PostgreSQL, triggers that refuse UPDATE and DELETE of releases (the model refuses them too);
  TRUNCATE stays possible for the database owner (test databases are flushed with it);
- the /ratings/ section page;
- the committee approval workflow on it: one task, approval by the 考评委员会 group.
"""

from django.db import migrations

COMMITTEE = "考评委员会"
APPEND_ONLY_TABLES = ["ratings_release", "ratings_releaserow"]

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION sunshine_refuse_release_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'releases are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(TRIGGER_FUNCTION, None)  # no params: the % are PL/pgSQL format marks
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION sunshine_refuse_release_change();"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS sunshine_refuse_release_change();")


ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _next_child_path(parent_path, children_paths):
    if not children_paths:
        return parent_path + "0001"
    last = max(children_paths)[-4:]
    value = 0
    for ch in last:
        value = value * 36 + ALPHABET.index(ch)
    value += 1
    digits = ""
    for _ in range(4):
        value, rest = divmod(value, 36)
        digits = ALPHABET[rest] + digits
    return parent_path + digits


def create_section_and_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("portal.HomePage")
    RatingIndexPage = apps.get_model("ratings.RatingIndexPage")
    Group = apps.get_model("auth.Group")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")

    home = HomePage.objects.order_by("path").first()
    if home is None:
        return
    section = RatingIndexPage.objects.first()
    if section is None:
        children = list(
            Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).values_list(
                "path", flat=True
            )
        )
        section = RatingIndexPage.objects.create(
            title="评级",
            draft_title="评级",
            slug="ratings",
            intro="每季度由考评委员会审定后发布的物业服务评级（四色挂牌）、排名与红黑榜。",
            content_type=ContentType.objects.get_or_create(app_label="ratings", model="ratingindexpage")[0],
            path=_next_child_path(home.path, children),
            depth=home.depth + 1,
            numchild=0,
            url_path=f"{home.url_path}ratings/",
            locale_id=home.locale_id,
            live=True,
        )
        Page.objects.filter(pk=home.pk).update(numchild=len(children) + 1)

    committee, _ = Group.objects.get_or_create(name=COMMITTEE)
    workflow, created = Workflow.objects.get_or_create(name="季度评级审批", defaults={"active": True})
    if created:
        task = GroupApprovalTask.objects.create(
            name="考评委员会审批",
            active=True,
            content_type=ContentType.objects.get_or_create(
                app_label="wagtailcore", model="groupapprovaltask"
            )[0],
        )
        task.groups.set([committee])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.get_or_create(page_id=section.pk, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("ratings", "0006_pages"),
        ("portal", "0003_site_structure"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(add_triggers, drop_triggers),
        migrations.RunPython(create_section_and_workflow, migrations.RunPython.noop),
    ]
