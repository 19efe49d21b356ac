"""Root of the test tree: only what every test needs. Factories live beside the tests that use them."""

from django.conf import settings


def pytest_report_header(config):
    # CI runs the suite twice (SQLite, then PostgreSQL): say which one this run is on.
    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} ({database['NAME']})"
