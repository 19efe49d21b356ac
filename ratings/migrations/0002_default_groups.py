from django.db import migrations

DEFAULT_GROUPS = [
    ("商品房", "市场化商品住宅小区"),
    ("老旧小区", "建成年代较早、基础设施较弱的小区"),
    ("房改房", "原单位公房出售形成的小区"),
    ("保障房", "公租房、经济适用房等保障性住房"),
    ("回迁房", "拆迁安置小区"),
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("ratings", "Group")
    for order, (name, description) in enumerate(DEFAULT_GROUPS, start=1):
        Group.objects.get_or_create(name=name, defaults={"description": description, "sort_order": order})


def remove_groups(apps, schema_editor):
    apps.get_model("ratings", "Group").objects.filter(
        name__in=[n for n, _ in DEFAULT_GROUPS], estates=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]

    operations = [migrations.RunPython(create_groups, remove_groups)]
