"""Reads of disclosures (SPEC §5): the approved version now, the versions before it, whether the
latest approval is overdue. Each read runs a fixed number of queries.

Every approved revision is a version: Wagtail logs `wagtail.publish` with the revision it made
live, and the k-th such entry of a page is its version k (`…/disclosure/v<k>/`).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from wagtail.models import PageLogEntry, Revision

from registry.selectors import today

PUBLISH = "wagtail.publish"


@dataclass(frozen=True)
class Version:
    number: int
    published_at: datetime
    revision_id: int

    def as_page(self):
        """The disclosure as it was approved in this version (fee items and statements included)."""
        return Revision.objects.get(pk=self.revision_id).as_object()


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    # The same day of that month, or its last day (31 August − 6 months → 28/29 February).
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def disclosure_overdue(*, last_published_at: datetime | None, on: date | None = None) -> bool:
    """已超期: the latest approval is older than PORTAL_DISCLOSURE_OVERDUE_MONTHS (or there is none)."""
    if last_published_at is None:
        return True
    limit = _months_before(on or today(), settings.PORTAL_DISCLOSURE_OVERDUE_MONTHS)
    return timezone.localdate(last_published_at) < limit


def disclosure_versions(*, page_id: int) -> list[Version]:
    """The approved versions of one disclosure, oldest first, numbered from 1."""
    entries = (
        PageLogEntry.objects.filter(page_id=page_id, action=PUBLISH, revision__isnull=False)
        .order_by("timestamp", "pk")
        .values_list("timestamp", "revision_id")
    )
    return [Version(number=n, published_at=ts, revision_id=rev) for n, (ts, rev) in enumerate(entries, 1)]


def disclosure_version(*, page, number: int) -> dict | None:
    versions = disclosure_versions(page_id=page.pk)
    if not 1 <= number <= len(versions):
        return None
    version = versions[number - 1]
    return {"number": version.number, "published_at": version.published_at, "page": version.as_page()}


def disclosure_public_context(*, page) -> dict:
    versions = disclosure_versions(page_id=page.pk)
    return {
        "versions": versions,
        "overdue": disclosure_overdue(last_published_at=page.last_published_at),
        "overdue_months": settings.PORTAL_DISCLOSURE_OVERDUE_MONTHS,
    }
