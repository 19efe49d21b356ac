"""The firm's panel on the admin home (SPEC §1): its estates today with plate, rank and points to
the next band; the scores it may still appeal and by when; its appeals. Nothing of another firm."""

import pytest

from django.urls import reverse
from django.utils import timezone

from portal.roles import firm_account_group_ensure, roles_ensure
from ratings.models import MonthlyScore
from ratings.selectors.workplace import firm_workplace
from ratings.services import appeals
from tests.ratings.helpers import publish, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(street, django_user_model):
    roles = roles_ensure()
    MonthlyScore.objects.filter(estate__code__in=["E1", "E2", "E3"]).update(firm=street["firm_a"])
    MonthlyScore.objects.filter(estate__code="E4").update(firm=street["firm_b"])
    made = {}
    for key in ("firm_a", "firm_b"):
        user = django_user_model.objects.create_user(key, password="x")
        user.groups.add(roles["firms"], firm_account_group_ensure(firm=street[key]))
        made[key] = user
    editor = django_user_model.objects.create_user("ed", password="x")
    editor.groups.add(roles["editors"])
    made["editor"] = editor
    return made


def home_text(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return text_of(response.content.decode())


def test_a_firm_sees_its_estates_plates_ranks_and_points_to_the_next_band(client, street, accounts):
    release = publish()
    rows = {r["estate_code"]: r for r in release.document["estates"]}
    estates = street["estates"]
    text = home_text(client, accounts["firm_a"])
    panel = text[text.index("在管小区与挂牌") : text.index("可以申诉的得分")]
    for code in ("E1", "E2", "E3"):
        assert estates[code].name in panel
    assert estates["E4"].name not in text  # handed over to firm B
    e2 = rows["E2"]
    assert f"还差 {e2['points_to_next_band']} 分" in panel and str(e2["rank_in_group"]) in panel
    text_b = home_text(client, accounts["firm_b"])
    assert estates["E4"].name in text_b and estates["E1"].name not in text_b


def test_a_firm_sees_what_it_may_still_appeal_and_its_open_appeals(client, street, accounts):
    score = MonthlyScore.objects.get(estate__code="E2", month="2025-03")
    appeals.appeal_submit(user=accounts["firm_a"], score=score, reason="业主评价抽样有误，请复核")
    work = firm_workplace(firm_ids=[street["firm_a"].pk], now=timezone.now())
    appealable = {(row["score"].estate.code, row["score"].month) for row in work["appealable"]}
    assert ("E1", "2025-01") in appealable and ("E2", "2025-03") not in appealable  # already appealed
    assert not any(code == "E4" for code, _ in appealable)
    assert [row["appeal"].score_id for row in work["open_appeals"]] == [score.pk]
    text = home_text(client, accounts["firm_a"])
    assert "申诉截止" in text and f"{street['estates']['E2'].name} · 2025年3月" in text
    assert "等待街道处理" in text
    assert street["estates"]["E2"].name not in home_text(client, accounts["firm_b"])


def test_editors_do_not_get_the_firm_panel(client, street, accounts):
    assert "在管小区与挂牌" not in home_text(client, accounts["editor"])


def test_the_firm_panel_reads_a_fixed_number_of_queries(
    client, street, accounts, django_assert_max_num_queries
):
    from tests.factories import EstateFactory, ServiceContractFactory

    publish()
    client.force_login(accounts["firm_a"])
    client.get(reverse("wagtailadmin_home"))
    with django_assert_max_num_queries(60) as few:
        client.get(reverse("wagtailadmin_home"))
    for _ in range(10):
        ServiceContractFactory(estate=EstateFactory(), firm=street["firm_a"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("wagtailadmin_home"))
