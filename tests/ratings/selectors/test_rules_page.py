"""评分办法 (/ratings/rules/, issue 12): drawn from the scheme in force, never typed by hand — so
changing the scheme changes the page; linked from /ratings/ and from quarter pages."""

from decimal import Decimal

import pytest

from ratings import engine
from ratings.models import Scheme
from tests.ratings.helpers import body_of, publish, queries_of, street_scores, text_of

pytestmark = pytest.mark.django_db


def rules_text(client) -> str:
    response = client.get("/ratings/rules/")
    assert response.status_code == 200
    return text_of(body_of(response))


def test_the_rules_page_states_the_scheme_in_force(client, db):
    scheme = Scheme.objects.get()
    text = rules_text(client)
    for criterion in scheme.criteria.all():
        assert criterion.name in text
    assert "12345诉求办理 30 分" in text and "业主评价 20 分" in text and "满分合计 100 分" in text
    assert "30 ×（0.1 × 响应率 + 0.45 × 解决率 + 0.45 × 满意率）" in text
    expected = engine.hotline_score(
        engine.HotlineFigures(20, 19, 16, 15, 12),
        max_points=Decimal("30"),
        weights=scheme.to_engine().hotline_weights,
    )
    assert f"得分 {expected} 分" in text
    assert "90 分及以上" in text and "80 分及以上、不到 90 分" in text and "不到 70 分，或被一票否决" in text
    assert "30,000 元" in text and "每月 4 次" in text and "约谈企业" in text and "免检" in text
    assert "少于 2 个月" in text
    assert "即为红牌" in text  # the veto: the bottom band, by its name
    assert "都是绿牌" in text and "连续两个季度为黄牌" in text and "连续两个季度为红牌" in text


def test_changing_the_scheme_changes_the_page(client, db):
    scheme = Scheme.objects.get()
    scheme.bands.filter(code="green").update(min_score=Decimal("88.5"), reward_yuan=45000, label="绿牌·卓越")
    scheme.criteria.filter(code="owner").update(max=Decimal("25"), name="业主满意度")
    scheme.criteria.filter(code="standards").update(max=Decimal("0.5"))
    Scheme.objects.filter(pk=scheme.pk).update(
        min_assessed_months=3,
        weight_response=Decimal("0.2"),
        weight_resolution=Decimal("0.4"),
        weight_satisfaction=Decimal("0.4"),
    )
    text = rules_text(client)
    assert "88.5 分及以上" in text and "90 分及以上" not in text and "不到 88.5 分" in text
    assert "45,000 元" in text and "30,000 元" not in text and "都是绿牌" in text and "绿牌·卓越" in text
    assert "业主满意度 25 分" in text and "规范化建设 0.5 分" in text and "满分合计 100.5 分" in text
    assert "30 ×（0.2 × 响应率 + 0.4 × 解决率 + 0.4 × 满意率）" in text
    assert "少于 3 个月" in text and "少于 2 个月" not in text


def test_the_rules_page_is_linked_from_the_index_and_the_quarter_pages(client, db):
    street_scores(3)
    publish()
    assert 'href="/ratings/rules/"' in body_of(client.get("/ratings/"))
    assert 'href="/ratings/rules/"' in body_of(client.get("/ratings/2025-q1/"))
    assert 'href="/ratings/rules/"' in body_of(client.get("/ratings/2025-q1/v1/"))


def test_the_rules_page_runs_a_few_queries(client, db):
    assert queries_of(client, "/ratings/rules/") <= 20
