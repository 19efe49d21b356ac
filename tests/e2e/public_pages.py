"""Every kind of public page of the demo, found from its data, and the layout checks run in the
browser on each (issue 12: large type holds at 390 px; axe on every public page)."""

WIDTHS = [390, 1280]  # a phone (tests/e2e/conftest.py MOBILE_WIDTH) and a desktop


def public_paths() -> list[str]:
    """One page of each public kind, from the demo as loaded: the shell's pages, an estate with a
    plate and a disclosure, a firm, the latest released quarter and one of its printable plates,
    search, a standard page, 评分办法, and the cases and disclosures pages (with an estate's
    printable noticeboard) when those apps have any."""
    from wagtail.models import Page  # this module's checks also serve scripts without Django

    live = Page.objects.live().specific()
    by_type: dict[str, list] = {}
    for page in live.order_by("path"):
        by_type.setdefault(type(page).__name__, []).append(page)

    def first_url(kind, prefer=None):
        pages = by_type.get(kind, [])
        chosen = next((p for p in pages if p.slug == prefer), pages[0] if pages else None)
        return chosen.url if chosen else None

    estate = first_url("EstatePage", "fenglinyayuan")
    # The quarter the demo tells most with (a veto, an exit warning, a correction), else the latest,
    # and the plate of 杏坛东里 (red, two quarters running) or of the estate above.
    quarter = first_url("QuarterPage", "2026-q2") if "QuarterPage" in by_type else None
    plate_slug = "xingtandongli" if quarter and quarter.endswith("/2026-q2/") else None
    if quarter and not plate_slug:
        quarter = sorted(by_type["QuarterPage"], key=lambda page: page.slug)[-1].url
    plate_slug = plate_slug or (estate.rstrip("/").rsplit("/", 1)[-1] if estate else None)
    plate = f"{quarter}plates/{plate_slug}/" if quarter and plate_slug else None
    paths = [
        "/",
        "/estates/",
        estate,
        "/firms/",
        first_url("FirmPage"),
        "/ratings/",
        "/ratings/rules/" if quarter else None,
        quarter,
        plate,
        "/search/?q=雅园",
        first_url("StandardPage", "about"),
        first_url("CaseIndexPage"),
        first_url("CasePage"),
        first_url("CaseIssuePage"),
        first_url("DisclosurePage"),
        f"{estate}noticeboard/" if estate and "DisclosurePage" in by_type else None,
    ]
    return [path for path in paths if path]


def each_view(browser, site_url):
    """(label, page) for each width and type size; the large type is the reader's cookie."""
    for width in WIDTHS:
        for large in (False, True):
            # Not an emulated phone: its layout viewport would widen to fit an overflow and hide it.
            context = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN")
            context.set_default_timeout(10_000)
            if large:
                context.add_cookies([{"name": "large_type", "value": "1", "url": site_url}])
            try:
                yield f"{width}px {'大字版' if large else '标准版'}", context.new_page()
            finally:
                context.close()


# The whole page fits the window: no sideways scrolling. Offenders are listed to say what to fix
# (an element wider than the window that is not inside a region meant to scroll sideways).
OVERFLOW_JS = """() => {
    const width = window.innerWidth;
    const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }
        return false; };
    const offenders = [];
    for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width && r.right > width + 1 && !scrolls(el) && !el.closest('.visually-hidden, thead')) {
            offenders.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} right=${Math.round(r.right)}`);
        }
    }
    // Cut off instead: a box that hides what overflows it (rounded corners) while its text is wider.
    const clipped = [];
    for (const el of document.body.querySelectorAll('*')) {
        const o = getComputedStyle(el).overflowX;
        if ((o === 'hidden' || o === 'clip') && el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1
            && el.tagName !== 'INPUT' && !el.closest('.visually-hidden')) {
            clipped.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${el.scrollWidth} > ${el.clientWidth}`);
        }
    }
    return {scrollWidth: document.documentElement.scrollWidth, width, offenders: offenders.slice(0, 5),
            clipped: clipped.slice(0, 5)};
}"""

# A plate, a score, a band or a label never breaks inside: each of their text nodes stays on one line.
UNBROKEN = ", ".join(
    [
        ".band",
        ".plate__band-name",
        ".plate-mark__band",
        ".plate-mark__quarter",
        ".plate__score",
        ".band-summary__count",
        ".stats__number",
        ".num",
        ".code",
        ".tag",
        ".status",
        ".record__kind",
        ".type-toggle",
        "button",
    ]
)
BROKEN_JS = """(selector) => {
    const broken = [];
    for (const el of document.querySelectorAll(selector)) {
        let hidden = false;  // inside a box clipped to 1 px: a phone's table head, visually-hidden text
        for (let p = el; p && !hidden; p = p.parentElement) hidden = p.getBoundingClientRect().width <= 1;
        if (hidden) continue;
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (!node.textContent.trim()) continue;
            const range = document.createRange();
            range.selectNodeContents(node);
            const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
            if (tops.size > 1) broken.push(`${el.className || el.tagName}: ${node.textContent.trim().slice(0, 20)}`);
        }
    }
    return broken.slice(0, 5);
}"""

# Text squeezed into a column about one character wide, so that it reads one character a line.
SQUEEZED_JS = """() => {
    const squeezed = [];
    for (const el of document.body.querySelectorAll('*')) {
        const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join('');
        if (text.length < 4) continue;
        const r = el.getBoundingClientRect();
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (!(r.width > 1 && r.width < 2 * size && r.height > 4 * size)) continue;
        let hidden = false;  // inside a box clipped to 1 px: a phone's table head, visually-hidden text
        for (let p = el.parentElement; p && !hidden; p = p.parentElement) hidden = p.getBoundingClientRect().width <= 1;
        if (!hidden) squeezed.push(text.slice(0, 12));
    }
    return squeezed.slice(0, 5);
}"""

# Chart text as rendered: at least 12 CSS px tall glyphs (font size times the SVG's scale).
CHART_TEXT_JS = """() => {
    const small = [];
    for (const text of document.querySelectorAll('svg text')) {
        if (!text.getClientRects().length || !text.textContent.trim()) continue;
        if (text.closest('.plate__qr-code')) continue;
        const size = parseFloat(getComputedStyle(text).fontSize);
        const ctm = text.getScreenCTM();
        const scale = ctm ? Math.hypot(ctm.a, ctm.b) : 1;
        const rendered = size * scale;
        if (rendered < 11.95) small.push(`${text.textContent.trim().slice(0, 12)}: ${rendered.toFixed(1)}px`);
    }
    return small.slice(0, 5);
}"""

# A table wider than the window must sit in a region that scrolls, can take focus and is named.
TABLE_JS = """() => {
    const bad = [];
    for (const table of document.querySelectorAll('main table')) {
        const r = table.getBoundingClientRect();
        if (!r.width || r.right <= window.innerWidth + 1) continue;
        const region = table.closest('.table-scroll');
        if (!region || region.tabIndex < 0 || !(region.getAttribute('aria-label') || region.getAttribute('aria-labelledby'))) {
            bad.push(table.className || 'table');
        }
    }
    return bad;
}"""


def layout_problems(page) -> list[str]:
    problems = []
    overflow = page.evaluate(OVERFLOW_JS)
    if overflow["scrollWidth"] > overflow["width"]:
        problems.append(
            f"scrolls sideways: {overflow['scrollWidth']} > {overflow['width']} {overflow['offenders']}"
        )
    if overflow["clipped"]:
        problems.append(f"cut off: {overflow['clipped']}")
    if broken := page.evaluate(BROKEN_JS, UNBROKEN):
        problems.append(f"broken inside: {broken}")
    if squeezed := page.evaluate(SQUEEZED_JS):
        problems.append(f"one character a line: {squeezed}")
    if small := page.evaluate(CHART_TEXT_JS):
        problems.append(f"chart text under 12 px: {small}")
    if tables := page.evaluate(TABLE_JS):
        problems.append(f"wide table without a focusable, named scroll region: {tables}")
    return problems
