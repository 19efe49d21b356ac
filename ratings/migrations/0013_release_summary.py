"""ReleaseSummary: the scheme and the lists of each release, copied out of its document so that
pages stop reading the whole document (issue 14). Filled for every existing release; append-only
on PostgreSQL like the release tables (0007)."""

import django.db.models.deletion
from django.db import migrations, models

PARTS = ("scheme", "red_list", "black_list", "exit_warnings")


def fill(apps, schema_editor):
    Release = apps.get_model("ratings", "Release")
    ReleaseSummary = apps.get_model("ratings", "ReleaseSummary")
    for release_id in Release.objects.values_list("id", flat=True):
        document = Release.objects.values_list("document", flat=True).get(id=release_id)
        ReleaseSummary.objects.create(
            release_id=release_id,
            **{part: document.get(part) or ([] if part != "scheme" else {}) for part in PARTS},
        )


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE TRIGGER ratings_releasesummary_append_only BEFORE UPDATE OR DELETE ON "
        "ratings_releasesummary FOR EACH ROW EXECUTE FUNCTION sunshine_refuse_release_change();"
    )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS ratings_releasesummary_append_only ON ratings_releasesummary;"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ratings", "0012_appeal_evidence"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReleaseSummary",
            fields=[
                (
                    "release",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="summary",
                        serialize=False,
                        to="ratings.release",
                    ),
                ),
                ("scheme", models.JSONField()),
                ("red_list", models.JSONField(default=list)),
                ("black_list", models.JSONField(default=list)),
                ("exit_warnings", models.JSONField(default=list)),
            ],
            options={
                "verbose_name": "发布版本摘要",
                "verbose_name_plural": "发布版本摘要",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
