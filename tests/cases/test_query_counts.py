"""SPEC §12: /cases/ (filtered or not), a case page, an issue page, the feed and the cases
sections of the estate, firm and home pages run the same number of queries with 10 cases as with
300, and at most 20."""

import datetime as dt
import io

import pytest

from django.core.cache import cache
from django.core.files.images import ImageFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from wagtail.images import get_image_model

from cases.blocks import CaseBodyBlock
from cases.demo_images import drawing_png
from cases.models import CasePage
from tests.cases.helpers import make_case, make_issue

pytestmark = pytest.mark.django_db
MAX_QUERIES = 20


def paths(world) -> list[str]:
    tag = CasePage.objects.get(slug="case-000").tags.get(name="适老化").slug
    return [
        "/cases/",
        f"/cases/?category=service&tag={tag}&firm={world.firm_a.pk}&issue=1&page=2",
        "/cases/case-000/",
        "/cases/issues/1/",
        "/cases/issues/",
        "/feeds/cases/",
        world.estate_a.page.url,
        world.firm_a.page.url,
        "/",
    ]


def queries_with(count, client, world) -> dict[str, int]:
    """The queries of one anonymous request for each path with `count` published cases, all in
    one issue; rolled back afterwards so that two sizes compare on the same footing."""
    counts = {}
    with transaction.atomic():
        cache.clear()
        cases = [
            make_case(
                firm=(world.firm_a, world.firm_b)[n % 2],
                estate=(world.estate_a, world.estate_b)[n % 2],
                title=f"案例{n:03d}",
                slug=f"case-{n:03d}",
                category=("service", "innovation", "practical")[n % 3],
                tags=(f"标签{n % 7}", "适老化"),
                case_date=dt.date(2025, 1, 1) + dt.timedelta(days=n),
                criterion="owner" if n == 0 else "",
                revision=False,
            )
            for n in range(count)
        ]
        _illustrate(cases[0])
        make_issue(1, cases)
        for path in paths(world):
            client.get(path)  # the site-root and navigation caches warm, as on a running site
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            assert response.status_code == 200, path
            counts[path] = len(ctx.captured_queries)
        transaction.set_rollback(True)
    cache.clear()
    return counts


def test_queries_do_not_grow_with_the_number_of_cases(client, world):
    few = queries_with(10, client, world)
    many = queries_with(300, client, world)
    assert few == many
    assert max(many.values()) <= MAX_QUERIES, many


def _illustrate(page) -> None:
    """Four pictures and a before/after pair in the first case's story: its page still costs at
    most 20 queries (the body's images and renditions are read at once)."""
    images = [
        get_image_model().objects.create(
            title=key, file=ImageFile(io.BytesIO(drawing_png(key)), name=f"{key}.png")
        )
        for key in ("bench", "board", "road", "snow", "garden-before", "garden-after")
    ]
    raw = [{"type": "image", "value": {"image": image.pk, "alt": "示意图"}} for image in images[:4]]
    raw.append(
        {
            "type": "before_after",
            "value": {"before": images[4].pk, "before_alt": "前", "after": images[5].pk, "after_alt": "后"},
        }
    )
    page.body = CaseBodyBlock().to_python(raw)
    page.save_revision().publish()
