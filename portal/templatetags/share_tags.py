"""The meta description and Open Graph tags of every public page (WeChat and other share cards).

One place decides what a page says about itself when it has no search_description of its own, by
page type, from what its context already holds (no query of its own). URLs are absolute on the
site's configured address (PORTAL_BASE_URL), never on whatever host the request came in by.
"""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.text import Truncator

register = template.Library()

SITE_DESCRIPTION = (
    "阳光物业：街道物业服务评级公示平台。查小区的挂牌等级（绿牌、蓝牌、黄牌、红牌）、得分与排名，"
    "物业企业、红黑榜、三微案例和开放数据。"
)
SHARE_IMAGE = "img/share.png"  # 1200 × 630, drawn once with Pillow (Noto Sans CJK) and committed
SHARE_IMAGE_SIZE = (1200, 630)
DESCRIPTION_MAX = 120


def _estate(context, page):
    estate = context.get("estate")
    if estate is None:
        return None
    return (
        f"{estate.name}：{estate.street.name}{estate.community.name}，{estate.group.name}，"
        f"{estate.households}户。物业服务企业与服务变更记录。"
    )


def _firm(context, page):
    firm = context.get("firm")
    if firm is None:
        return None
    count = context.get("current_count")
    if count is None:
        return f"{firm.name}（统一社会信用代码 {firm.credit_code}）：在管小区、各季度评级与红黑榜记录。"
    return f"{firm.name}（统一社会信用代码 {firm.credit_code}）：在管小区 {count} 个。"


def _quarter(context, page):
    label = context.get("quarter_label") or page.title
    row = context.get("row")
    if row is not None and getattr(row, "estate_name", None):
        return f"{row.estate_name} {label}物业服务评级挂牌：等级、得分、排名与近四个季度的挂牌。"
    return f"{label}物业服务评级：各小区挂牌等级、得分与排名，红黑榜，申诉登记，开放数据。"


# By page type: what to say when the editors wrote no search_description. The estate, firm, rating
# and quarter templates still write the same sentences in their own meta_description blocks.
DEFAULTS = {
    "HomePage": lambda context, page: SITE_DESCRIPTION,
    "EstateIndexPage": lambda context, page: (
        "辖区小区目录：每个小区的在管物业企业和本季度评级挂牌，可按社区、分组和等级查找。"
    ),
    "EstatePage": _estate,
    "FirmIndexPage": lambda context, page: "辖区物业服务企业名录：统一社会信用代码、在管小区与评级。",
    "FirmPage": _firm,
    "RatingIndexPage": lambda context, page: "各季度物业服务评级结果：挂牌等级、排名、红黑榜与开放数据。",
    "QuarterPage": _quarter,
    "CaseIndexPage": lambda context, page: (
        page.intro or "三微案例：物业服务中的微服务、微治理、微更新，居民身边的好做法。"
    ),
}
ARTICLE_TYPES = {"StandardPage", "CasePage", "CaseIssuePage", "DisclosurePage"}


def page_description(context, page) -> str:
    if page is None:
        return context.get("meta_description") or SITE_DESCRIPTION
    if getattr(page, "search_description", ""):
        return page.search_description
    default = DEFAULTS.get(type(page).__name__)
    text = default(context, page) if default else None
    if not text:
        text = getattr(page, "summary", "") or getattr(page, "intro", "")
    if not text:
        text = f"{page.title} · {SITE_DESCRIPTION}"
    return text


def page_title(context, page) -> str:
    row = context.get("row")
    if page is not None and row is not None and getattr(row, "estate_name", None):
        return f"{row.estate_name} · {context.get('quarter_label') or page.title}挂牌"
    if page is not None and page.depth > 2:
        return page.seo_title or page.title
    return context.get("share_title") or settings.WAGTAIL_SITE_NAME


@register.simple_tag(takes_context=True)
def share_meta(context) -> dict:
    """What base.html writes into `<meta name="description">` (unless the page's template writes its
    own) and into the og:* tags (includes/share_meta.html)."""
    request = context.get("request")
    page = context.get("page")
    if page is not None and not hasattr(page, "depth"):
        page = None  # a paginator's page in a plain view
    base = settings.PORTAL_BASE_URL
    description = Truncator(" ".join(page_description(context, page).split())).chars(DESCRIPTION_MAX)
    return {
        "description": description,
        "title": page_title(context, page),
        "url": base + (request.get_full_path() if request else "/"),
        "type": "article" if page is not None and type(page).__name__ in ARTICLE_TYPES else "website",
        "site_name": settings.WAGTAIL_SITE_NAME,
        "image": base + static(SHARE_IMAGE),
        "image_size": SHARE_IMAGE_SIZE,
    }
