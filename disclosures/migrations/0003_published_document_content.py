"""A published document is recorded with the content (file hash) that was approved."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disclosures", "0002_review_workflow"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [
        migrations.AlterField(
            model_name="publisheddocument",
            name="document",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="wagtaildocs.document",
                verbose_name="文件",
            ),
        ),
        migrations.AddField(
            model_name="publisheddocument",
            name="file_hash",
            field=models.CharField(default="", max_length=40, verbose_name="文件摘要（SHA-1）"),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="publisheddocument",
            constraint=models.UniqueConstraint(
                fields=("document", "file_hash"), name="published_document_content_once"
            ),
        ),
    ]
