"""Where Wagtail events reach the public cache: a case going live or offline changes, besides its
own page and the case list (core.pagecache's generic purge), the pages that show it — its estate's
page and feed, its firm's page, the issues and the cases feed."""

from wagtail.signals import page_published, page_unpublished

from cases.models import CasePage
from core import pagecache
from registry.models import EstatePage, FirmPage


def on_case_changed(sender, instance, **kwargs):
    estate = EstatePage.objects.filter(estate_id=instance.estate_id).values_list("url_path", flat=True)
    firm = FirmPage.objects.filter(firm_id=instance.firm_id).values_list("url_path", flat=True)
    pagecache.purge_pages([*estate, *firm])
    pagecache.purge(exact={"/feeds/cases/"}, trees={"/cases/"})


def connect() -> None:
    page_published.connect(on_case_changed, sender=CasePage, dispatch_uid="cases-published-purges")
    page_unpublished.connect(on_case_changed, sender=CasePage, dispatch_uid="cases-unpublished-purges")
