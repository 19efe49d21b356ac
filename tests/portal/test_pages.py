"""The public shell as a resident meets it: the home page, navigation, footer, large type, search,
error pages and standard pages, within a fixed number of queries (SPEC §7, §12). The registry's
directory, estate and firm pages are tested in tests/registry/test_pages.py."""

import re
from pathlib import Path

import pytest

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse

from wagtail.models import Site

from portal.models import PortalSettings
from tests.helpers import html

pytestmark = pytest.mark.django_db

MAX_QUERIES = 20


# ---------- home and the shell ----------


def test_home_page_offers_find_my_estate_stats_and_groups(client, registry, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        body = html(client.get("/"))

    assert '<html lang="zh-Hans">' in body
    assert "<title>阳光物业 · 物业服务评级公示</title>" in body
    assert 'action="/search/"' in body and 'id="home-q"' in body
    stats = re.sub(r"\s+", "", body)
    assert '>3</span><spanclass="stats__label">个小区' in stats
    assert '>2</span><spanclass="stats__label">家物业企业' in stats
    assert 'href="/estates/"' in body and 'href="/firms/"' in body
    commercial = registry.maple.group
    assert f'href="/estates/?group={commercial.pk}"' in body
    assert "商品房" in body and "老旧小区" in body


def test_shell_has_skip_link_navigation_and_breadcrumbs(client, registry):
    body = html(client.get("/estates/"))

    assert '<a class="skip-link" href="#main">跳到主要内容</a>' in body
    assert '<main id="main" tabindex="-1">' in body
    nav = re.search(r'<nav class="site-nav" aria-label="主导航">(.*?)</nav>', body, re.S).group(1)
    assert re.findall(r">([^<]+)</a>", nav) == [
        "首页",
        "小区",
        "物业企业",
        "评级",
        "三微案例",
    ]
    assert '<a href="/estates/" aria-current="page">小区</a>' in nav
    assert '<a href="/" aria-current' not in nav
    crumbs = re.search(r'<nav class="breadcrumbs" aria-label="当前位置">(.*?)</nav>', body, re.S).group(1)
    assert '<a href="/">首页</a>' in crumbs and '<span aria-current="page">小区</span>' in crumbs


def test_estate_page_marks_its_section_in_the_navigation(client, registry):
    body = html(client.get("/estates/df-001/"))

    assert '<a href="/estates/" aria-current="true">小区</a>' in body
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', body, re.S).group(0)
    assert '<a href="/estates/">小区</a>' in crumbs and '<span aria-current="page">枫林雅园</span>' in crumbs


def test_pages_load_only_our_own_static_files(client, registry):
    body = html(client.get("/"))

    # What the page loads (feed links, rel="alternate", are only named, never loaded).
    tags = [t for t in re.findall(r"<(?:link|script|img)\b[^>]*>", body) if 'rel="alternate"' not in t]
    assets = [re.search(r'(?:href|src)="([^"]+)"', t).group(1) for t in tags]
    assert assets, "the page links no stylesheet"
    assert all(url.startswith("/static/") for url in assets), assets
    # Scripts only enhance (the type-ahead): our own files, deferred, never inline.
    scripts = re.findall(r"<script\b[^>]*>", body)
    assert scripts and all(re.search(r'src="/static/[^"]+" defer', tag) for tag in scripts), scripts
    assert "<script>" not in body


def test_demo_banner_only_when_demo_data_is_on(client, registry):
    assert "演示数据" not in html(client.get("/estates/"))

    settings = PortalSettings.for_site(Site.objects.get(is_default_site=True))
    settings.demo_data = True
    settings.save()

    for path in ["/", "/estates/", "/estates/df-001/", "/firms/", "/search/?q=雅园"]:
        body = html(client.get(path))
        assert '<section class="demo-banner" aria-label="演示数据提示">' in body, path
        assert "本站所有小区、企业、人员与分数均为虚构" in body, path


def test_footer_shows_only_the_filled_settings(client, registry):
    settings = PortalSettings.for_site(Site.objects.get(is_default_site=True))
    settings.organiser = "东风街道办事处"
    settings.contact_phone = "010-8888 1234"
    settings.icp_number = "京ICP备00000000号-1"
    settings.site_code = "1100000001"
    settings.save()

    footer = re.search(r'<footer class="site-footer">.*?</footer>', html(client.get("/")), re.S).group(0)

    assert "<dt>主办单位</dt><dd>东风街道办事处</dd>" in footer
    assert 'href="tel:01088881234">010-8888 1234</a>' in footer
    assert "京ICP备00000000号-1" in footer
    assert "网站标识码：1100000001" in footer
    assert "<dt>地址</dt>" not in footer and "公安机关备案号" not in footer and "电子邮箱" not in footer


# ---------- large type ----------


def test_large_type_cookie_adds_the_class_and_the_toggle_flips(client, registry):
    body = html(client.get("/estates/?group=1"))
    assert '<html lang="zh-Hans">' in body
    assert 'href="/display/large-type/on/?next=/estates/%3Fgroup%3D1">大字版</a>' in body

    client.cookies["large_type"] = "1"
    body = html(client.get("/estates/"))
    assert '<html lang="zh-Hans" class="large-type">' in body
    assert 'href="/display/large-type/off/?next=/estates/">标准版</a>' in body


def test_large_type_view_sets_and_deletes_its_cookie(client):
    response = client.get("/display/large-type/on/", {"next": "/estates/?group=2"})
    assert response.status_code == 302
    assert response["Location"] == "/estates/?group=2"
    assert response.cookies["large_type"].value == "1"
    assert response.cookies["large_type"]["max-age"] > 0

    response = client.get("/display/large-type/off/", {"next": "/firms/"})
    assert response["Location"] == "/firms/"
    assert response.cookies["large_type"].value == ""
    assert response.cookies["large_type"]["max-age"] == 0


def test_large_type_view_knows_only_on_and_off(client, registry):
    response = client.get("/display/large-type/huge/", {"next": "/"})

    assert response.status_code == 404
    assert "large_type" not in response.cookies


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/path", "javascript:alert(1)"])
def test_large_type_view_refuses_an_off_site_next(client, target):
    response = client.get("/display/large-type/on/", {"next": target})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_large_type_css_raises_the_base_size():
    stylesheet = Path(finders.find("css/portal.css")).read_text(encoding="utf-8")
    rule = re.search(r"html\.large-type\s*\{\s*font-size:\s*([\d.]+)%", stylesheet)
    assert rule and 125 <= float(rule.group(1)) <= 150


# ---------- search ----------


# ---------- errors ----------


def test_unknown_page_is_a_chinese_404(client, registry):
    response = client.get("/estates/no-such-estate/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "<title>页面不存在 · 阳光物业</title>" in body
    assert "没有找到这个页面" in body and 'action="/search/"' in body


def test_500_page_renders_without_a_request():
    body = render_to_string("500.html")

    assert "服务暂时不可用" in body and '<html lang="zh-Hans">' in body


def test_standard_page_shows_its_body_under_the_home_page(client, registry):
    from wagtail.models import Page

    from portal.models import StandardPage

    home = Page.objects.get(depth=2).specific
    home.add_child(
        instance=StandardPage(
            title="关于评级", slug="about", intro="评级怎样做", body="<p>每季度评一次。</p>"
        )
    )

    body = html(client.get("/about/"))

    assert "<title>关于评级 · 阳光物业</title>" in body
    assert "<h1>关于评级</h1>" in body and "每季度评一次。" in body
    assert '<span aria-current="page">关于评级</span>' in body


def test_a_newly_published_section_appears_in_the_navigation_at_once(client, registry):
    from cases.models import CaseIndexPage

    section = CaseIndexPage.objects.get()
    section.unpublish()
    assert "三微案例" not in html(client.get("/estates/"))  # and the navigation is cached now
    section.save_revision().publish()
    nav = re.search(
        r'<nav class="site-nav" aria-label="主导航">(.*?)</nav>', html(client.get("/estates/")), re.S
    ).group(1)
    assert "三微案例" in nav


def test_the_home_page_has_one_search_box_and_other_pages_the_header_one(client, registry):
    home = html(client.get("/"))
    assert home.count('role="search"') == 1 and 'id="home-q"' in home
    estates = html(client.get("/estates/"))
    assert estates.count('role="search"') == 1 and 'id="site-search-q"' in estates


def test_the_footer_links_firms_to_the_admin_login(client, registry):
    """Issue 13: a firm looking for where to log in finds 物业企业登录 in the footer of every page."""
    footer = re.search(r'<footer class="site-footer">.*?</footer>', html(client.get("/")), re.S).group(0)
    login = reverse("wagtailadmin_login")
    assert f'<a href="{login}">物业企业登录</a>' in footer
    response = client.get(login)
    assert response.status_code == 200 and 'name="username"' in html(response)
