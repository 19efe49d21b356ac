"""Cache invalidation when pages go live or stop being live (SPEC §12: cleared on publish)."""

from django.core.cache import cache

from wagtail.signals import page_published, page_unpublished

from portal.selectors import NAV_CACHE_KEY


def on_page_visibility_change(sender, instance, **kwargs):
    cache.delete(NAV_CACHE_KEY)


def connect() -> None:
    page_published.connect(on_page_visibility_change, dispatch_uid="portal-nav-published")
    page_unpublished.connect(on_page_visibility_change, dispatch_uid="portal-nav-unpublished")
