"""Project-wide promises that no single app owns: no third-party asset, Chinese locale, pinned
dependencies, and a CI that never downloads a browser (SPEC §12, issue 3)."""

import re
from pathlib import Path

import pytest

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
SCANNED_SUFFIXES = {".html", ".txt", ".xml", ".css", ".js", ".mjs", ".svg", ".json", ".webmanifest"}

# An attribute or CSS reference that makes the browser fetch or send something: never off-site.
ASSET_ATTRIBUTE = re.compile(
    r"""\b(?P<attr>src|srcset|href|xlink:href|action|formaction|poster|data|background|manifest)\s*=\s*["']?\s*(?P<url>(?:https?:)?//[^\s"'>]+)""",
    re.IGNORECASE,
)
CSS_URL = re.compile(
    r"""(?:url\(\s*["']?|@import\s+["'])\s*(?P<url>(?:https?:)?//[^\s"')]+)""", re.IGNORECASE
)
TAG = re.compile(r"<(?P<name>[a-zA-Z][\w:-]*)\b[^>]*>", re.DOTALL)
# The only off-site destinations a page may offer, as plain links the reader chooses to follow:
# the ICP and public-security filing registries, which Chinese law requires the footer to link to.
LINK_HOSTS_ALLOWED = {"beian.miit.gov.cn", "beian.mps.gov.cn", "www.beian.gov.cn"}


def _host(url: str) -> str:
    return re.sub(r"^(?:https?:)?//", "", url).split("/", 1)[0].split(":", 1)[0].lower()


def _external_references(text: str) -> list[str]:
    found = [m.group("url") for m in CSS_URL.finditer(text)]
    for tag in TAG.finditer(text):
        for attr in ASSET_ATTRIBUTE.finditer(tag.group(0)):
            is_link = tag.group("name").lower() == "a" and attr.group("attr").lower().endswith("href")
            if not (is_link and _host(attr.group("url")) in LINK_HOSTS_ALLOWED):
                found.append(f"<{tag.group('name')} {attr.group('attr')}={attr.group('url')}>")
    return found


def _site_files() -> list[Path]:
    files = []
    for folder in ("templates", "static"):
        files += [p for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix in SCANNED_SUFFIXES]
    return sorted(files)


@pytest.mark.parametrize(
    "text",
    [
        '<script src="https://cdn.example.com/x.js"></script>',
        '<link rel="stylesheet" href="//fonts.example.com/css">',
        "body { background: url('https://img.example.com/bg.png') }",
        '@import "https://example.com/a.css";',
        '<img alt="" srcset="http://example.com/a.png 2x">',
        '<a href="https://example.com/">elsewhere</a>',
        '<form action="https://example.com/collect">',
    ],
)
def test_external_reference_scanner_catches_each_kind(text):
    assert _external_references(text) != []


@pytest.mark.parametrize(
    "text",
    [
        '<link rel="stylesheet" href="{% static \'css/portal.css\' %}">',
        '<a href="https://beian.miit.gov.cn/" rel="noopener">京ICP备00000000号</a>',
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"></svg>',
        "background: url(../img/logo.svg)",
    ],
)
def test_external_reference_scanner_allows_own_assets_and_filing_links(text):
    assert _external_references(text) == []


def test_no_template_or_static_file_references_another_origin():
    files = _site_files()
    assert any(p.name == "base.html" for p in files), "templates/base.html is missing"
    offenders = {
        str(path.relative_to(ROOT)): refs
        for path in files
        if (refs := _external_references(path.read_text(encoding="utf-8", errors="replace")))
    }
    assert offenders == {}


def test_site_speaks_simplified_chinese_in_beijing_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_every_requirement_is_pinned_exactly(name):
    pinned = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9,._-]+\])?==[A-Za-z0-9.+!-]+(\s*;.*)?$")
    lines = [
        line.split(" #", 1)[0].strip() for line in (ROOT / name).read_text(encoding="utf-8").splitlines()
    ]
    requirements = [line for line in lines if line and not line.startswith(("#", "-r "))]
    assert requirements, f"{name} lists nothing"
    assert [line for line in requirements if not pinned.match(line)] == []


def test_framework_versions_are_the_ones_promised():
    import django

    import wagtail

    assert django.VERSION[:2] == (5, 2)
    assert wagtail.VERSION[:2] == (8, 0)


@pytest.mark.parametrize("name", ["Makefile", ".ci/run"])
def test_build_never_downloads_a_browser(name):
    # Only Debian's chromium exists on CI's machine; `playwright install` would try the network and fail.
    text = (ROOT / name).read_text(encoding="utf-8")
    assert not re.search(r"playwright\s+install", text)
