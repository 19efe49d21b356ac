"""Writes of disclosures (SPEC §5).

- `disclosure_pages_ensure`: one DisclosurePage under each estate page, made by the system (a draft
  with no approved revision, so nothing is public), in the review workflow.
- `firm_collection_ensure`: the document collection of one firm's disclosures, where only that
  firm's users add and choose documents.
- `disclosure_published`: on each approval, the documents that version shows become public for good
  (the history of approved versions stays readable, attachments included).
"""

from django.db import transaction

from wagtail.documents import get_document_model
from wagtail.log_actions import log
from wagtail.models import Collection, Workflow, WorkflowPage

from disclosures.models import DisclosurePage, PublishedDocument
from registry.collections import firm_collection_ensure as firm_collection_in
from registry.collections import section_collection
from registry.models import EstatePage

WORKFLOW_NAME = "信息公开审核"  # made by disclosures/migrations/0002_review_workflow.py
COLLECTION_NAME = "信息公开"
FIRM_DOCUMENT_PERMISSIONS = ["add_document", "change_document", "choose_document"]


def disclosure_title(estate) -> str:
    return f"{estate.name} · 信息公开"


@transaction.atomic
def disclosure_pages_ensure(*, estate_pages=None, user=None) -> int:
    """Give each estate page (a queryset; all of them by default) its DisclosurePage; returns pages
    made.

    The page starts as a draft with one revision and no approval; the review workflow is assigned
    to it, so the firm's user submits it and an editor approves before anything is public."""
    estate_pages = list(
        (EstatePage.objects.all() if estate_pages is None else estate_pages).select_related("estate")
    )
    having = set(
        DisclosurePage.objects.filter(estate_id__in=[p.estate_id for p in estate_pages]).values_list(
            "estate_id", flat=True
        )
    )
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME, active=True).first()
    made = 0
    for estate_page in estate_pages:
        if estate_page.estate_id in having:
            continue
        page = DisclosurePage(
            title=disclosure_title(estate_page.estate),
            slug="disclosure",
            estate=estate_page.estate,
            live=False,
        )
        estate_page.add_child(instance=page)
        page.save_revision(user=user, log_action=False)
        log(instance=page, action="wagtail.create", user=user)
        if workflow is not None:
            WorkflowPage.objects.get_or_create(page=page, defaults={"workflow": workflow})
        made += 1
    return made


def disclosures_root_collection() -> Collection:
    return section_collection(COLLECTION_NAME)


def firm_collection_ensure(*, firm) -> Collection:
    """The collection of one firm's disclosure documents (registry.collections)."""
    return firm_collection_in(
        firm=firm, section=COLLECTION_NAME, app_label="wagtaildocs", codenames=FIRM_DOCUMENT_PERMISSIONS
    )


def disclosure_published(*, page, revision) -> None:
    """Record the documents an approved version shows, with their content as approved: that
    content is served to anyone from now on."""
    shown = revision.as_object() if revision is not None else page
    ids = {s.attachment_id for s in shown.revenue_statements.all() if s.attachment_id}
    for document in get_document_model().objects.filter(pk__in=ids):
        PublishedDocument.objects.get_or_create(
            document=document, file_hash=document.get_file_hash(), defaults={"page": page}
        )
