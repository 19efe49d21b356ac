"""The public site in a real browser: no third-party request, keyboard use, 大字版 with and without
JavaScript, the estate directory's filters, and a phone-width layout (SPEC §12)."""

import re
from urllib.parse import urlsplit

import pytest

pytestmark = [
    pytest.mark.e2e,
    # The live server empties the database after each test; serialized rollback restores what the
    # migrations made (the page tree, the default groups) before the next one.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SKIP_LINK = "跳到主要内容"


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _results_total(page) -> int:
    heading = page.locator("#results-title").inner_text()
    return int(re.search(r"共\s*(\d+)\s*个", heading).group(1))


def test_home_page_loads_nothing_from_any_other_origin(page, site_url):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on(
        "response",
        lambda response: response.status >= 400 and failed.append(f"{response.status} {response.url}"),
    )

    response = page.goto(site_url + "/", wait_until="networkidle")

    assert response.status == 200
    assert page.get_by_role("heading", level=1).count() == 1
    assert requested, "the browser made no request at all"
    own = _origin(site_url)
    foreign = [url for url in requested if not url.startswith(("data:", "blob:")) and _origin(url) != own]
    assert foreign == []
    assert failed == []


def test_home_page_shows_the_demo_data_banner(page, site_url):
    page.goto(site_url + "/")
    assert page.get_by_role("note").filter(has_text="演示数据").is_visible()


def test_first_tab_reaches_the_skip_link_then_the_search_box(page, site_url):
    page.goto(site_url + "/")

    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({text: document.activeElement.textContent.trim(), href: document.activeElement.getAttribute('href')})"
    )
    assert focused == {"text": SKIP_LINK, "href": "#main"}
    assert page.get_by_role("link", name=SKIP_LINK).is_visible(), "the focused skip link must be shown"

    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == "q":
            break
    else:
        pytest.fail("the header search box is not reachable with Tab")
    page.keyboard.type("花园")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))


def test_skip_link_moves_focus_to_the_main_content(page, site_url):
    page.goto(site_url + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_large_type_toggle_persists_across_pages(browser, site_url, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.goto(site_url + "/estates/")
        html = page.locator("html")
        assert "large-type" not in (html.get_attribute("class") or "")

        page.get_by_role("link", name="大字版").click()
        page.wait_for_load_state()
        assert urlsplit(page.url).path == "/estates/", "the toggle returns to the page the reader was on"
        assert "large-type" in html.get_attribute("class").split()

        page.get_by_role("navigation", name="主导航").get_by_role("link", name="首页").click()
        page.wait_for_load_state()
        assert urlsplit(page.url).path == "/"
        assert "large-type" in html.get_attribute("class").split()

        page.get_by_role("link", name="标准版").click()
        page.wait_for_load_state()
        assert "large-type" not in (html.get_attribute("class") or "")
    finally:
        context.close()


def test_estate_directory_filter_by_group_narrows_the_rows(page, site_url):
    page.goto(site_url + "/estates/")
    rows = page.locator("table.data-table tbody tr")
    total = _results_total(page)
    assert total > 0 and rows.count() > 0

    group_select = page.get_by_label("分组")
    group_name = group_select.locator("option").nth(1).inner_text().strip()
    group_select.select_option(label=group_name)
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"[?&]group=\d+"))

    narrowed = _results_total(page)
    assert 0 < narrowed < total
    groups_shown = rows.locator("td[data-label='分组']").all_inner_texts()
    assert len(groups_shown) == min(narrowed, rows.count())
    assert {text.strip() for text in groups_shown} == {group_name}
    assert page.get_by_label("分组").input_value() != "", "the chosen group stays selected"


@pytest.mark.parametrize("large_type", [False, True], ids=["standard", "large-type"])
@pytest.mark.parametrize("path", ["/", "/estates/", "estate", "/firms/", "/search/?q=测试"])
def test_phone_width_has_no_horizontal_scroll(mobile_page, site_url, path, large_type):
    if large_type:
        mobile_page.goto(site_url + "/display/large-type/on/?next=/")
    if path == "estate":
        mobile_page.goto(site_url + "/estates/")
        mobile_page.locator("table.data-table tbody tr a").first.click()
        mobile_page.wait_for_load_state()
    else:
        mobile_page.goto(site_url + path)
    assert ("large-type" in (mobile_page.locator("html").get_attribute("class") or "")) is large_type
    viewport = mobile_page.viewport_size["width"]
    width = mobile_page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= viewport, f"{mobile_page.url} scrolls sideways: {width}px wide"
