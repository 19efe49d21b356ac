"""The scheme a freshly migrated database starts with (ratings migration 0004_demo_scheme) holds
the defaults of SPEC §3, written out here from the SPEC, not read from any module of the code."""

from dataclasses import replace
from decimal import Decimal

import pytest

from ratings.engine import Band, Consequence, Criterion, demo_scheme
from ratings.models import Scheme

pytestmark = pytest.mark.django_db

# SPEC §3, "Criteria" (code, name, max).
CRITERIA = [
    ("hotline", "12345诉求办理", Decimal("30")),
    ("owner", "业主评价", Decimal("20")),
    ("environment", "环境建设", Decimal("15")),
    ("civility", "创城", Decimal("10")),
    ("sanitation", "创卫", Decimal("10")),
    ("safety", "安全生产", Decimal("10")),
    ("standards", "规范化建设", Decimal("5")),
]
# SPEC §3, "Bands" (labels from §2) and "Consequences": minimum score, reward per quarter in 元,
# inspections per month in the next quarter, interview. Best band first; red has no minimum.
BANDS = [
    ("green", "绿牌·精品", Decimal("90"), 30000, 0, False),
    ("blue", "蓝牌·规范", Decimal("80"), 10000, 1, False),
    ("yellow", "黄牌·提升", Decimal("70"), 0, 3, False),
    ("red", "红牌·整改", None, 0, 4, True),
]


@pytest.fixture
def scheme() -> Scheme:
    return Scheme.objects.get(code="sunshine", version=1)


def test_the_migrated_scheme_is_the_one_in_force_from_2020(scheme):
    assert scheme.effective_from == "2020Q1"
    assert Scheme.objects.for_quarter("2025Q1") == scheme
    assert Scheme.objects.for_quarter("2019Q4") is None


def test_its_criteria_are_the_specs_in_order_and_add_up_to_100(scheme):
    assert [(c.code, c.name, c.max) for c in scheme.criteria.order_by("sort_order")] == CRITERIA
    assert sum(c.max for c in scheme.criteria.all()) == 100


def test_its_bands_and_consequences_are_the_specs_best_first(scheme):
    rows = scheme.bands.order_by("sort_order")
    assert [
        (b.code, b.label, b.min_score, b.reward_yuan, b.inspections_per_month, b.interview) for b in rows
    ] == BANDS


def test_its_other_settings_are_the_specs(scheme):
    # "at least 2 assessed months"; hotline = max × (0.1 response + 0.45 resolution + 0.45 satisfaction)
    assert scheme.min_assessed_months == 2
    assert (scheme.weight_response, scheme.weight_resolution, scheme.weight_satisfaction) == (
        Decimal("0.1"),
        Decimal("0.45"),
        Decimal("0.45"),
    )


def test_the_engine_computes_with_the_same_numbers(scheme):
    computed = scheme.to_engine()
    assert computed.criteria == tuple(Criterion(code, name, maximum) for code, name, maximum in CRITERIA)
    assert computed.bands == tuple(Band(code, label, minimum) for code, label, minimum, *_ in BANDS)
    assert computed.consequences == {
        code: Consequence(reward, inspections, interview)
        for code, _, _, reward, inspections, interview in BANDS
    }
    assert computed.hotline_weights == (Decimal("0.1"), Decimal("0.45"), Decimal("0.45"))
    # The engine's own demo scheme (its tests run without a database) is the same scheme.
    assert replace(demo_scheme(), code="sunshine") == computed
