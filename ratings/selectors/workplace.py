"""What a firm's user finds on the admin's home page (SPEC §1: firms keep their estates' records
and appeal a score): its estates with their current plate, rank and points to the next band; the
scores it may still appeal, with the deadline; its appeals waiting for a decision or decided of late.
A fixed number of queries, whatever the number of estates."""

from datetime import timedelta

from django.conf import settings

from ratings import engine
from ratings.models import Appeal
from ratings.selectors.directory import current_plates
from ratings.selectors.review import appealable_scores
from registry.selectors import estates_managed

RECENT_DECISIONS_DAYS = 30
SHOWN = 8


def firm_workplace(*, firm_ids, now) -> dict:
    estates = list(estates_managed(firm_ids).select_related("group").prefetch_related("page"))
    plates = current_plates(estate_ids=[e.pk for e in estates])
    window = timedelta(days=settings.PORTAL_APPEAL_WINDOW_DAYS)
    appealable = list(
        appealable_scores(firm_ids=firm_ids, now=now)
        .exclude(appeals__status=Appeal.OPEN)
        .select_related("estate")
        .order_by("imported_at", "estate__code", "month")[: SHOWN + 1]
    )
    open_appeals = list(
        Appeal.objects.filter(firm_id__in=firm_ids, status=Appeal.OPEN)
        .select_related("score__estate")
        .order_by("submitted_at")
    )
    decided = list(
        Appeal.objects.filter(
            firm_id__in=firm_ids, decided_at__gte=now - timedelta(days=RECENT_DECISIONS_DAYS)
        )
        .exclude(status=Appeal.OPEN)
        .select_related("score__estate")
        .order_by("-decided_at")[:SHOWN]
    )
    return {
        "estates": [{"estate": e, "plate": plates.get(e.pk)} for e in estates],
        "appealable": [
            {"score": s, "month": engine.month_label(s.month), "deadline": s.imported_at + window}
            for s in appealable[:SHOWN]
        ],
        "appealable_more": len(appealable) > SHOWN,
        "open_appeals": [{"appeal": a, "month": engine.month_label(a.score.month)} for a in open_appeals],
        "decided": [{"appeal": a, "month": engine.month_label(a.score.month)} for a in decided],
    }
