"""core.pagecache tells the reverse proxy (wagtail.contrib.frontend_cache) what a publication
retires: the same pages its own purge retires, trees as their root URL followed by "*"; a proxy
that fails never undoes the publication."""

import pytest

from wagtail.contrib.frontend_cache.backends.base import BaseBackend

from core import pagecache

pytestmark = pytest.mark.django_db

purged: list[str] = []


class RecordingBackend(BaseBackend):
    def purge(self, url) -> None:
        purged.append(url)


class FailingBackend(BaseBackend):
    def purge(self, url) -> None:
        raise ConnectionError("the proxy does not answer")


@pytest.fixture
def proxy(settings):
    purged.clear()
    settings.PORTAL_BASE_URL = "https://wuye.example.org"
    settings.WAGTAILFRONTENDCACHE = {"proxy": {"BACKEND": f"{__name__}.RecordingBackend"}}
    return settings


def test_a_purge_reaches_the_proxy_after_the_commit(proxy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pagecache.purge_pages(["/home/estates/fenglin/"])
    assert purged == []  # nothing before the transaction commits
    for callback in callbacks:
        callback()
    base = "https://wuye.example.org"
    # Pages (each with every query string) as they are; the estate's tree marked as a prefix.
    assert {base + "/", base + "/sitemap.xml", base + "/estates/", base + "/estates/fenglin/*"} <= set(purged)
    assert all(url.startswith(base + "/") for url in purged)
    trees = {url for url in purged if url.endswith("*")}
    assert trees == {base + "/estates/fenglin/*", base + "/search/*"}  # never "/*": home is one page


def test_no_proxy_configured_sends_nothing(settings, django_capture_on_commit_callbacks):
    purged.clear()
    settings.WAGTAILFRONTENDCACHE = {}
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.purge_pages(["/home/estates/fenglin/"])
    assert purged == []


def test_a_proxy_that_fails_is_logged_and_does_not_raise(proxy, django_capture_on_commit_callbacks, caplog):
    proxy.WAGTAILFRONTENDCACHE = {"proxy": {"BACKEND": f"{__name__}.FailingBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.purge_pages(["/home/estates/fenglin/"])
    assert "purge" in caplog.text.lower()
