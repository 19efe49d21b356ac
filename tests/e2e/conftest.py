"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

Never `playwright install`: the browser is Debian's package (`apt-get install chromium`).
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.demo_snapshot import demo_restored

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    # The machine's network is closed: without these Chromium keeps dialling Google's hosts.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MOBILE_WIDTH = 390


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an asyncio loop in this thread, which makes Django refuse ORM calls
    (SynchronousOnlyOperation) in the tests' own database setup; the live server's thread is unaffected.
    Scoped to the browser tests so the rest of the suite keeps Django's guard."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the browser tests use a database file, not Django's shared in-memory database:
    the live server then answers each request on its own connection, waiting on SQLite's lock as a
    real server does, so two requests at once behave as they would in production."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("e2e-db") / "e2e.sqlite3")


@pytest.fixture(scope="session")
def browser(_allow_orm_beside_playwright):
    if not CHROMIUM.exists():
        message = "Debian chromium not found at /usr/bin/chromium: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it; a skipped browser suite there would hide a broken step
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site_url(live_server, transactional_db) -> str:
    """The live server's address, with the demo data loaded. Each browser test gets a fresh copy:
    pytest-django empties the database after every test that uses the live server, and the demo is
    copied back from this process's first load (tests/demo_snapshot.py)."""
    demo_restored()
    return live_server.url


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def mobile_page(browser):
    context = browser.new_context(
        viewport={"width": MOBILE_WIDTH, "height": 844}, device_scale_factor=3, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()
