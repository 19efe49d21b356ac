"""Accessibility of the public pages, checked by axe-core in Debian's Chromium (SPEC §12, issue 12):
its full default rule set — WCAG 2.1 A and AA and the best practices (`region`, `landmark-*`,
`heading-order` …) — on every public page, desktop and 390 px, standard and large type.

axe-core comes inside the axe-playwright-python wheel; it is injected into the page under test
only, never served by the site.
"""

import json
from pathlib import Path

import axe_playwright_python
import pytest

from tests.e2e.public_pages import each_view, public_paths

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
# axe's defaults: every rule it enables out of the box, best practices included (not a tag subset).
AXE_OPTIONS = {"resultTypes": ["violations"]}
PAGES = [
    "/",
    "/estates/",
    "/estates/?group=1",
    "/estates/fenglinyayuan/",
    "/firms/",
    "/firms/langrunwuyeguanliyouxiangongsi/",
    "/search/?q=雅园",
    "/search/?q=",
    "/ratings/",
    "/ratings/2026-q2/",
    "/ratings/2026-q2/v1/",
    "/ratings/2026-q2/plates/xingtandongli/",
    "/ratings/data/",
]


def violations(page) -> list[str]:
    page.evaluate(AXE_SCRIPT)
    result = page.evaluate(f"axe.run(document, {json.dumps(AXE_OPTIONS)})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


def test_main_pages_have_no_axe_violations(page, site_url):
    found = {}
    for path in PAGES:
        response = page.goto(site_url + path)
        assert response.status == 200, path
        if problems := violations(page):
            found[path] = problems
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


def test_large_type_mode_keeps_the_pages_accessible(page, site_url):
    page.goto(site_url + "/display/large-type/on/?next=/estates/fenglinyayuan/")
    assert "large-type" in page.locator("html").get_attribute("class")
    found = {}
    for path in ("/estates/fenglinyayuan/", "/ratings/2026-q2/"):
        page.goto(site_url + path)
        if problems := violations(page):
            found[path] = problems
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


def test_every_public_page_passes_axe_at_both_widths_in_both_type_sizes(browser, site_url):
    found = {}
    for label, page in each_view(browser, site_url):
        for path in public_paths():
            response = page.goto(site_url + path)
            assert response.status == 200, (label, path)
            if problems := violations(page):
                found[f"{label} {path}"] = problems
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


def test_the_checker_itself_reports_a_real_violation(page, site_url):
    """Guards the two tests above against passing vacuously (axe not running, wrong tags)."""
    page.goto(site_url + "/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/static/x.png\">')"
    )
    assert any(v.startswith("image-alt") for v in violations(page))
    # …and a best practice outside the WCAG tags: content outside every landmark.
    page.evaluate("document.body.insertAdjacentHTML('afterbegin', '<p>无地标的内容</p>')")
    assert any(v.startswith("region") for v in violations(page))


def test_main_pages_break_no_content_security_policy_rule(page, site_url):
    """The public pages run under a strict CSP; a blocked style, script or image would show
    in the console."""
    blocked = []
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and blocked.append(message.text)
    )
    for path in PAGES:
        response = page.goto(site_url + path, wait_until="networkidle")
        assert "default-src 'self'" in response.headers["content-security-policy"], path
    assert not blocked, blocked
    # …and the listener does hear a violation: an inline style is refused under this policy.
    page.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>main{color:red}</style>')")
    page.wait_for_timeout(200)
    assert blocked
