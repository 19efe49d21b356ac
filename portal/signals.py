"""Cache invalidation: when pages go live or stop being live (SPEC §12: cleared on publish), and
when the site settings shown on every page change."""

from django.core.cache import cache
from django.db.models.signals import post_save

from wagtail.signals import page_published, page_unpublished

from core import pagecache
from portal.models import PortalSettings
from portal.selectors import NAV_CACHE_KEY, SETTINGS_CACHE_KEY


def on_page_visibility_change(sender, instance, **kwargs):
    cache.delete(NAV_CACHE_KEY)


def on_settings_saved(sender, instance, **kwargs):
    cache.delete(SETTINGS_CACHE_KEY.format(site_id=instance.site_id))
    # The site settings (name, hotline, demo notice) are on every public page. (A row made on first
    # reading holds the defaults the page was just rendered with.)
    if not kwargs.get("created"):
        pagecache.purge(trees={"/"})


def connect() -> None:
    post_save.connect(on_settings_saved, sender=PortalSettings, dispatch_uid="portal-settings-saved")
    page_published.connect(on_page_visibility_change, dispatch_uid="portal-nav-published")
    page_unpublished.connect(on_page_visibility_change, dispatch_uid="portal-nav-unpublished")
