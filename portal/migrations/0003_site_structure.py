"""The page tree every fresh database starts with: 首页, 小区 (/estates/), 物业企业 (/firms/)."""

from django.db import migrations

HOME_PATH = "00010001"
SECTIONS = [
    ("estateindexpage", "小区", "estates", "查找您所在的小区：街道、社区、分组与物业服务企业。"),
    ("firmindexpage", "物业企业", "firms", "辖区内提供住宅物业服务的企业及其服务的小区。"),
]


def create_structure(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    locale = Locale.objects.order_by("pk").first()

    # Wagtail's placeholder welcome page goes; our home page takes its place in the tree.
    Page.objects.filter(depth=2, content_type__app_label="wagtailcore", content_type__model="page").delete()
    if Page.objects.filter(path=HOME_PATH).exists():
        return

    def content_type(model):
        return ContentType.objects.get_or_create(app_label="portal", model=model)[0]

    home = apps.get_model("portal", "HomePage").objects.create(
        title="阳光物业",
        draft_title="阳光物业",
        seo_title="阳光物业 · 物业服务评级公示",
        intro="查小区挂牌，看物业服务，晒公共收益。",
        slug="home",
        content_type=content_type("homepage"),
        path=HOME_PATH,
        depth=2,
        numchild=len(SECTIONS),
        url_path="/home/",
        locale=locale,
        live=True,
    )
    for position, (model, title, slug, intro) in enumerate(SECTIONS, start=1):
        apps.get_model("portal", model).objects.create(
            title=title,
            draft_title=title,
            slug=slug,
            intro=intro,
            content_type=content_type(model),
            path=f"{HOME_PATH}{position:04d}",
            depth=3,
            numchild=0,
            url_path=f"/home/{slug}/",
            locale=locale,
            live=True,
        )
    Page.objects.filter(depth=1).update(numchild=Page.objects.filter(depth=2).count())
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page_id=home.pk, is_default_site=True, site_name="阳光物业"
    )


def remove_structure(apps, schema_editor):
    apps.get_model("wagtailcore.Page").objects.filter(path__startswith=HOME_PATH).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_structure, remove_structure)]
