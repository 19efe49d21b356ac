"""core.bulk: the JSON columns filled by the thousand are bulk-inserted as plain VALUES rows on
PostgreSQL (no UNNEST of a jsonb[] array, whose text-format escaping costs seconds), with the
same documents read back."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ratings.models import MonthlyScore
from tests.factories import EstateFactory

pytestmark = pytest.mark.django_db


def test_json_documents_are_bulk_inserted_without_unnest_and_read_back_unchanged():
    estates = [EstateFactory() for _ in range(3)]
    documents = [
        {"quote": 'say "你好"', "back\\slash": "a\\b", "nested": {"list": [1, "2", None]}},
        {"braces": "{a,b}", "comma": "x,y", "empty": ""},
        {},
    ]
    with CaptureQueriesContext(connection) as queries:
        MonthlyScore.objects.bulk_create(
            MonthlyScore(estate=estate, month="2025-01", scores=document, imported_at=timezone.now())
            for estate, document in zip(estates, documents, strict=True)
        )
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert "UNNEST" not in inserts[0].upper()
    stored = dict(MonthlyScore.objects.values_list("estate_id", "scores"))
    assert [stored[estate.pk] for estate in estates] == documents


def test_rows_deleted_by_the_thousand_keep_djangos_fast_delete():
    """Delete receivers listen to pages only: a quarter's grades or a month's hotline figures are
    deleted in one statement, not loaded row by row first."""
    from django.db.models.deletion import Collector

    from ratings.models import HotlineMonth, QuarterGrade

    for model in (QuarterGrade, HotlineMonth):
        assert Collector(using="default").can_fast_delete(model.objects.none()), model.__name__


def test_insert_rows_writes_what_bulk_create_would():
    from core.bulk import insert_rows

    estates = [EstateFactory() for _ in range(3)]
    now = timezone.now()
    documents = [{"quote": 'say "你好"\t\n', "back\\slash": "a\\b"}, {"n": [1, None, "2"]}, {}]
    rows = [
        MonthlyScore(estate=estate, month="2025-02", scores=document, veto=i == 1, imported_at=now)
        for i, (estate, document) in enumerate(zip(estates, documents, strict=True))
    ]
    assert insert_rows(MonthlyScore, rows) == 3
    stored = {
        row.estate_id: (row.scores, row.veto, row.veto_reason, row.imported_at)
        for row in MonthlyScore.objects.filter(month="2025-02")
    }
    assert [stored[estate.pk] for estate in estates] == [
        (documents[0], False, "", now),
        (documents[1], True, "", now),
        (documents[2], False, "", now),
    ]
