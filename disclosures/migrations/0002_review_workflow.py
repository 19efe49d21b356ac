"""What disclosure review needs in every database (SPEC §5, STYLE convention 5): the workflow
信息公开审核, one task approved by the 编辑 group. disclosures.services assigns it to each
DisclosurePage it makes (and to any made before this migration)."""

from django.db import migrations

EDITORS = "编辑"
WORKFLOW_NAME = "信息公开审核"  # disclosures.services.WORKFLOW_NAME
TASK_NAME = "编辑审核信息公开"


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Group = apps.get_model("auth.Group")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    DisclosurePage = apps.get_model("disclosures.DisclosurePage")

    editors, _ = Group.objects.get_or_create(name=EDITORS)
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if created:
        task = GroupApprovalTask.objects.create(
            name=TASK_NAME,
            active=True,
            content_type=ContentType.objects.get_or_create(
                app_label="wagtailcore", model="groupapprovaltask"
            )[0],
        )
        task.groups.set([editors])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for page_id in DisclosurePage.objects.values_list("pk", flat=True):
        WorkflowPage.objects.get_or_create(page_id=page_id, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("disclosures", "0001_disclosure_page"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_workflow, migrations.RunPython.noop)]
