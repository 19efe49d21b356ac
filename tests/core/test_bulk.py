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
