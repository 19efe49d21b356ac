"""Where registry and Wagtail events become disclosure actions, each a thin bridge to a service:

- an estate page being made (by the registry's page sync, or by hand) gets its DisclosurePage;
- a DisclosurePage being published (an editor's approval) makes the documents that version shows
  public.
"""

from django.db import transaction
from django.db.models.signals import post_save

from wagtail.signals import page_published

from core import pagecache
from disclosures.models import DisclosurePage
from disclosures.public import group_fee_summary_forget
from disclosures.services import disclosure_pages_ensure, disclosure_published
from registry.models import Estate, EstatePage


def on_estate_page_saved(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        disclosure_pages_ensure(estate_pages=EstatePage.objects.filter(pk=instance.pk))


def on_disclosure_published(sender, instance, revision=None, **kwargs):
    disclosure_published(page=instance, revision=revision)
    # The estate's page, noticeboard and feed show the approved disclosure; its fee is in the
    # comparison on every page of its group.
    group_id = Estate.objects.filter(pk=instance.estate_id).values_list("group_id", flat=True).first()
    if group_id is not None:
        group_fee_summary_forget(group_id=group_id)
        transaction.on_commit(lambda: group_fee_summary_forget(group_id=group_id))
    pagecache.purge_pages([instance.get_parent().url_path])


def connect() -> None:
    post_save.connect(on_estate_page_saved, sender=EstatePage, dispatch_uid="disclosures-page-per-estate")
    page_published.connect(
        on_disclosure_published, sender=DisclosurePage, dispatch_uid="disclosures-published-documents"
    )
