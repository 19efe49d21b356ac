"""The tests' demo fixture (tests/demo_snapshot.py) leaves the database exactly as `load_demo` does."""

import pytest

from django.db import connection

from wagtail.models import Page

from registry.models import Estate, EstatePage
from tests import demo_snapshot
from tests.factories import EstateFactory

# Transactional, as the browser tests use it; the serialized rollback restores what migrations made.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def every_row() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        rows = {}
        # Every table of a model, Wagtail's full-text table on SQLite among them.
        for table in connection.introspection.django_table_names(only_existing=True):
            cursor.execute(f'SELECT * FROM "{table}"')
            rows[table] = sorted(repr(row) for row in cursor.fetchall())
        return rows


def test_the_copied_demo_is_the_loaded_demo_row_for_row(monkeypatch, client):
    monkeypatch.setattr(demo_snapshot, "_snapshots", {})
    demo_snapshot.demo_restored()  # the first call runs load_demo
    loaded = every_row()
    assert len(loaded[Estate._meta.db_table]) == 23

    page = EstatePage.objects.live().first()
    Page.objects.filter(pk=page.pk).update(title="changed", live=False)
    Estate.objects.filter(code=page.estate.code).update(name="changed")
    assert every_row() != loaded

    demo_snapshot.demo_restored()  # now a copy
    assert every_row() == loaded
    assert client.get(page.url).status_code == 200
    assert EstateFactory(community=page.estate.community).pk  # the sequences moved past the copied rows
