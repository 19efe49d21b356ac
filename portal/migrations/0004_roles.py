"""The roles every database needs (SPEC §1, STYLE convention 11): the groups 编辑, 考评委员会 and
物业企业 with their model, page and collection permissions, so that a freshly migrated database has
a working committee approval (the workflow itself comes from ratings 0007).

The lists are a snapshot of portal.roles.roles_ensure() as of this migration, as a migration must not
follow later code; tests/portal/test_roles.py fails if the two ever grant different rights.
Permissions are normally created after `migrate` (post_migrate), so they are created here first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "编辑"
COMMITTEE = "考评委员会"
FIRMS = "物业企业"

REGISTRY_MODELS = ["street", "community", "group", "firm", "estate", "servicecontract"]
SCORE_VIEW = ["view_monthlyscore", "view_hotlinemonth", "view_scheme"]
PUBLICATION_EDIT = ["view_appeal", "decide_appeal", "view_release", "submit_quarter", "open_correction"]
PUBLICATION_VIEW = ["view_appeal", "view_release"]

MODEL_PERMISSIONS = {
    EDITORS: [
        ("wagtailadmin", ["access_admin"]),
        (
            "ratings",
            [f"{action}_{model}" for model in REGISTRY_MODELS for action in ("add", "change", "view")],
        ),
        ("portal", ["change_portalsettings"]),
        ("ratings", SCORE_VIEW),
        ("ratings", ["import_scores"]),
        ("ratings", PUBLICATION_EDIT),
    ],
    COMMITTEE: [
        ("wagtailadmin", ["access_admin"]),
        ("ratings", [f"view_{model}" for model in REGISTRY_MODELS]),
        ("ratings", SCORE_VIEW),
        ("ratings", PUBLICATION_VIEW),
    ],
    # No model, import or page permission at all: a firm reaches only its own records (SPEC §1, §12).
    FIRMS: [("wagtailadmin", ["access_admin"])],
}
EDITOR_COLLECTION_PERMISSIONS = [
    ("wagtaildocs", ["add_document", "change_document", "choose_document"]),
    ("wagtailimages", ["add_image", "change_image", "choose_image"]),
]
PERMISSION_APPS = ["wagtailadmin", "wagtailcore", "wagtaildocs", "wagtailimages", "portal", "ratings"]


def _permissions(Permission, app_label, codenames):
    found = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    missing = set(codenames) - {p.codename for p in found}
    if missing:
        raise RuntimeError(f"missing permissions: {app_label} {sorted(missing)}")
    return found


def create_roles(apps, schema_editor):
    for label in PERMISSION_APPS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True  # historical app configs have none; create_permissions wants one
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    RatingIndexPage = apps.get_model("ratings", "RatingIndexPage")

    groups = {}
    for name, grants in MODEL_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)  # the committee exists already (ratings 0007)
        for app_label, codenames in grants:
            group.permissions.add(*_permissions(Permission, app_label, codenames))
        groups[name] = group

    page_permission = {
        p.codename: p
        for p in _permissions(Permission, "wagtailcore", ["add_page", "change_page", "publish_page"])
    }
    # Editors add and edit pages anywhere but publish only outside /ratings/: a quarter page reaches
    # the public only through the committee's approval (SPEC §4).
    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is not None:
        for codename in ("add_page", "change_page"):
            GroupPagePermission.objects.get_or_create(
                group=groups[EDITORS], page=root, permission=page_permission[codename]
            )
    home = Page.objects.filter(depth=2).order_by("path").first()
    if home is not None:
        sections = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).exclude(
            content_type__app_label="ratings", content_type__model="ratingindexpage"
        )
        for section in sections:
            GroupPagePermission.objects.get_or_create(
                group=groups[EDITORS], page=section, permission=page_permission["publish_page"]
            )
    # The committee publishes quarter pages by approving them: Wagtail publishes as the approver.
    index = RatingIndexPage.objects.order_by("path").first()
    if index is not None:
        for codename in ("change_page", "publish_page"):
            GroupPagePermission.objects.get_or_create(
                group=groups[COMMITTEE], page_id=index.pk, permission=page_permission[codename]
            )

    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    if root_collection is not None:
        for app_label, codenames in EDITOR_COLLECTION_PERMISSIONS:
            for permission in _permissions(Permission, app_label, codenames):
                GroupCollectionPermission.objects.get_or_create(
                    group=groups[EDITORS], collection=root_collection, permission=permission
                )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_site_structure"),
        ("ratings", "0008_publication_admin_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
