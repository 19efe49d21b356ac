"""Helpers the ratings tests share (the fixtures are in the conftest files): monthly data, the small
street of the publication tests, the five-to-sixty estates of the public page tests, publishing as
the committee does, and the import files and admin uploads."""

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ratings.models import HotlineMonth, MonthlyScore, Release
from ratings.services import appeals, publication
from ratings.services.quarters import quarter_freeze
from tests.factories import EstateFactory, FirmFactory, GroupFactory, ServiceContractFactory

ROOT = Path(__file__).resolve().parents[2]
# The JSON Schema of each version of data.json: new releases use the last; old ones keep theirs.
QUARTER_SCHEMAS = {
    schema["$id"]: schema
    for schema in (
        json.loads((ROOT / f"ratings/schema/quarter-{n}.schema.json").read_text(encoding="utf-8"))
        for n in (1, 2)
    )
}
QUARTER_SCHEMA = QUARTER_SCHEMAS["sunshine-property/quarter/2"]

Q = "2025Q1"
MONTHS = ("2025-01", "2025-02", "2025-03")
# Full marks on every criterion a month's scores file holds (the hotline comes from its figures).
FULL = {
    "owner": "20.0",
    "environment": "15.0",
    "civility": "10.0",
    "sanitation": "10.0",
    "safety": "10.0",
    "standards": "5.0",
}


# --------------------------------------------------------------------------- monthly data


def month_data(estate, month, *, minus="0", veto="", figures=(0, 0, 0, 0, 0), firm=None):
    """One month of an estate: full marks less `minus` on 业主评价, and its 12345 figures."""
    scores = dict(FULL, owner=str(Decimal("20.0") - Decimal(minus)))
    MonthlyScore.objects.create(
        estate=estate, month=month, scores=scores, veto=bool(veto), veto_reason=veto,
        firm=firm, imported_at=timezone.now(),
    )  # fmt: skip
    received, responded, resolved, surveyed, satisfied = figures
    HotlineMonth.objects.create(
        estate=estate, month=month, received=received, responded=responded, resolved=resolved,
        surveyed=surveyed, satisfied=satisfied, imported_at=timezone.now(),
    )  # fmt: skip


def quarter_street() -> dict:
    """Four estates of one group in 2025Q1: E1 scores 100 every month, E2 85, E3 has one assessed
    month only (pending), E4 scores 85 and is vetoed in March. Firm A manages E1–E3; E4 changes
    from A to B on 16 February. The `street` fixture."""
    group = GroupFactory(name="商品房")
    firm_a, firm_b = FirmFactory(name="甲物业"), FirmFactory(name="乙物业")
    estates = {
        code: EstateFactory(code=code, group=group, households=1000) for code in ("E1", "E2", "E3", "E4")
    }
    for code in ("E1", "E2", "E3"):
        ServiceContractFactory(estate=estates[code], firm=firm_a)
    ServiceContractFactory(estate=estates["E4"], firm=firm_a, end=dt.date(2025, 2, 15))
    ServiceContractFactory(estate=estates["E4"], firm=firm_b, start=dt.date(2025, 2, 16))
    for month in MONTHS:
        month_data(estates["E1"], month)  # 100 every month
        month_data(estates["E2"], month, minus="15.0")  # 85
        month_data(estates["E4"], month, minus="15.0", veto="重大安全事故" if month == "2025-03" else "")
    month_data(estates["E3"], "2025-01")  # one assessed month only: pending
    return {"estates": estates, "firm_a": firm_a, "firm_b": firm_b}


def street_scores(count=5, *, months=MONTHS, firm_names=None, first_code=1):
    """`count` estates with public pages, in two groups and two streets, scores spread over the
    bands: the first estate is vetoed in its last month, the second has one assessed month only
    (pending); the rest lose 0, 4, 8 … points on 业主评价 (capped), so every band appears."""
    from registry.models import Street
    from registry.services import directory_pages_sync

    groups = [GroupFactory(name="商品房"), GroupFactory(name="老旧小区")]
    west = Street.objects.get_or_create(name="西河街道")[0]
    firms = [
        FirmFactory(name=name)
        for name in (firm_names or ["甲物业有限公司", "乙物业有限公司", "丙物业有限公司"])
    ]
    estates = []
    for i in range(count):
        estate = EstateFactory(code=f"QA{first_code + i:04d}", group=groups[i % 2], households=1000)
        if i % 3 == 2:
            estate.street = west
            estate.save(update_fields=["street"])
        ServiceContractFactory(estate=estate, firm=firms[i % len(firms)], start=dt.date(2020, 1, 1))
        estates.append(estate)
    directory_pages_sync(estates=estates, firms=firms)
    figures = (4, 4, 3, 2, 2)
    for i, estate in enumerate(estates):
        if i == 1:
            month_data(estate, months[0], figures=figures)  # one assessed month only: pending
            continue
        minus = str(min(Decimal(4 * max(i - 2, 0)) % Decimal("20.0"), Decimal("20.0")))
        for month in months:
            veto = "重大安全事故（测试）" if i == 0 and month == months[-1] else ""
            month_data(estate, month, minus=minus, veto=veto, figures=figures)
    return {"estates": estates, "firms": firms, "groups": groups}


# --------------------------------------------------------------------------- publishing


def publish(quarter=Q, people=None):
    """Publish the quarter page. With `people` (an editor and a committee member), the way the
    workflow does: submitted, then approved. Without, as an administrator publishing the page
    directly — still only what was frozen, as at submission. Returns the new release."""
    if people:
        publication.quarter_submit(quarter=quarter, user=people["editor"])
        return publication.quarter_approve(quarter=quarter, user=people["committee"], comment="同意")
    page = publication.quarter_page_ensure(quarter=quarter)
    page.refresh_from_db()
    quarter_freeze(quarter=quarter)
    page.save_revision().publish()
    return Release.objects.filter(quarter=quarter).latest("version")


def uphold(appeal, editor, *, owner="18.0", reason="复核属实，更正得分"):
    """Decide an appeal for the firm: its owner-evaluation score becomes `owner`."""
    return appeals.appeal_decide(
        appeal=appeal, user=editor, upheld=True, reason=reason, scores={"owner": owner}
    )


def correct(quarter=Q, *, estate, month, owner="0.0", reason="测试：更正一处录入错误的业主评价得分"):
    """Open a correction, change one month's 业主评价 and publish again: release v2 (or later)."""
    user = get_user_model().objects.get_or_create(username="corrector")[0]
    publication.correction_open(quarter=quarter, reason=reason, user=user)
    score = MonthlyScore.objects.get(estate=estate, month=month)
    MonthlyScore.objects.filter(pk=score.pk).update(scores=dict(score.scores, owner=owner))
    return publish(quarter)


# --------------------------------------------------------------------------- pages


def body_of(response) -> str:
    return response.content.decode("utf-8")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def queries_of(client, url) -> int:
    """Queries of one anonymous request, with the site-root and navigation caches warm (as on
    any running site)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def queries_with(count, client, url_of, **street_kwargs) -> int:
    """The queries of `url_of(data)` after publishing a quarter of `count` estates; everything is
    rolled back afterwards, so one test can compare 5 estates with 60 on the same footing."""
    with transaction.atomic():
        cache.clear()
        data = street_scores(count, **street_kwargs)
        data["release"] = publish()
        n = queries_of(client, url_of(data))
        transaction.set_rollback(True)
    cache.clear()
    return n


# --------------------------------------------------------------------------- imports

SCORE_HEADER = [
    "estate_code",
    "owner",
    "environment",
    "civility",
    "sanitation",
    "safety",
    "standards",
    "veto",
    "veto_reason",
]
HOTLINE_HEADER = ["estate_code", "received", "responded", "resolved", "surveyed", "satisfied"]


def score_rows():
    """Scores for estates A1–A3: A3 is vetoed."""
    return [
        ["A1", "18.5", "14", "9.5", "10", "10", "5", "", ""],
        ["A2", "16.0", "12.5", "8", "8.5", "9", "4.5", "0", ""],
        ["A3", "12", "10", "7", "7", "6", "3", "1", "发生重大安全事故"],
    ]


def hotline_rows():
    """12345 figures for estates A1–A3: A2 had no complaints."""
    return [
        ["A1", "12", "12", "11", "10", "9"],
        ["A2", "0", "0", "0", "0", "0"],
        ["A3", "30", "28", "20", "20", "12"],
    ]


def user(username, *groups, superuser=False):
    account = get_user_model().objects.create_user(username=username, password="demo", is_superuser=superuser)
    account.groups.add(*groups)
    return account


def signed_in(account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def upload(client, data: bytes, *, name="scores.csv", kind="scores", month="2025-01", follow=True):
    """Post a file to the admin's import form: the preview (nothing written yet)."""
    return client.post(
        reverse("ratings_imports:form"),
        {"kind": kind, "month": month, "file": SimpleUploadedFile(name, data)},
        follow=follow,
    )


def text(response) -> str:
    return response.content.decode()
