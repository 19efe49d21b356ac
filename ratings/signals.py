"""Where Wagtail events become rating actions, each a thin bridge to one service:

- a QuarterPage's approval task starting (submitted, or resubmitted after 退回修改) freezes the
  quarter's computation (`quarter_freeze`);
- a QuarterPage being published makes its release (`release_publish`) from that frozen document,
  inside the same transaction as the publication, so a page never goes live without its release;
  once committed, the release's pages are purged and its open-data files written ahead (a task);
- a quarter's approval task is approved or sent back only through `quarter_review` (locked and
  idempotent): any other path, such as Wagtail's workflow-action view, is refused;
- a released quarter's page, a quarter page in review, and the page of an estate with a released
  plate are never deleted or taken offline, whatever the path (the admin's hooks say so politely
  first; these receivers are the floor under every other path).
"""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import post_save, pre_delete, pre_save

from wagtail.models import Page, TaskState
from wagtail.signals import page_published, page_unpublished, task_submitted

from core import pagecache
from core.errors import PageProtected
from ratings.models import QuarterPage, Release
from ratings.selectors import page_protection_reason
from ratings.selectors.common import LATEST_RELEASE_KEY, release_public_paths
from ratings.services.publication import publication_approver, quarter_decision_refusal, release_publish
from ratings.services.quarters import quarter_freeze
from ratings.tasks import release_files_task
from registry.models import EstatePage


def on_task_submitted(sender, instance, user=None, **kwargs):
    page = instance.workflow_state.content_object
    page = getattr(page, "specific", page)
    if isinstance(page, QuarterPage):
        quarter_freeze(quarter=page.quarter, user=user)


def on_page_published(sender, instance, revision=None, **kwargs):
    approved_by, name = publication_approver(instance, revision)
    release_publish(quarter=instance.quarter, approved_by=approved_by, approved_by_name=name)


def refuse_protected_page_delete(sender, instance, **kwargs):
    if isinstance(instance, Page) and (reason := page_protection_reason(instance)):
        raise PageProtected(reason)


def refuse_protected_page_unpublish(sender, instance, update_fields=None, **kwargs):
    if not isinstance(instance, Page) or instance.live or instance._state.adding:
        return
    if update_fields is not None and "live" not in update_fields:
        return
    guarded = instance.specific_class in (QuarterPage, EstatePage)
    if guarded and (reason := page_protection_reason(instance, unpublish=True)):
        raise PageProtected(reason)


def refuse_quarter_decision_elsewhere(sender, instance, **kwargs):
    deciding = isinstance(instance, TaskState) and not instance._state.adding
    if deciding and (reason := quarter_decision_refusal(instance)):
        raise PermissionDenied(reason)


def forget_latest_release(sender, **kwargs):
    """A new release, or a quarter page going offline, changes the current plates: forgotten now,
    and again once committed (a reader in between may have cached the old one)."""
    cache.delete(LATEST_RELEASE_KEY)
    transaction.on_commit(lambda: cache.delete(LATEST_RELEASE_KEY))


def purge_release_pages(sender, instance, created=False, **kwargs):
    """A new release retires, once committed with its rows, exactly the public pages it changes."""
    if created:
        transaction.on_commit(lambda: _purge_release(instance))


def prepare_release_files(sender, instance, created=False, **kwargs):
    """A new release's files are written ahead by a background task once it is committed. Robust:
    a task that cannot be queued leaves the files to be written on the first request, as before."""
    if created:
        release_id = instance.pk
        transaction.on_commit(lambda: release_files_task.enqueue(release_id=release_id), robust=True)


def _purge_release(release):
    exact, trees = release_public_paths(release)
    pagecache.purge(exact=exact, trees=trees)


def connect() -> None:
    post_save.connect(purge_release_pages, sender=Release, dispatch_uid="ratings-release-purges-pages")
    post_save.connect(prepare_release_files, sender=Release, dispatch_uid="ratings-release-files-ahead")
    # Page only (every page's delete includes its Page row): other models keep the fast delete.
    pre_delete.connect(refuse_protected_page_delete, sender=Page, dispatch_uid="ratings-protect-page-delete")
    pre_save.connect(refuse_protected_page_unpublish, dispatch_uid="ratings-protect-page-unpublish")
    pre_save.connect(refuse_quarter_decision_elsewhere, dispatch_uid="ratings-quarter-decided-in-review")
    task_submitted.connect(on_task_submitted, dispatch_uid="ratings-freeze-on-submit")
    page_published.connect(on_page_published, sender=QuarterPage, dispatch_uid="ratings-release-on-publish")
    post_save.connect(forget_latest_release, sender=Release, dispatch_uid="ratings-latest-release-made")
    page_unpublished.connect(
        forget_latest_release, sender=QuarterPage, dispatch_uid="ratings-latest-release-off"
    )
