"""The public rating pages (SPEC §4, §7): /ratings/, a quarter's table, lists, appeals, approval
record and digest, corrections (v2 with the row diff, v1 kept), the committee's preview, and
query counts that do not grow with the number of estates.
"""

import pytest

from django.contrib.auth import get_user_model
from django.utils import timezone

from ratings.models import Appeal, MonthlyScore, QuarterPage
from ratings.services.publication import correction_open, quarter_page_ensure
from ratings.services.quarters import quarter_compute
from tests.ratings.helpers import MONTHS, Q, body_of, correct, publish, queries_with, street_scores, text_of

pytestmark = pytest.mark.django_db


def table_of(body: str) -> str:
    """The quarter table alone: the lists below it name estates too."""
    start = body.index('class="data-table rating-table')
    return body[start : body.index("</table>", start)]


@pytest.fixture
def published(db):
    data = street_scores(5)
    data["release"] = publish()
    return data


# --------------------------------------------------------------------------- drafts


def test_a_draft_quarter_is_404_everywhere_for_the_public(client, db):
    data = street_scores(3)
    quarter_compute(quarter=Q)
    quarter_page_ensure(quarter=Q)
    slug = data["estates"][0].page.slug
    for url in [
        "/ratings/2025-q1/",
        "/ratings/2025-q1/v1/",
        "/ratings/2025-q1/data.json",
        "/ratings/2025-q1/data.csv",
        "/ratings/2025-q1/v1/data.json",
        f"/ratings/2025-q1/plates/{slug}/",
    ]:
        assert client.get(url).status_code == 404, url
    assert "2025年第1季度" not in body_of(client.get("/ratings/"))


def test_a_live_quarter_page_without_a_release_is_still_404(client, db):
    street_scores(3)
    page = quarter_page_ensure(quarter=Q)
    QuarterPage.objects.filter(pk=page.pk).update(live=True)  # live by accident, but never released
    assert client.get("/ratings/2025-q1/").status_code == 404
    assert client.get("/ratings/2025-q1/data.json").status_code == 404


# --------------------------------------------------------------------------- /ratings/


def test_the_index_lists_published_quarters_newest_first_with_plate_counts(client, db):
    street_scores(5, months=("2024-10", "2024-11", "2024-12", *MONTHS))
    publish("2024Q4")
    publish(Q)
    body = body_of(client.get("/ratings/"))
    assert body.index("2025年第1季度") < body.index("2024年第4季度")
    assert 'href="/ratings/2025-q1/"' in body and 'href="/ratings/2024-q4/"' in body
    assert "第 1 版" in body
    assert 'href="/ratings/data/"' in body
    text = text_of(body)
    for label in ("绿牌·精品", "红牌·整改", "待评"):
        assert label in text


# --------------------------------------------------------------------------- the quarter page


def test_the_quarter_page_shows_table_lists_consequences_approval_and_digest(client, published):
    release = published["release"]
    response = client.get("/ratings/2025-q1/")
    assert response.status_code == 200
    body = body_of(response)
    text = text_of(body)
    rows = {r["estate_code"]: r for r in release.document["estates"]}
    vetoed = published["estates"][0]
    assert rows[vetoed.code]["band"] == "red"
    assert "重大安全事故（测试）" in text  # the veto reason is public
    assert "数据不足" in text  # the pending estate has no score
    assert "待评" in text
    for row in rows.values():
        assert row["estate_name"] in text
        if row["score"]:
            assert row["score"] in text
    assert release.digest in body
    assert "考评委员会" in text
    assert 'href="/ratings/2025-q1/data.json"' in body and 'href="/ratings/2025-q1/data.csv"' in body
    assert "红榜" in text and "黑榜" in text and "清退预警" in text
    assert "30,000 元" in text and "每月 4 次" in text and "约谈企业" in text  # consequences per band
    assert "无（这是第一次发布）" in text


def test_the_quarter_table_filters_by_group_band_and_street_and_sorts(client, published):
    estates = published["estates"]
    body = body_of(client.get("/ratings/2025-q1/", {"group": "老旧小区"}))
    table = table_of(body)
    names_in = [e.name for e in estates if e.group.name == "老旧小区"]
    names_out = [e.name for e in estates if e.group.name != "老旧小区"]
    assert all(n in table for n in names_in) and not any(n in table for n in names_out)
    assert '<option value="老旧小区" selected>' in body

    body = body_of(client.get("/ratings/2025-q1/", {"band": "red"}))
    table = table_of(body)
    assert estates[0].name in table and estates[2].name not in table

    body = body_of(client.get("/ratings/2025-q1/", {"street": "西河街道"}))
    table = table_of(body)
    assert estates[2].name in table and estates[0].name not in table

    body = body_of(client.get("/ratings/2025-q1/", {"sort": "code"}))
    table = table_of(body)
    positions = [table.index(e.name) for e in estates]
    assert positions == sorted(positions)

    # An unknown filter value is ignored rather than an error.
    assert client.get("/ratings/2025-q1/", {"band": "purple", "sort": "x"}).status_code == 200


def test_the_quarter_table_is_paginated(client, db):
    street_scores(60)
    publish()
    first = body_of(client.get("/ratings/2025-q1/"))
    second = body_of(client.get("/ratings/2025-q1/", {"page": 2}))
    assert "共 60 个小区" in text_of(first)
    assert 'rel="next"' in first and "第 2 / 2 页" in text_of(second)
    assert first.count('class="rating-row ') == 50 and second.count('class="rating-row ') == 10


def test_the_appeal_register_counts_and_lists_each_appeal_with_its_reason(client, published):
    user = get_user_model().objects.create(username="firmuser")
    estates = published["estates"]
    now = timezone.now()
    for estate, month, status, reason in [
        (estates[2], "2025-01", Appeal.UPHELD, "复核原始记录后更正为 18.0 分"),
        (estates[3], "2025-02", Appeal.REJECTED, "检查记录与照片一致，维持原分"),
        (estates[4], "2025-03", Appeal.OPEN, ""),
    ]:
        score = MonthlyScore.objects.get(estate=estate, month=month)
        Appeal.objects.create(
            score=score, firm=published["firms"][0], criterion="owner", reason="申请复核业主评价得分",
            submitted_by=user, submitted_at=now, status=status, decision_reason=reason,
        )  # fmt: skip
    text = text_of(body_of(client.get("/ratings/2025-q1/")))
    section = text[text.index("申诉登记") :]
    assert (
        "3 件收到" in section
        and "1 件成立" in section
        and "1 件不成立" in section
        and "1 件处理中" in section
    )
    assert "复核原始记录后更正为 18.0 分" in section and "检查记录与照片一致，维持原分" in section
    assert "2025年2月" in section and estates[3].name in section
    assert "申诉成立" in section and "申诉不成立" in section and "待处理" in section


def test_a_correction_shows_its_note_and_each_changed_row_and_v1_keeps_the_old_values(client, published):
    estates = published["estates"]
    target = estates[
        2
    ]  # full marks but for the hotline: green and first; the correction takes 20 points off one month
    v1_row = next(r for r in published["release"].document["estates"] if r["estate_code"] == target.code)
    v2 = correct(estate=target, month="2025-01", owner="0.0")
    v2_row = next(r for r in v2.document["estates"] if r["estate_code"] == target.code)
    assert v2.version == 2 and v2_row["score"] != v1_row["score"]

    body = body_of(client.get("/ratings/2025-q1/"))
    text = text_of(body)
    assert "测试：更正一处录入错误的业主评价得分" in text
    changes = text[text.index("变化的小区") : text.index("挂牌概况")]
    assert target.name in changes
    assert f"原为 {v1_row['score']} → 改为 {v2_row['score']}" in changes
    assert (v1_row["band"], v2_row["band"]) == ("green", "blue")
    assert "原为 绿牌·精品 → 改为 蓝牌·规范" in changes
    assert v1_row["rank_overall"] != v2_row["rank_overall"]
    assert f"原为 {v1_row['rank_overall']} → 改为 {v2_row['rank_overall']}" in changes
    unchanged = [e for e in estates if e.name not in changes]
    assert unchanged, "only rows that changed are listed"

    v1 = client.get("/ratings/2025-q1/v1/")
    assert v1.status_code == 200
    v1_text = text_of(body_of(v1))
    assert "已有更新的第 2 版" in v1_text
    v1_table = v1_text[v1_text.index("各小区评级") :]
    assert v1_row["score"] in v1_table and v2_row["score"] not in v1_table
    assert published["release"].digest in body_of(v1)
    assert client.get("/ratings/2025-q1/v3/").status_code == 404


def test_the_committee_preview_shows_the_provisional_result_open_appeals_and_changes(
    rf, published, admin_user
):
    estates = published["estates"]
    user = get_user_model().objects.create(username="firmuser")
    score = MonthlyScore.objects.get(estate=estates[3], month="2025-02")
    Appeal.objects.create(
        score=score, firm=published["firms"][0], reason="二月业主评价抽样只覆盖一栋楼", submitted_by=user,
        submitted_at=timezone.now(),
    )  # fmt: skip
    correction_open(quarter=Q, reason="测试：复核二月业主评价", user=admin_user)
    MonthlyScore.objects.filter(pk=score.pk).update(scores=dict(score.scores, owner="0.0"))
    quarter_compute(quarter=Q)
    page = QuarterPage.objects.get(quarter=Q)
    request = rf.get("/ratings/2025-q1/")
    request.user = admin_user
    response = page.serve_preview(request, "")
    text = text_of(response.render().content.decode("utf-8"))
    assert "预览：尚未发布" in text
    assert "二月业主评价抽样只覆盖一栋楼" in text  # the open appeal
    assert "与已发布的第 1 版相比的变化" in text and estates[3].name in text[text.index("相比的变化") :]


def test_the_quarter_page_runs_the_same_few_queries_for_5_or_60_estates(client, db):
    url = lambda data: "/ratings/2025-q1/?group=商品房&sort=score"  # noqa: E731
    small, large = queries_with(5, client, url), queries_with(60, client, url)
    assert small == large <= 20


def test_a_corrected_quarter_page_and_v1_stay_within_20_queries(client, db, django_assert_max_num_queries):
    data = street_scores(60)
    publish()
    correct(estate=data["estates"][4], month="2025-01")
    for url in ("/ratings/2025-q1/", "/ratings/2025-q1/v1/", "/ratings/"):
        client.get(url)
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200


# --------------------------------------------------------------------------- find my estate, on a phone


def test_find_my_estate_filters_the_table_by_part_of_a_name_without_javascript(client, published):
    estates = published["estates"]
    target = estates[3]
    EstatePage = type(target.page)  # noqa: N806
    part = target.name[2:5]  # a few characters from the middle of the name
    body = body_of(client.get("/ratings/2025-q1/", {"q": part}))
    table = table_of(body)
    assert target.name in table
    assert sum(e.name in table for e in estates) == sum(part in e.name for e in estates)
    assert f'name="q" type="search" value="{part}"' in body
    text = text_of(body)
    assert "筛选后" in text
    # The plate counts stay those of the whole quarter.
    assert text_of(body_of(client.get("/ratings/2025-q1/"))).count("个小区") >= 1
    # Spaces are ignored, the code finds it too, and nothing found says so.
    spaced = " ".join(target.name[2:5])
    assert target.name in body_of(client.get("/ratings/2025-q1/", {"q": spaced}))
    by_code = body_of(client.get("/ratings/2025-q1/", {"q": target.code.lower()}))
    assert target.name in table_of(by_code)
    nothing = text_of(body_of(client.get("/ratings/2025-q1/", {"q": "不存在的小区"})))
    assert "没有找到名称或编码含“不存在的小区”的小区" in nothing
    assert EstatePage.objects.filter(pk=target.page.pk).exists()


def test_find_my_estate_keeps_the_plate_summary_of_the_whole_quarter(client, published):
    whole = body_of(client.get("/ratings/2025-q1/"))
    found = body_of(client.get("/ratings/2025-q1/", {"q": published["estates"][3].name}))

    def summary(body):
        return body[body.index('id="summary-title"') : body.index('id="table-title"')]

    assert summary(whole) == summary(found)


def test_the_digest_and_verification_have_their_own_section_below_the_table(client, published):
    body = body_of(client.get("/ratings/2025-q1/"))
    table_end = body.index("</table>", body.index('class="data-table rating-table'))
    section = body.index('id="verification"')
    assert table_end < section
    verification = body[section:]
    assert published["release"].digest in verification and "SHA-256" in verification
    assert "自己核对" in text_of(verification)
    assert body.index('href="/ratings/2025-q1/data.xlsx"') < body.index('id="lists-title"')


def test_the_compact_rows_keep_the_table_semantics(client, published):
    body = body_of(client.get("/ratings/2025-q1/"))
    table = table_of(body)
    assert "rating-table--compact" in table and '<th scope="col">小区</th>' in table
    assert table.count('<th scope="row"') == len(published["estates"])
    for label in ("总排名", "得分", "组内排名", "分组", "街道", "物业企业"):
        assert f'data-label="{label}"' in table


def test_searching_the_quarter_table_runs_the_same_few_queries_for_5_or_60_estates(client, db):
    url = lambda data: "/ratings/2025-q1/?q=测试&sort=name"  # noqa: E731
    small, large = queries_with(5, client, url), queries_with(60, client, url)
    assert small == large <= 20


def test_the_rules_page_and_the_field_page_stay_within_20_queries(client, db, django_assert_max_num_queries):
    street_scores(60)
    publish()
    for url in ("/ratings/rules/", "/ratings/data/"):
        client.get(url)
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200
