"""The one place a Wagtail event becomes a rating action: publishing a QuarterPage makes a release.

The handler is thin: the rule lives in `release_publish` (services), which runs inside the same
transaction as the page publication, so a page never goes live without its release.
"""

from wagtail.signals import page_published


def on_page_published(sender, instance, revision=None, **kwargs):
    from ratings.services.publication import publication_approver, release_publish

    approved_by, name = publication_approver(instance, revision)
    release_publish(quarter=instance.quarter, approved_by=approved_by, approved_by_name=name)


def connect() -> None:
    from ratings.models import QuarterPage

    page_published.connect(on_page_published, sender=QuarterPage, dispatch_uid="ratings-release-on-publish")
