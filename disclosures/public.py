"""What residents see of a disclosure outside its own page (SPEC §5, §7): on the estate page, the
contacts beside the plate and a summary with the fee comparison within the group (质价相符); and
the printable noticeboard sheet (信息公开栏). Only approved versions: the live page's rows are
what the editors last approved (a draft lives in its revision until it is published).
Each read runs a fixed number of queries, whatever the size of the group."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch

from disclosures.fees import estate_comparison, group_summary
from disclosures.models import PER_SQM_MONTH, DisclosurePage, FeeItem, RevenueStatement
from disclosures.selectors import disclosure_overdue, disclosure_versions
from ratings.selectors import current_plates
from ratings.selectors.common import latest_release

GROUP_SUMMARY_KEY = "disclosures:group-fees:{group_id}:{release}:{generation}"
GROUP_GENERATION_KEY = "disclosures:group-fees-generation:{group_id}"
GROUP_SUMMARY_SECONDS = 3600  # a floor: approvals and releases change the key at once


def approved_disclosure(*, estate_id: int, fees: bool = True) -> DisclosurePage | None:
    """The estate's live disclosure with its contacts and revenue statements (and fee items, unless
    `fees` is false): three or four queries. The estate page it hangs under is public already, and
    a view restriction of the estate page covers it (Wagtail restricts descendants too)."""
    newest_first = RevenueStatement.objects.order_by("-period_end", "-pk")
    related = [
        "complaint_channels",
        Prefetch("revenue_statements", queryset=newest_first, to_attr="statements_newest_first"),
    ]
    if fees:
        related.append("fee_items")
    return DisclosurePage.objects.live().filter(estate_id=estate_id).prefetch_related(*related).first()


def latest_statement(page) -> RevenueStatement | None:
    """The newest revenue statement of a page read by approved_disclosure (a page has a few)."""
    return page.statements_newest_first[0] if page.statements_newest_first else None


def group_fees(*, group_id: int) -> dict:
    """{estate id: property fee per ㎡·月} of the estates of a group with an approved disclosure."""
    fees = (
        FeeItem.objects.filter(
            is_property_fee=True,
            unit=PER_SQM_MONTH,
            page__live=True,
            page__estate__group_id=group_id,
        )
        .order_by("page__estate_id", "sort_order", "pk")
        .values_list("page__estate_id", "price")
    )
    found: dict[int, object] = {}
    for estate_id, price in fees:
        found.setdefault(estate_id, price)
    return found


def estate_fee(*, estate_id: int):
    """The estate's approved property fee per ㎡·月, or None: one query."""
    return (
        FeeItem.objects.filter(
            is_property_fee=True, unit=PER_SQM_MONTH, page__live=True, page__estate_id=estate_id
        )
        .order_by("sort_order", "pk")
        .values_list("price", flat=True)
        .first()
    )


def group_fee_summary(*, group_id: int) -> dict | None:
    """The group's fee summary (fees.group_summary), kept in the cache for the latest release: the
    group's estates are read once per release and approval, not once per page view (a group of a
    city holds thousands of estates). An approved disclosure of the group renews it
    (`group_fee_summary_forget`)."""
    release = latest_release()
    generation = cache.get(GROUP_GENERATION_KEY.format(group_id=group_id), 0)
    key = GROUP_SUMMARY_KEY.format(
        group_id=group_id, release=release["id"] if release else 0, generation=generation
    )
    summary = cache.get(key)
    if summary is None:
        fees = group_fees(group_id=group_id)
        summary = {"value": group_summary(fees=fees, plates=current_plates(estate_ids=list(fees)))}
        cache.set(key, summary, GROUP_SUMMARY_SECONDS)
    return summary["value"]


def group_fee_summary_forget(*, group_id: int) -> None:
    key = GROUP_GENERATION_KEY.format(group_id=group_id)
    cache.set(key, cache.get(key, 0) + 1, None)


def noticeboard_url(disclosure_url: str) -> str:
    """/estates/<slug>/disclosure/ → /estates/<slug>/noticeboard/ (a sibling of the disclosure)."""
    return disclosure_url.rstrip("/").rsplit("/", 1)[0] + "/noticeboard/"


def estate_disclosure(estate) -> dict:
    """The estate page's disclosure section: the approved disclosure, whether it is overdue, its
    latest revenue statement, and the estate's fee beside its group's and each band's."""
    page = approved_disclosure(estate_id=estate.pk, fees=False)
    if page is None:
        return {"disclosure": None}
    comparison = estate_comparison(
        fee=estate_fee(estate_id=estate.pk),
        plate=current_plates(estate_ids=[estate.pk]).get(estate.pk),
        summary=group_fee_summary(group_id=estate.group_id),
    )
    url = page.url
    return {
        "disclosure": page,
        "disclosure_url": url,
        "noticeboard_url": noticeboard_url(url),
        "latest_statement": latest_statement(page),
        "overdue": disclosure_overdue(last_published_at=page.last_published_at),
        "overdue_months": settings.PORTAL_DISCLOSURE_OVERDUE_MONTHS,
        "fee_comparison": comparison,
        "group_name": estate.group.name,
    }


def noticeboard_context(*, estate_slug: str, request) -> dict | None:
    """The printable A4 noticeboard sheet (信息公开栏) of an estate: plate and band in words, score,
    fees, the latest revenue statement, project manager, hotline, complaint channels, a QR code to
    the estate page and the date printed. None when the estate page is not public."""
    import segno

    from django.utils import timezone

    from registry.models import EstatePage

    estate_page = EstatePage.objects.live().public().filter(slug=estate_slug).select_related("estate").first()
    if estate_page is None:
        return None
    estate = estate_page.estate
    disclosure = approved_disclosure(estate_id=estate.pk)
    page_url = request.build_absolute_uri(estate_page.url)
    qr = segno.make(page_url, error="m")
    return {
        "estate": estate,
        "estate_url": page_url,
        "disclosure": disclosure,
        "latest_statement": latest_statement(disclosure) if disclosure else None,
        "plate": current_plates(estate_ids=[estate.pk]).get(estate.pk),
        "qr_svg": qr.svg_inline(scale=4, omitsize=False),
        "printed_on": timezone.localdate(),
    }


def estate_feed_versions(*, estate_id: int) -> list[dict]:
    """The approved versions of an estate's disclosure for its Atom feed, newest first: two queries."""
    page = DisclosurePage.objects.live().filter(estate_id=estate_id).only("pk", "url_path").first()
    if page is None:
        return []
    url = page.url
    return [
        {"number": v.number, "published_at": v.published_at, "url": f"{url}v{v.number}/", "page_id": page.pk}
        for v in reversed(disclosure_versions(page_id=page.pk))
    ]
