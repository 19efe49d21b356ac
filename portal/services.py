"""Writes for the public directory: keep one EstatePage per estate and one FirmPage per firm."""

import re

from pypinyin import lazy_pinyin

from django.db import transaction

from wagtail.log_actions import log

from portal.models import EstateIndexPage, EstatePage, FirmIndexPage, FirmPage

SLUG_MAX = 60


def slug_for(name: str, *, fallback: str, taken: set[str]) -> str:
    """A readable, stable ASCII slug: the pinyin of the name (枫林雅园 → fenglinyayuan)."""
    base = re.sub(r"[^a-z0-9]+", "-", "".join(lazy_pinyin(name)).lower()).strip("-")[:SLUG_MAX].strip("-")
    if not base:
        base = re.sub(r"[^a-z0-9]+", "-", fallback.lower()).strip("-") or "item"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


@transaction.atomic
def directory_pages_sync(*, estates=(), firms=(), user=None) -> int:
    """Create missing pages and keep titles in step with the registry. Slugs never change once
    made, so printed plates and QR codes keep working after a rename. Returns pages touched."""
    touched = 0
    touched += _sync(EstateIndexPage, EstatePage, "estate", estates, lambda e: e.code, user)
    touched += _sync(FirmIndexPage, FirmPage, "firm", firms, lambda f: f.credit_code, user)
    return touched


def _sync(index_model, page_model, attr, objects, fallback, user) -> int:
    objects = list({obj.pk: obj for obj in objects}.values())
    if not objects:
        return 0
    index = index_model.objects.first()
    if index is None:
        raise RuntimeError(f"{index_model._meta.verbose_name} 页面不存在：请先运行 migrate")
    existing = {
        getattr(p, f"{attr}_id"): p
        for p in page_model.objects.filter(**{f"{attr}__in": [o.pk for o in objects]})
    }
    taken = set(index.get_children().values_list("slug", flat=True))
    touched = 0
    for obj in objects:
        page = existing.get(obj.pk)
        if page is None:
            page = page_model(title=obj.name, slug=slug_for(obj.name, fallback=fallback(obj), taken=taken))
            setattr(page, attr, obj)
            index.add_child(instance=page)
            index.numchild += 1  # add_child updates the database row, keep our copy in step
            log(instance=page, action="wagtail.create", user=user)
            touched += 1
        elif page.title != obj.name:
            old = page.title
            page.title = page.draft_title = obj.name
            page.save(update_fields=["title", "draft_title"])
            log(instance=page, action="wagtail.edit", user=user, data={"title": [old, obj.name]})
            touched += 1
    return touched
