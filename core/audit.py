"""Audit entries in Wagtail's log (SPEC §4) for writes made in bulk.

`wagtail.log_actions.log` writes one row per call; an import of 10,000 scores writes its
entries with one bulk insert instead, with the same fields Wagtail's own logger fills in.
"""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from wagtail.log_actions import get_active_log_context
from wagtail.models import ModelLogEntry


def log_bulk(entries, *, user=None) -> int:
    """entries: iterable of (instance, action, data). Returns how many were written."""
    context = get_active_log_context()
    user = user or context.user
    now = timezone.now()
    rows = [
        ModelLogEntry(
            content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
            label=str(instance)[:255],
            action=action,
            data=data or {},
            timestamp=now,
            user=user,
            uuid=context.uuid,
            object_id=str(instance.pk),
        )
        for instance, action, data in entries
    ]
    ModelLogEntry.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
