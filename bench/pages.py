"""The public city of `make bench` (issue 14): pages for every estate and firm, a live disclosure per
estate with its fees, published cases, a published quarter — and the per-page query counts.

Pages are written in bulk (treebeard paths computed here, the base and the child rows inserted
with executemany), as a city's registry import would have made them over years; one page at a
time through Wagtail would take longer than everything the benchmark measures. What the timed
steps then do (publication, update_index) goes through the real code.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import Page

BATCH = 1_000
CATEGORIES = ("innovation", "service", "practical")


@dataclass
class PublicCity:
    counts: dict[str, int] = field(default_factory=dict)


def bulk_pages(model, rows: list[tuple[Page, str, str, dict]], *, live: bool = True) -> list[int]:
    """Insert pages of `model` without saving them one by one; rows are (parent, title, slug, the
    child model's own fields), parents as loaded (path, depth, numchild, url_path, locale). Returns
    the new pages' ids in the order given."""
    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    children_of: dict[int, int] = {}
    bases = []
    for parent, title, slug, _ in rows:
        step = children_of[parent.pk] = children_of.get(parent.pk, parent.numchild) + 1
        bases.append(
            Page(
                title=title,
                draft_title=title,
                slug=slug,
                content_type=content_type,
                path=Page._get_path(parent.path, parent.depth + 1, step),
                depth=parent.depth + 1,
                numchild=0,
                url_path=f"{parent.url_path}{slug}/",
                live=live,
                has_unpublished_changes=not live,
                first_published_at=now if live else None,
                last_published_at=now if live else None,
                locale_id=parent.locale_id,
                translation_key=uuid.uuid4(),
            )
        )
    for chunk in range(0, len(bases), BATCH):
        Page.objects.bulk_create(bases[chunk : chunk + BATCH])
    by_path = {}
    paths = [b.path for b in bases]
    for chunk in range(0, len(paths), BATCH):
        by_path.update(Page.objects.filter(path__in=paths[chunk : chunk + BATCH]).values_list("path", "pk"))
    ids = [by_path[p] for p in paths]
    local = list(model._meta.local_concrete_fields)
    children = [model(page_ptr_id=pk, **own) for pk, (_, _, _, own) in zip(ids, rows, strict=True)]
    for chunk in range(0, len(children), BATCH):
        model._base_manager._insert(children[chunk : chunk + BATCH], fields=local, raw=True)
    for parent_id, numchild in children_of.items():
        Page.objects.filter(pk=parent_id).update(numchild=numchild)
    return ids


def build(*, cases: int, seed: int) -> PublicCity:
    """Pages for the generated registry (bench.city.build): every estate and firm, a live
    disclosure with three fees under each estate, and `cases` published cases."""
    from cases.models import CaseIndexPage, CasePage
    from disclosures.models import DisclosurePage, FeeItem
    from registry.models import (
        Estate,
        EstateIndexPage,
        EstatePage,
        Firm,
        FirmIndexPage,
        FirmPage,
        ServiceContract,
    )
    from registry.services import slug_for

    rng = random.Random(seed)
    city = PublicCity()
    with transaction.atomic():
        estates = list(
            Estate.objects.filter(page__isnull=True).order_by("pk").values_list("pk", "code", "name")
        )
        firms = list(
            Firm.objects.filter(page__isnull=True).order_by("pk").values_list("pk", "credit_code", "name")
        )
        estate_index, firm_index = EstateIndexPage.objects.get(), FirmIndexPage.objects.get()
        taken: set[str] = set()
        estate_rows = [
            (estate_index, name, slug_for(name, fallback=code, taken=taken), {"estate_id": pk})
            for pk, code, name in estates
        ]
        estate_ids = bulk_pages(EstatePage, estate_rows)
        taken = set()
        firm_rows = [
            (firm_index, name, slug_for(name, fallback=code, taken=taken), {"firm_id": pk})
            for pk, code, name in firms
        ]
        bulk_pages(FirmPage, firm_rows)

        today = timezone.localdate()
        estate_pages = Page.objects.filter(pk__in=estate_ids).only(
            "pk", "path", "depth", "numchild", "url_path", "locale_id"
        )
        parent_of = {page.pk: page for page in estate_pages}
        disclosure_ids = bulk_pages(
            DisclosurePage,
            [
                (
                    parent_of[page_id],
                    f"{name}信息公开",
                    "disclosure",
                    {"estate_id": pk, "project_manager": "基准经理"},
                )
                for page_id, (pk, _, name) in zip(estate_ids, estates, strict=True)
            ],
        )
        fees: list[FeeItem] = []
        for disclosure_id in disclosure_ids:
            property_fee = ("物业服务费", Decimal(rng.randint(80, 450)) / 100, True)
            others = [("电梯运行费", Decimal("0.30"), False), ("生活垃圾处理费", Decimal("0.20"), False)]
            fees += [
                FeeItem(
                    page_id=disclosure_id,
                    sort_order=order,
                    name=name,
                    price=price,
                    is_property_fee=is_property_fee,
                    effective_date=today,
                )
                for order, (name, price, is_property_fee) in enumerate([property_fee, *others])
            ]
        FeeItem.objects.bulk_create(fees, batch_size=BATCH)

        contracts = dict(ServiceContract.objects.filter(end__isnull=True).values_list("estate_id", "firm_id"))
        case_index = CaseIndexPage.objects.get()
        case_rows = []  # (parent, title, slug, fields)
        for i in range(cases):
            pk, _, name = estates[i % len(estates)]
            case_rows.append(
                (
                    case_index,
                    f"{name}的第{i // len(estates) + 1}件小事",
                    f"case-{i + 1:05d}",
                    {
                        "category": CATEGORIES[i % 3],
                        "firm_id": contracts.get(pk) or firms[0][0],
                        "estate_id": pk,
                        "case_date": today - dt.timedelta(days=rng.randint(1, 900)),
                        "summary": f"{name}物业为居民解决了一件小事。",
                        "problem": "楼道照明损坏，老人夜间出行不便。",
                        "body": [],
                    },
                )
            )
        bulk_pages(CasePage, case_rows)
    city.counts = {
        "estate pages": len(estates),
        "firm pages": len(firms),
        "disclosures": len(estates),
        "fees": len(fees),
        "cases": cases,
    }
    return city


def public_paths() -> dict[str, str]:
    """The table's pages, by name → path, picked from the data (a middle estate, a big firm …)."""
    from cases.models import CasePage
    from core.pagecache import public_path
    from ratings.models import Release
    from registry.models import EstatePage, FirmPage

    release = Release.objects.order_by("-sequence").first()
    quarter_path = None
    if release is not None:
        from ratings.models import QuarterPage

        quarter_page = QuarterPage.objects.filter(quarter=release.quarter).first()
        quarter_path = public_path(quarter_page.url_path) if quarter_page else None
    count = EstatePage.objects.count()
    estate = EstatePage.objects.order_by("pk")[count // 2 : count // 2 + 1].get()
    firm = FirmPage.objects.order_by("pk").first()
    case = CasePage.objects.live().order_by("-pk").first()
    name = estate.title
    paths = {
        "home": "/",
        "estate directory (band filter)": "/estates/?band=red",
        "estate page": public_path(estate.url_path),
        "firm page": public_path(firm.url_path),
        "search": f"/search/?q={name[1:3]}",
        "suggest": f"/search/suggest/?q={name[1:3]}",
    }
    if case is not None:
        paths["case page"] = public_path(case.url_path)
    if quarter_path:
        slug = quarter_path.rstrip("/").rsplit("/", 1)[-1]
        paths["quarter page (page 2)"] = f"{quarter_path}?page=2"
        paths["data.json"] = f"/ratings/{slug}/data.json"
        paths["data.xlsx"] = f"/ratings/{slug}/data.xlsx"
    return paths


def query_counts(paths: dict[str, str]) -> dict[str, tuple[int, int]]:
    """name → (status, queries) for one anonymous request each, after one warm-up request (the
    per-process caches of the site root and the navigation are warm in a running server too)."""
    return {name: (status, len(sql)) for name, (status, sql) in queries_of(paths).items()}


def queries_of(paths: dict[str, str]) -> dict[str, tuple[int, list[str]]]:
    """name → (status, the SQL of the second anonymous request; the first warms the caches)."""
    client = Client()
    measured = {}
    for name, path in paths.items():
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        measured[name] = (response.status_code, [q["sql"] for q in queries.captured_queries])
    return measured
