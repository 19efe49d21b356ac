"""Editors see every background job (not only their own) and may start site maintenance jobs such as
rebuilding the search index (core.BackgroundJob's permissions). A snapshot of what
portal.roles.roles_ensure() grants for them; tests/portal/test_roles.py compares the two."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "编辑"
JOB_PERMISSIONS = ["view_backgroundjob", "run_maintenance"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("core")
    app_config.models_module = True  # historical app configs have none; create_permissions wants one
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="core", codename__in=JOB_PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_registry_moves_out"),
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
