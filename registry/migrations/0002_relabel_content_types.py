from django.db import migrations

MOVED = {
    "ratings": ["street", "community", "group", "firm", "estate", "servicecontract"],
    "portal": ["estateindexpage", "estatepage", "firmindexpage", "firmpage"],
}


def relabel(apps, schema_editor, *, to_registry=True):
    """Pages (their content_type), audit entries and permissions point at content types by id:
    relabelling the rows keeps every one of them attached to the moved models."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_label, models in MOVED.items():
        source, target = (app_label, "registry") if to_registry else ("registry", app_label)
        for model in models:
            if ContentType.objects.filter(app_label=target, model=model).exists():
                continue  # already there (a database migrated before the content types existed)
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def relabel_back(apps, schema_editor):
    relabel(apps, schema_editor, to_registry=False)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("registry", "0001_initial"),
    ]

    operations = [migrations.RunPython(relabel, relabel_back)]
