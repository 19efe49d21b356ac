"""Ratings on the estate, firm and home pages (SPEC §3, §7): the current plate and why, monthly
scores, plate history, the hotline trend, a firm's bands and list entries, the home page's plates
at a glance — from releases only, in a fixed number of queries."""

import re

import pytest

from ratings.services.publication import quarter_page_ensure
from ratings.services.quarters import quarter_compute
from tests.ratings.helpers import (
    correct,
    publish,
    queries_with,
    street_scores,
    text_of,
)

pytestmark = pytest.mark.django_db

HALF_YEAR = ("2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03")


@pytest.fixture
def two_quarters(db):
    data = street_scores(5, months=HALF_YEAR)
    data["q4"] = publish("2024Q4")
    data["q1"] = publish("2025Q1")
    return data


def page_text(client, url) -> tuple[str, str]:
    response = client.get(url)
    assert response.status_code == 200, url
    body = response.content.decode("utf-8")
    return body, text_of(body)


def test_the_estate_page_shows_its_plate_why_monthly_scores_history_and_hotline_chart(client, two_quarters):
    estate = two_quarters["estates"][4]  # loses 8 points a month on 业主评价
    row = next(r for r in two_quarters["q1"].document["estates"] if r["estate_code"] == estate.code)
    body, text = page_text(client, estate.page.url)
    plate = text[text.index("当前挂牌") : text.index("基本信息")]
    assert "2025年第1季度" in plate and "蓝牌·规范" in plate and f"{row['score']} 分" in plate
    assert f"第 {row['rank_in_group']} 名" in plate and f"第 {row['rank_overall']} 名" in plate
    # why this colour: points to the next band and points lost per criterion, named by the scheme
    assert f"距 绿牌·精品 还差 {row['points_to_next_band']} 分" in plate
    assert "业主评价" in plate and f"−{row['points_lost']['owner']}" in plate
    assert f'href="/ratings/2025-q1/plates/{estate.page.slug}/"' in body
    # monthly scores of the quarter, from the release
    months = text[text.index("2025年第1季度月度得分") :]
    assert "1月" in months and "3月" in months and row["months"][0]["total"] in months
    # plate history: both released quarters
    history = text[text.index("历次挂牌") :]
    assert "2025年第1季度" in history and "2024年第4季度" in history
    # the hotline trend: an inline SVG with a table alternative
    assert '<svg class="chart"' in body and "查看数据表" in text
    assert len(re.findall(r'<rect class="chart__bar"', body)) == 6


def test_a_vetoed_estate_shows_the_veto_reason_as_why(client, two_quarters):
    _, text = page_text(client, two_quarters["estates"][0].page.url)
    plate = text[text.index("当前挂牌") : text.index("基本信息")]
    assert "红牌·整改" in plate and "一票否决" in plate and "重大安全事故（测试）" in plate


def test_a_pending_estate_says_there_is_not_enough_data(client, two_quarters):
    _, text = page_text(client, two_quarters["estates"][1].page.url)
    plate = text[text.index("当前挂牌") : text.index("基本信息")]
    assert "待评" in plate and "数据不足" in plate


def test_the_estate_page_shows_the_latest_version_of_a_corrected_quarter(client, two_quarters):
    estate = two_quarters["estates"][2]
    v2 = correct(estate=estate, month="2025-01")
    row = next(r for r in v2.document["estates"] if r["estate_code"] == estate.code)
    _, text = page_text(client, estate.page.url)
    assert "第2版" in text and f"{row['score']} 分" in text


def test_an_unreleased_quarter_never_reaches_the_estate_page(client, db):
    data = street_scores(3)
    quarter_compute(quarter="2025Q1")
    quarter_page_ensure(quarter="2025Q1")
    _, text = page_text(client, data["estates"][2].page.url)
    assert "还没有发布的季度评级" in text and "绿牌·精品" not in text


def test_the_firm_page_shows_its_estates_bands_and_list_entries(client, two_quarters):
    firm = two_quarters["firms"][0]  # manages the vetoed estate: on the black list
    _, text = page_text(client, firm.page.url)
    section = text[text.index("2025年第1季度挂牌") :]
    assert "黑榜（重点监督名单）" in section and "重大安全事故（测试）" in section
    assert two_quarters["estates"][0].name in section and "红牌·整改" in section
    assert "各季度挂牌" in section and "2024年第4季度" in section

    green_firm = two_quarters["firms"][2]  # manages estate 2 alone, all green
    _, text = page_text(client, green_firm.page.url)
    assert "红榜" in text[text.index("2025年第1季度挂牌") :]


def test_the_home_page_shows_this_quarters_plates_and_the_red_and_black_lists(client, two_quarters):
    body, text = page_text(client, "/")
    section = text[text.index("2025年第1季度挂牌一览") :]
    assert "绿牌·精品" in section and "红牌·整改" in section
    assert two_quarters["firms"][2].name in section  # red list
    assert two_quarters["firms"][0].name in section  # black list
    assert 'href="/ratings/2025-q1/"' in body


@pytest.mark.parametrize(
    "url_of",
    [
        pytest.param(lambda data: data["estates"][3].page.url, id="estate"),
        pytest.param(lambda data: data["firms"][0].page.url, id="firm"),
        pytest.param(lambda data: "/", id="home"),
    ],
)
def test_rating_sections_run_the_same_few_queries_for_5_or_60_estates(client, db, url_of):
    small, large = queries_with(5, client, url_of), queries_with(60, client, url_of)
    assert small == large <= 20


def test_current_plates_come_from_the_latest_release_of_the_latest_quarter(
    two_quarters, django_assert_max_num_queries
):
    from ratings.selectors import current_plates

    estates = two_quarters["estates"]
    rows = {r["estate_code"]: r for r in two_quarters["q1"].document["estates"]}
    with django_assert_max_num_queries(4):  # three, and the site roots when not cached
        plates = current_plates(estate_ids=[e.pk for e in estates])
    assert {e.pk: plates[e.pk]["band"] for e in estates} == {e.pk: rows[e.code]["band"] for e in estates}
    fifth, row = plates[estates[4].pk], rows[estates[4].code]
    assert fifth["label"] == "蓝牌·规范" and fifth["quarter"] == "2025Q1"
    assert (fifth["rank_in_group"], fifth["points_to_next_band"]) == (
        row["rank_in_group"],
        row["points_to_next_band"],
    )
    # a correction (v2) replaces the plate; an estate outside the release has none
    v2 = correct("2025Q1", estate=estates[3], month="2025-03", owner="0.0")
    changed = {r["estate_code"]: r for r in v2.document["estates"]}[estates[3].code]
    assert current_plates(estate_ids=[estates[3].pk])[estates[3].pk]["band"] == changed["band"]
    assert current_plates(estate_ids=[0]) == {}


def test_the_plate_names_this_estates_own_line_of_a_correction(client, two_quarters):
    estate = two_quarters["estates"][2]  # full marks: green
    v2 = correct("2025Q1", estate=estate, month="2025-03", owner="0.0")
    old = {r["estate_code"]: r for r in two_quarters["q1"].document["estates"]}[estate.code]
    new = {r["estate_code"]: r for r in v2.document["estates"]}[estate.code]
    assert (old["band"], old["score"]) != (new["band"], new["score"])
    plate = text_of(client.get(estate.page.url).content.decode())
    plate = plate[plate.index("当前挂牌") : plate.index("为什么是这个颜色")]
    assert "已更正" in plate and "本小区在第 2 版中更正" in plate
    assert f"（{old['score']} 分） → " in plate and f"（{new['score']} 分）" in plate
    other = text_of(client.get(two_quarters["estates"][3].page.url).content.decode())
    assert "本小区在第 2 版中更正" not in other  # unchanged by the correction


def test_an_exit_warning_is_shown_beside_the_plate(client, db):
    from ratings.models import MonthlyScore

    data = street_scores(5, months=HALF_YEAR)
    vetoed = data["estates"][0]  # vetoed in March; vetoed in December too: red two quarters running
    MonthlyScore.objects.filter(estate=vetoed, month="2024-12").update(
        veto=True, veto_reason="重大安全事故（测试）"
    )
    publish("2024Q4")
    release = publish("2025Q1")
    assert [w["estate_code"] for w in release.document["exit_warnings"]] == [vetoed.code]
    text = text_of(client.get(vetoed.page.url).content.decode())
    assert "清退预警" in text and "已被列入清退预警" in text
    assert "清退预警" not in text_of(client.get(data["estates"][2].page.url).content.decode())


def test_a_plate_past_its_validity_says_so_and_why_no_newer_one(client, two_quarters):
    import datetime as dt

    from ratings.selectors import estate_ratings

    estate = two_quarters["estates"][4]
    assert not estate_ratings(estate_id=estate.pk, today=dt.date(2025, 6, 30))["current"]["validity"][
        "expired"
    ]
    late = estate_ratings(estate_id=estate.pk, today=dt.date(2025, 7, 1))["current"]["validity"]
    assert late["expired"] and late["next_label"] == "2025年第2季度" and not late["next_in_review"]
    assert "本挂牌已过有效期" in text_of(client.get(estate.page.url).content.decode())  # today is long after


def test_a_firm_that_took_over_after_the_quarter_began_is_named(client, two_quarters):
    import datetime as dt

    from registry.models import ServiceContract
    from tests.factories import FirmFactory

    estate = two_quarters["estates"][4]
    ServiceContract.objects.filter(estate=estate).update(end=dt.date(2025, 2, 14))
    ServiceContract.objects.create(
        estate=estate, firm=FirmFactory(name="新来物业有限公司"), start=dt.date(2025, 2, 15)
    )
    text = text_of(client.get(estate.page.url).content.decode())
    assert "新接管未满一季度" in text and "新来物业有限公司 自 2025年2月15日 起接管本小区" in text
