"""The demo scheme of SPEC §3, so that a fresh database can compute a quarter."""

from decimal import Decimal

from django.db import migrations

CRITERIA = [
    ("hotline", "12345诉求办理", "30"),
    ("owner", "业主评价", "20"),
    ("environment", "环境建设", "15"),
    ("civility", "创城", "10"),
    ("sanitation", "创卫", "10"),
    ("safety", "安全生产", "10"),
    ("standards", "规范化建设", "5"),
]
BANDS = [
    ("green", "绿牌·精品", "90", 30000, 0, False),
    ("blue", "蓝牌·规范", "80", 10000, 1, False),
    ("yellow", "黄牌·提升", "70", 0, 3, False),
    ("red", "红牌·整改", None, 0, 4, True),
]


def create_scheme(apps, schema_editor):
    Scheme = apps.get_model("ratings", "Scheme")
    if Scheme.objects.filter(code="sunshine", version=1).exists():
        return
    scheme = Scheme.objects.create(
        code="sunshine",
        version=1,
        name="四色挂牌物业考核方案",
        effective_from="2020Q1",
        min_assessed_months=2,
    )
    for order, (code, name, maximum) in enumerate(CRITERIA):
        apps.get_model("ratings", "SchemeCriterion").objects.create(
            scheme=scheme, sort_order=order, code=code, name=name, max=Decimal(maximum)
        )
    for order, (code, label, minimum, reward, inspections, interview) in enumerate(BANDS):
        apps.get_model("ratings", "SchemeBand").objects.create(
            scheme=scheme,
            sort_order=order,
            code=code,
            label=label,
            min_score=Decimal(minimum) if minimum else None,
            reward_yuan=reward,
            inspections_per_month=inspections,
            interview=interview,
        )


def remove_scheme(apps, schema_editor):
    apps.get_model("ratings", "Scheme").objects.filter(code="sunshine", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("ratings", "0003_scoring")]

    operations = [migrations.RunPython(create_scheme, remove_scheme)]
