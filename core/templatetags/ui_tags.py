"""Small presentation helpers for the public templates. No queries of their own."""

from decimal import Decimal

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils.http import urlencode

from core.serving import page_ancestors

register = template.Library()


@register.filter
def live_page(obj):
    """The live public page of a registry record (`estate.page`, `firm.page`), or None.

    A record may exist before its page is published; the templates then show plain text, not a link.
    """
    if obj is None:
        return None
    try:
        page = obj.page
    except (ObjectDoesNotExist, AttributeError):
        return None
    return page if page.live else None


@register.filter
def thousands(value):
    """12345.50 → "12,345.5"; whole numbers without decimals. Leaves non-numbers alone."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return value
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


@register.filter
def tel_href(value) -> str:
    """A phone number as written for people → a `tel:` link a phone can dial.

    "010-0000 0000（演示）" → "tel:01000000000", "+86 10 1234 5678" → "tel:+861012345678": only
    digits stay, and a leading +. Full-width digits count as digits. Nothing to dial → "".
    """
    text = str(value or "").strip()
    digits = "".join(str(int(char)) for char in text if char.isdecimal())
    if not digits:
        return ""
    plus = "+" if text.startswith(("+", "＋")) else ""
    return f"tel:{plus}{digits}"


@register.simple_tag
def page_range(page_obj):
    """Page numbers with ellipses (Paginator.ELLIPSIS) around the current page."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1))


@register.simple_tag
def page_href(query_string, number):
    """The link to page `number` that keeps the current filters (query_string has no `page`)."""
    page_part = urlencode({"page": number})
    return f"?{query_string}&{page_part}" if query_string else f"?{page_part}"


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page=None, current=None):
    """A trail from 首页 to the current page, for a Wagtail page or for a plain view (`current`).

    For a page it costs one query (its ancestors), none when the routing of the request found them
    (core.serving); the site root and the tree root are left out, because 首页 always starts the trail.
    """
    request = context.get("request")
    trail = []
    if page is not None and page.depth > 2:
        ancestors = page_ancestors(request, page)
        if ancestors is None:
            ancestors = page.get_ancestors().filter(depth__gt=2)
        for ancestor in ancestors:
            trail.append({"title": ancestor.title, "url": ancestor.get_url(request)})
        current = current or page.title
    return {"trail": trail, "current": current, "is_home": page is not None and page.depth <= 2}
