"""Large type (大字版) holds on every public page (issue 12): at 390 px and 1280 px, in standard and
large type, no page scrolls sideways or cuts text off, no plate, score or label breaks inside,
chart text renders at 12 CSS px or more, and a table wider than the screen scrolls in its own
focusable, named region. The pages are found from the demo's data (tests/e2e/public_pages.py)."""

import json

import pytest

from tests.e2e.conftest import MOBILE_WIDTH
from tests.e2e.public_pages import each_view, layout_problems, public_paths

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_every_public_page_holds_at_phone_and_desktop_width_in_both_type_sizes(browser, site_url):
    paths = public_paths()
    assert len(paths) >= 10, paths
    found = {}
    for label, page in each_view(browser, site_url):
        for path in paths:
            response = page.goto(site_url + path)
            assert response.status == 200, (label, path)
            assert ("large-type" in (page.locator("html").get_attribute("class") or "")) == (
                "大字版" in label
            )
            assert page.evaluate("window.innerWidth") == int(label.split("px")[0])
            if problems := layout_problems(page):
                found[f"{label} {path}"] = problems
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


def test_the_layout_checks_catch_what_they_look_for(page, site_url):
    """Guards the test above against passing vacuously: each check fires on a page made to fail it."""
    page.set_viewport_size({"width": MOBILE_WIDTH, "height": 844})
    page.goto(site_url + "/")
    # Styles set through the CSSOM: the page's Content-Security-Policy refuses inline style attributes.
    page.evaluate(
        """() => {
            const add = (tag, text, style) => {
                const el = document.createElement(tag);
                el.textContent = text;
                Object.assign(el.style, style);
                document.querySelector('main .container').append(el);
                return el;
            };
            add('div', '宽', {width: '600px'});
            add('p', '一个字一行的说明文字', {width: '1em'});
            const box = add('div', '', {width: '3em'});
            const number = document.createElement('span');
            number.className = 'num';
            number.textContent = '1234567.89';
            Object.assign(number.style, {whiteSpace: 'normal', overflowWrap: 'anywhere'});
            box.append(number);
            document.querySelector('main .container').insertAdjacentHTML('beforeend',
                '<svg viewBox="0 0 1000 100" width="300"><text x="0" y="50" font-size="12">小字</text></svg>'
                + '<table class="wide"><tr><td>宽表</td></tr></table>');
            document.querySelector('table.wide').style.width = '900px';
        }"""
    )
    problems = " ".join(layout_problems(page))
    assert "scrolls sideways" in problems
    assert "broken inside" in problems and "1234567.89" in problems
    assert "one character a line" in problems
    assert "chart text under 12 px" in problems
    assert "wide table" in problems
