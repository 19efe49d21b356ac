"""The shell as a resident and a re-user meet it: Chinese error pages with DEBUG off, share cards
and meta descriptions, absolute URLs on the site's real address, dialable phone links, compressed
responses and the about/privacy/accessibility pages (issue 12)."""

import gzip
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpResponse
from django.template import Context, Template
from django.test import override_settings
from django.urls import include, path
from django.utils.encoding import iri_to_uri

from wagtail.models import Page, Site

from portal import urls as portal_urls
from portal.demo_pages import PAGES, demo_standard_pages_load
from portal.models import PortalSettings, StandardPage
from portal.services import site_address_sync
from tests.helpers import html

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
BASE_URL = "https://wuye.example.gov.cn"


def _boom(request):
    raise RuntimeError("a bug in a view")


def _big(request):
    return HttpResponse("数据," * 500, content_type="text/csv; charset=utf-8")


# This module is also a URLconf for the error and compression tests: the site plus two test views.
urlpatterns = [
    path("boom/", _boom),
    path("big.csv", _big),
    path("", include(portal_urls)),
]


# ---------- errors, as `make run` serves them (DEBUG off) ----------


def test_unknown_address_with_debug_off_is_the_chinese_404_page(client, registry, settings):
    settings.DEBUG = False
    response = client.get("/no/such/place/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "没有找到这个页面" in body and "<title>页面不存在 · 阳光物业</title>" in body
    assert "Page not found" not in body and "Using the URLconf" not in body


@pytest.mark.urls(__name__)
def test_a_failing_view_with_debug_off_is_the_chinese_500_page(client, registry, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/boom/")

    assert response.status_code == 500
    body = response.content.decode()
    assert "服务暂时不可用" in body and '<html lang="zh-Hans">' in body
    assert "Traceback" not in body and "RuntimeError" not in body


def _dev_settings(**env) -> str:
    code = "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS, settings.PORTAL_BASE_URL)"
    clean = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings.dev", **env}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_make_run_serves_with_debug_off_and_make_dev_with_debug_on():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    run = re.search(r"^run:.*?(?=^\S)", makefile, re.S | re.M).group(0)
    dev = re.search(r"^dev:.*?(?=^\S|\Z)", makefile, re.S | re.M).group(0)
    assert "DJANGO_DEBUG=0" in run and "DJANGO_DEBUG=1" in dev
    assert "--verbosity 0" in makefile  # migrate says one line, not one per migration

    off = _dev_settings(DJANGO_DEBUG="0", ALLOWED_HOSTS="192.0.2.7", PORTAL_BASE_URL="http://192.0.2.7:8080/")
    assert off.startswith("False ") and "'192.0.2.7'" in off and "'localhost'" in off
    assert off.endswith("http://192.0.2.7:8080")
    assert _dev_settings().startswith("True ")


def test_make_run_prints_the_port_it_was_given():
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8080"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "http://127.0.0.1:8080" in result.stdout and "8000" not in result.stdout


# ---------- tel: links ----------


@pytest.mark.parametrize(
    "written, href",
    [
        ("010-0000 0000（演示）", "tel:01000000000"),
        ("+86 (10) 6000-1234", "tel:+861060001234"),
        ("＋８６ １０ ６０００", "tel:+86106000"),
        ("12345", "tel:12345"),
        ("请到窗口咨询", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_tel_href_keeps_only_digits_and_a_leading_plus(written, href):
    rendered = Template("{% load ui_tags %}{{ phone|tel_href }}").render(Context({"phone": written}))
    assert rendered == href


def test_footer_phone_dials_digits_only(client, registry):
    portal_settings = PortalSettings.for_site(Site.objects.get(is_default_site=True))
    portal_settings.contact_phone = "010-0000 0000（演示）"
    portal_settings.save()

    assert 'href="tel:01000000000">010-0000 0000（演示）</a>' in html(client.get("/"))


# ---------- the site's real address: sitemap, API, share cards ----------


def test_sitemap_lists_absolute_urls_on_the_configured_host(client, registry, settings):
    settings.PORTAL_BASE_URL = BASE_URL
    site_address_sync(base_url=settings.PORTAL_BASE_URL)

    index = client.get("/sitemap.xml").content.decode()
    assert re.findall(r"<loc>(.*?)</loc>", index) == [f"{BASE_URL}/sitemap-pages.xml"]
    body = client.get("/sitemap-pages.xml").content.decode()
    locations = re.findall(r"<loc>(.*?)</loc>", body)

    assert f"{BASE_URL}/" in locations and f"{BASE_URL}/estates/" in locations
    assert all(location.startswith(f"{BASE_URL}/") for location in locations), locations
    assert "localhost" not in index + body and "testserver" not in index + body


def test_the_sitemap_comes_in_sections_and_its_index_reads_no_page(
    client, registry, settings, monkeypatch, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import estates_with_pages

    """A city's 22,000 pages in one sitemap were 3 MB and 7.5 s: the index lists sections of
    SITEMAP_PAGE_SIZE pages, and costs the same few queries whatever the number of pages."""
    from wagtail.models import Page

    from portal import sitemaps

    settings.PORTAL_BASE_URL = BASE_URL
    site_address_sync(base_url=BASE_URL)
    monkeypatch.setattr(sitemaps, "SITEMAP_PAGE_SIZE", 3)
    client.get("/sitemap.xml")
    with CaptureQueriesContext(connection) as few:
        client.get("/sitemap.xml")
    estates_with_pages(4)
    listed = Page.objects.live().public().filter(depth__gte=2).count()
    with django_assert_max_num_queries(len(few)):
        response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    sections = re.findall(r"<loc>(.*?)</loc>", response.content.decode())
    expected = -(-listed // 3)
    assert expected >= 2
    assert sections == [f"{BASE_URL}/sitemap-pages.xml"] + [
        f"{BASE_URL}/sitemap-pages.xml?p={n}" for n in range(2, expected + 1)
    ]
    assert "<lastmod>" not in response.content.decode()  # the factories' pages were never published
    Page.objects.filter(url_path="/home/estates/").update(last_published_at="2026-11-30T10:00:00+08:00")
    entries = client.get("/sitemap.xml").content.decode().split("</sitemap>")[:-1]
    assert len(entries) == expected
    assert all("<lastmod>2026-11-30T10:00:00+08:00</lastmod>" in entry for entry in entries), entries

    locations = []
    for section in sections:
        body = client.get(section.removeprefix(BASE_URL)).content.decode()
        found = re.findall(r"<loc>(.*?)</loc>", body)
        assert 1 <= len(found) <= 3
        locations += found
    assert len(locations) == len(set(locations)) == listed
    assert f"{BASE_URL}/estates/" in locations
    assert client.get("/sitemap-pages.xml", {"p": expected + 1}).status_code == 404
    assert client.get("/sitemap-other.xml").status_code == 404


def test_robots_txt_points_to_the_sitemap_on_the_configured_host_and_keeps_crawlers_from_the_admin(
    client, settings
):
    settings.PORTAL_BASE_URL = BASE_URL
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {BASE_URL}/sitemap.xml" in lines
    assert {"User-agent: *", "Disallow: /admin/", "Disallow: /search/"} <= set(lines)
    assert not any(line in ("Disallow: /", "Disallow: /estates/") for line in lines)


def test_site_address_takes_host_and_port_and_changes_nothing_the_second_time():
    site = site_address_sync(base_url="http://192.0.2.7:8080")
    assert (site.hostname, site.port, site.root_url) == ("192.0.2.7", 8080, "http://192.0.2.7:8080")
    site = site_address_sync(base_url="https://wuye.example.gov.cn/")
    assert (site.hostname, site.port) == ("wuye.example.gov.cn", 443)
    with pytest.raises(ValueError):
        site_address_sync(base_url="wuye.example.gov.cn")


def test_api_urls_are_on_the_configured_host(client, registry, settings):
    settings.WAGTAILAPI_BASE_URL = BASE_URL
    site_address_sync(base_url=BASE_URL)

    item = client.get("/api/v2/pages/", {"type": "registry.EstatePage"}).json()["items"][0]

    assert item["meta"]["detail_url"].startswith(f"{BASE_URL}/api/v2/pages/")
    assert item["meta"]["html_url"].startswith(f"{BASE_URL}/estates/")


def _meta(body: str) -> dict[str, str]:
    found = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', body))
    return found


def test_every_kind_of_page_has_a_description_and_a_share_card(client, registry, settings):
    settings.PORTAL_BASE_URL = BASE_URL
    estate_url = registry.maple.page.url
    firm_url = registry.sunrise.page.url
    for url in (
        "/",
        "/estates/",
        estate_url,
        "/firms/",
        firm_url,
        iri_to_uri("/search/?q=雅园"),
        "/no/such/page/",
    ):
        meta = _meta(client.get(url).content.decode())
        assert meta["og:url"] == BASE_URL + url, url
        assert meta["og:locale"] == "zh_CN" and meta["og:site_name"] == "阳光物业", url
        assert meta["og:type"] in {"website", "article"} and meta["og:title"], url
        assert meta["og:image"] == f"{BASE_URL}/static/img/share.png", url
        assert len(meta["og:description"]) >= 20, url
        if not url.startswith("/search/"):  # search results carry noindex instead
            assert meta["description"] == meta["og:description"], url

    meta = _meta(client.get(estate_url).content.decode())
    assert meta["og:title"] == "枫林雅园" and meta["og:description"].startswith("枫林雅园：")


def test_a_written_search_description_wins_over_the_default(client, registry):
    page = registry.maple.page
    page.search_description = "编辑写的摘要：枫林雅园的评级与物业。"
    page.save()

    meta = _meta(client.get(page.url).content.decode())

    assert meta["description"] == meta["og:description"] == "编辑写的摘要：枫林雅园的评级与物业。"


def test_the_share_image_is_a_1200_by_630_png():
    data = (ROOT / "static/img/share.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(data[16:20]), int.from_bytes(data[20:24])) == (1200, 630)
    assert len(data) < 60_000


# ---------- compression ----------


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/", "/estates/", "/api/v2/pages/", "/big.csv", "/feeds/ratings/"])
def test_html_json_csv_and_feeds_come_back_gzipped(client, registry, url):
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert response.status_code == 200, url
    assert response["Content-Encoding"] == "gzip", url
    assert "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(response.content)


def test_without_accept_encoding_the_response_is_plain(client, registry):
    response = client.get("/")
    assert not response.has_header("Content-Encoding")


# ---------- about, privacy, accessibility ----------


def test_demo_pages_about_privacy_and_accessibility_are_linked_from_the_footer(client, registry):
    demo_standard_pages_load()
    demo_standard_pages_load()  # a second load changes nothing

    assert StandardPage.objects.live().count() == len(PAGES) == 3
    footer = re.search(r'<footer class="site-footer">.*?</footer>', html(client.get("/")), re.S).group(0)
    for slug, title, *_ in PAGES:
        assert f'<a href="/{slug}/">{title}</a>' in footer
        body = html(client.get(f"/{slug}/"))
        assert f"<h1>{title}</h1>" in body and "演示" in body
    assert 'aria-current="page">关于本站</a>' in html(client.get("/about/"))


def test_an_edited_demo_page_is_left_as_the_editors_made_it(registry):
    demo_standard_pages_load()
    page = StandardPage.objects.get(slug="privacy")
    page.body = "<p>街道修改过的隐私政策。</p>"
    page.save_revision().publish()

    demo_standard_pages_load()

    assert StandardPage.objects.get(slug="privacy").body == "<p>街道修改过的隐私政策。</p>"
    assert Page.objects.filter(slug="privacy").count() == 1


def test_footer_hides_the_links_when_the_pages_do_not_exist(client, registry):
    assert "本站信息" not in html(client.get("/"))


@override_settings(PORTAL_BASE_URL="http://127.0.0.1:8080")
def test_demo_logins_name_the_configured_admin_address():
    get_user_model().objects.create_user("editor")
    out = io.StringIO()

    call_command("demo_logins", stdout=out)

    assert "http://127.0.0.1:8080/admin/" in out.getvalue() and ":8000" not in out.getvalue()
