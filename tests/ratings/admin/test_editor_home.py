"""The editor's admin home (SPEC §1, issue 13): what is due this month by estate count, the quarters
to compute, submit or waiting for the committee, the appeals to decide by their deadline, the
disclosures and cases awaiting review and the recent imports. Editors and superusers only; a
fixed number of queries."""

import datetime as dt
from datetime import timedelta

import pytest

from django.db import reset_queries
from django.urls import reverse
from django.utils import timezone

from cases.services import case_submit
from disclosures.models import DisclosurePage
from portal.roles import firm_account_group_ensure, roles_ensure
from ratings.models import Appeal, ImportBatch, MonthlyScore
from ratings.selectors.editor import editor_workplace
from ratings.services import appeals, publication
from ratings.services.imports import import_batch_apply, import_batch_create
from ratings.services.quarters import quarter_compute
from tests.cases.helpers import make_case
from tests.factories import FirmFactory, estates_with_pages
from tests.helpers import make_user
from tests.ratings.helpers import month_data, text_of

pytestmark = pytest.mark.django_db

APRIL = dt.date(2025, 4, 10)  # 2025Q1 has ended; 2025Q2 has no finished month yet


@pytest.fixture
def people(street):
    roles = roles_ensure()
    MonthlyScore.objects.filter(estate__code__in=["E1", "E2", "E3"]).update(firm=street["firm_a"])
    MonthlyScore.objects.filter(estate__code="E4").update(firm=street["firm_b"])
    return {
        "roles": roles,
        "editor": make_user("ed", roles["editors"]),
        "committee": make_user("com", roles["committee"]),
        "admin": make_user("root", superuser=True),
        "firm": make_user("fa", roles["firms"], firm_account_group_ensure(firm=street["firm_a"])),
    }


def work(today, now=None):
    return editor_workplace(today=today, now=now or timezone.now())


def home_text(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return text_of(response.content.decode())


def test_what_is_due_counts_the_estates_missing_each_month_and_kind(street, people):
    # 15 March: January and February are due, and 2024Q4 (open: never computed nor released).
    missing = {(r["month"], r["kind"]): r["missing"] for r in work(dt.date(2025, 3, 15))["missing"]}
    assert missing[("2025-02", "scores")] == 1 and missing[("2025-02", "hotline")] == 1  # E3 only
    assert ("2025-01", "scores") not in missing and ("2025-03", "scores") not in missing
    assert missing[("2024-12", "scores")] == 4 and missing[("2024-10", "hotline")] == 4
    # An estate that left the registry (inactive) is not waited for.
    street["estates"]["E3"].__class__.objects.filter(code="E3").update(active=False)
    assert not any(r["month"] == "2025-02" for r in work(dt.date(2025, 3, 15))["missing"])


def test_a_quarter_is_ready_to_compute_once_every_month_is_in_then_to_submit(street, people):
    assert not work(APRIL)["to_compute"]  # E3 lacks February and March
    for month in ("2025-02", "2025-03"):
        month_data(street["estates"]["E3"], month)
    assert [r["quarter"] for r in work(APRIL)["to_compute"]] == ["2025Q1"]
    quarter_compute(quarter="2025Q1", user=people["editor"])
    state = work(APRIL)
    assert not state["to_compute"] and [r["quarter"] for r in state["to_submit"]] == ["2025Q1"]
    # A score that changes after the computation asks for it again.
    score = MonthlyScore.objects.get(estate__code="E1", month="2025-02")
    score.scores = {**score.scores, "owner": "19.0"}
    score.save()
    assert [(r["quarter"], r["stale"]) for r in work(APRIL)["to_compute"]] == [("2025Q1", True)]
    publication.quarter_submit(quarter="2025Q1", user=people["editor"])
    state = work(APRIL)
    assert not state["to_compute"] and not state["to_submit"]
    assert [r["quarter"] for r in state["with_committee"]] == ["2025Q1"]
    # With the committee, 2025Q1's months are no longer due (nor is anything of an ended quarter).
    assert not any(r["month"].startswith("2025-0") for r in state["missing"])


def test_appeals_awaiting_a_decision_are_listed_most_urgent_first_with_their_deadline(
    client, street, people, settings
):
    settings.PORTAL_APPEAL_DECISION_DAYS = 10
    first = appeals.appeal_submit(
        user=people["firm"],
        score=MonthlyScore.objects.get(estate__code="E2", month="2025-03"),
        reason="业主评价抽样有误，请复核",
    )
    second = appeals.appeal_submit(
        user=people["firm"],
        score=MonthlyScore.objects.get(estate__code="E1", month="2025-02"),
        reason="创城得分与检查记录不符",
    )
    Appeal.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - timedelta(days=12))
    rows = work(APRIL)["appeals"]
    assert [r["appeal"].pk for r in rows] == [first.pk, second.pk]
    assert rows[0]["overdue"] and not rows[1]["overdue"]
    assert rows[1]["deadline"] == Appeal.objects.get(pk=second.pk).submitted_at + timedelta(days=10)
    text = home_text(client, people["editor"])
    assert "已超期" in text and f"{street['estates']['E2'].name} · 2025年3月" in text
    assert text.index(street["estates"]["E2"].name) < text.index(
        street["estates"]["E1"].name + " · 2025年2月"
    )


def test_imports_of_the_last_30_days_with_who_rows_and_status(client, street, people):
    data = b"estate_code,received,responded,resolved,surveyed,satisfied\nE1,3,3,3,3,3\nE2,0,0,0,0,0\n"
    applied = import_batch_create(
        kind="hotline", month="2025-04", data=data, filename="h.csv", user=people["editor"]
    )
    import_batch_apply(batch=applied, user=people["editor"])
    waiting = import_batch_create(
        kind="hotline", month="2025-05", data=data, filename="h2.csv", user=people["editor"]
    )
    old = import_batch_create(
        kind="hotline", month="2024-01", data=data, filename="h0.csv", user=people["editor"]
    )
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    rows = {r["batch"].pk: r for r in work(APRIL)["imports"]}
    assert set(rows) == {applied.pk, waiting.pk}
    assert rows[applied.pk]["rows"] == 2 and rows[waiting.pk]["rows"] is None
    text = home_text(client, people["editor"])
    assert "近 30 天的导入" in text and "2025-04" in text and "2024-01" not in text
    assert "已导入" in text and "未确认" in text and "ed" in text


def test_due_months_link_to_the_import_form_preset_to_that_kind_and_month(client, street, people):
    client.force_login(people["editor"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    this_month = timezone.localdate().strftime("%Y-%m")
    assert "本月待办：数据导入" in html and "考核得分</strong></a>：缺 4 个小区" in html
    due = [m["month"] for m in work(timezone.localdate())["missing"]]
    assert due and all(m < this_month for m in due)
    assert reverse("ratings_imports:form") + f"?kind=hotline&amp;month={due[-1]}" in html


def test_disclosures_and_cases_awaiting_review_link_to_their_review(client, people):
    firm = FirmFactory(name="丙物业服务有限公司")
    (estate,) = estates_with_pages(1, firm=firm)
    user = make_user("fc", people["roles"]["firms"], firm_account_group_ensure(firm=firm))
    disclosure = DisclosurePage.objects.get(estate=estate)
    disclosure.get_workflow().start(disclosure, user)
    case = make_case(firm=firm, estate=estate, title="楼道加装扶手", live=False, owner=user)
    case_submit(page=case, user=user)
    text = home_text(client, people["editor"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "待审核的信息公开" in text and f"{estate.name} （{estate.code}）" in text
    assert "待审核的三微案例" in text and "楼道加装扶手" in text
    assert reverse("wagtailadmin_pages:edit", args=[disclosure.pk]) in html
    assert reverse("wagtailadmin_pages:edit", args=[case.pk]) in html


@pytest.mark.parametrize("role", ["committee", "firm"])
def test_the_committee_and_firms_do_not_get_the_editors_panels(client, street, people, role):
    home_text(client, people[role])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    for panel in ("editor-due", "editor-quarters", "editor-appeals", "editor-imports", "editor-disclosures",
                  "editor-cases"):  # fmt: skip
        assert f'id="{panel}' not in html


def test_a_superuser_gets_the_editors_panels(client, street, people):
    text = home_text(client, people["admin"])
    assert "本月待办" in text and "待审核的三微案例" in text
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert all(f'id="editor-{panel}' in html for panel in ("due", "quarters", "appeals", "imports", "cases"))


def test_the_editors_home_reads_a_fixed_number_of_queries(
    client, street, people, django_assert_max_num_queries
):
    from tests.factories import EstateFactory, ServiceContractFactory

    scores = iter(MonthlyScore.objects.filter(estate__code__in=["E1", "E2", "E4"]).order_by("pk"))

    def grow(n):
        """n more of everything the panels list: estates with a quarter of data, appeals, imports."""
        for _ in range(n):
            estate = EstateFactory()
            ServiceContractFactory(estate=estate, firm=street["firm_a"])
            for month in ("2025-01", "2025-02", "2025-03"):
                month_data(estate, month, firm=street["firm_a"])
            Appeal.objects.create(score=next(scores), firm=street["firm_a"], reason="复核",
                                  submitted_by=people["firm"], submitted_at=timezone.now())  # fmt: skip
            import_batch_create(
                kind="hotline", month="2025-06", data=b"x", filename="h.csv", user=people["editor"]
            )

    def measure(limit):
        reset_queries()
        with django_assert_max_num_queries(limit) as counted:
            assert client.get(reverse("wagtailadmin_home")).status_code == 200
        return len(counted.captured_queries)

    client.force_login(people["editor"])
    grow(1)
    quarter_compute(quarter="2025Q1", user=people["editor"])
    client.get(reverse("wagtailadmin_home"))
    baseline = measure(80)
    grow(5)
    measure(baseline)


def test_pages_in_review_reads_two_queries_for_any_number(people, django_assert_num_queries):
    from core.review import pages_in_review

    firm = FirmFactory(name="丁物业服务有限公司")
    estates = estates_with_pages(3, firm=firm)
    user = make_user("fd", people["roles"]["firms"], firm_account_group_ensure(firm=firm))
    for estate in estates:
        page = DisclosurePage.objects.get(estate=estate)
        page.get_workflow().start(page, user)
    with django_assert_num_queries(2):
        rows = pages_in_review(DisclosurePage, related=["estate"])
        assert [r["page"].estate.code for r in rows] == [e.code for e in estates]
        assert {r["by"] for r in rows} == {user}
