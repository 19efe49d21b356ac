"""Root of the test tree: the report header and the fixtures that tests of more than one app use.
Helpers shared the same way are in tests/helpers.py; factories in tests/factories.py."""

import pytest

from django.conf import settings
from django.core.cache import cache


def pytest_report_header(config):
    # CI runs the suite twice (SQLite, then PostgreSQL): say which one this run is on.
    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} ({database['NAME']})"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The cache is per process (LocMemCache) and holds the navigation (which sections are live)
    # and the site root: each test starts from its own page tree and an empty cache.
    from core.pagecache import local_bodies

    cache.clear()
    local_bodies.clear()
    yield
    cache.clear()
    local_bodies.clear()


@pytest.fixture
def demo(db):
    """The demo street (`load_demo`), copied back from the first load of this test process
    (tests/demo_snapshot.py). Tests of `load_demo` itself call the command."""
    from tests.demo_snapshot import demo_restored

    demo_restored()


@pytest.fixture
def write_file(tmp_path):
    def write(name: str, data: bytes):
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


@pytest.fixture
def street():
    """Four estates with 2025Q1 data, two firms (tests.ratings.helpers.quarter_street): a quarter to
    compute, submit and approve, for the ratings tests and the roles and users tests of the portal."""
    from tests.ratings.helpers import quarter_street

    return quarter_street()


@pytest.fixture
def registry(db):
    """A small registry with public pages: two streets, three estates, two firms, one handover
    (tests.registry.helpers.small_registry), for the registry's pages and the portal's shell."""
    from tests.registry.helpers import small_registry

    return small_registry()


@pytest.fixture
def estates(db):
    """Three estates coded A1–A3, each under a service contract: the rows the import tests write to."""
    from tests.factories import EstateFactory, ServiceContractFactory

    made = [EstateFactory(code=code) for code in ("A1", "A2", "A3")]
    for estate in made:
        ServiceContractFactory(estate=estate)
    return made
