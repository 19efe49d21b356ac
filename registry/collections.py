"""A firm's own Wagtail collection under a section (信息公开 documents, 三微案例图片 …): the firm's
account group may add, change and choose there and nowhere else, so a firm never sees another
firm's files of an unpublished page. Named "<firm name>（<credit code>）", found by the code, so a
renamed firm keeps its collection."""

from django.contrib.auth.models import Permission
from django.db import transaction

from wagtail.models import Collection, GroupCollectionPermission


def section_collection(name: str) -> Collection:
    """The collection `name` under the root, made on first need."""
    root = Collection.get_first_root_node()
    return root.get_children().filter(name=name).first() or root.add_child(name=name)


@transaction.atomic
def firm_collection_ensure(*, firm, section: str, app_label: str, codenames) -> Collection:
    """The firm's collection under `section`, with the firm's group granted `codenames` of
    `app_label` (wagtaildocs, wagtailimages) there."""
    parent = section_collection(section)
    suffix = f"（{firm.credit_code}）"
    name = f"{firm.name}{suffix}"
    collection = next((c for c in parent.get_children() if c.name.endswith(suffix)), None)
    if collection is None:
        collection = parent.add_child(name=name)
    elif collection.name != name:
        collection.name = name
        collection.save(update_fields=["name"])
    if firm.account_group_id:
        for permission in Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        ):
            GroupCollectionPermission.objects.get_or_create(
                group_id=firm.account_group_id, collection=collection, permission=permission
            )
    return collection
