"""An index on Wagtail's page URL paths, for core.routing (a deep page found in one query)."""

from django.db import migrations

SQL = "CREATE INDEX IF NOT EXISTS portal_page_url_path ON wagtailcore_page (url_path)"
REVERSE = "DROP INDEX IF EXISTS portal_page_url_path"


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_background_job_permissions"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
