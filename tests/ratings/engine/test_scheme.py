"""The scheme (SPEC §3), ratings.engine.scheme: the demo scheme's defaults, consistency checks,
every number taken from the scheme, and the bands."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ratings.engine import (
    PENDING_BAND,
    Band,
    Consequence,
    Criterion,
    EstateInput,
    HotlineFigures,
    MonthInput,
    Scheme,
    band_for,
    grade_estate,
    hotline_score,
)
from tests.ratings.engine.helpers import FEB, JAN, MAR, NO_COMPLAINTS, SCHEME


def test_demo_scheme_has_the_spec_defaults():
    assert [(c.code, c.name, c.max) for c in SCHEME.criteria] == [
        ("hotline", "12345诉求办理", 30),
        ("owner", "业主评价", 20),
        ("environment", "环境建设", 15),
        ("civility", "创城", 10),
        ("sanitation", "创卫", 10),
        ("safety", "安全生产", 10),
        ("standards", "规范化建设", 5),
    ]
    assert sum(c.max for c in SCHEME.criteria) == 100
    assert [(b.code, b.label, b.min_score) for b in SCHEME.bands] == [
        ("green", "绿牌·精品", 90),
        ("blue", "蓝牌·规范", 80),
        ("yellow", "黄牌·提升", 70),
        ("red", "红牌·整改", None),
    ]
    assert SCHEME.consequences["green"] == Consequence(30000, 0, False)
    assert SCHEME.consequences["blue"] == Consequence(10000, 1, False)
    assert SCHEME.consequences["yellow"] == Consequence(0, 3, False)
    assert SCHEME.consequences["red"] == Consequence(0, 4, True)
    assert SCHEME.min_assessed_months == 2
    assert SCHEME.hotline_weights == (D("0.1"), D("0.45"), D("0.45"))
    assert Scheme.PENDING == PENDING_BAND == "pending"
    assert SCHEME.band_label("pending") == "待评"


@pytest.mark.parametrize(
    "change",
    [
        {"criteria": SCHEME.criteria[1:]},  # no hotline criterion
        {"bands": tuple(reversed(SCHEME.bands))},  # worst first
        {"bands": (Band("a", "A", D("80")), Band("b", "B", D("90")), Band("c", "C", None))},
        {"consequences": {"green": Consequence(1, 0, False)}},  # one per band needed
        {"hotline_weights": (D("0.2"), D("0.45"), D("0.45"))},  # do not add up to 1
        {"min_assessed_months": 0},
    ],
)
def test_scheme_rejects_inconsistent_settings(change):
    fields = {
        "code": "x",
        "version": 1,
        "criteria": SCHEME.criteria,
        "bands": SCHEME.bands,
        "consequences": SCHEME.consequences,
    }
    with pytest.raises(ValueError):
        Scheme(**{**fields, **change})


def test_every_number_comes_from_the_scheme():
    scheme = Scheme(
        code="strict",
        version=2,
        criteria=(Criterion("hotline", "热线", D("50")), Criterion("owner", "业主", D("50"))),
        bands=(Band("gold", "金", D("95")), Band("iron", "铁", None)),
        consequences={"gold": Consequence(5, 0, False), "iron": Consequence(0, 9, True)},
        min_assessed_months=3,
        hotline_weights=(D("0"), D("0"), D("1")),
    )
    two = EstateInput(
        "E1", "g", 100, "F", tuple(MonthInput(m, {"owner": D("50")}, NO_COMPLAINTS) for m in (JAN, FEB))
    )
    assert grade_estate(scheme, two).band == PENDING_BAND  # 3 assessed months needed here
    three = EstateInput(
        "E1", "g", 100, "F", (*two.months, MonthInput(MAR, {"owner": D("45")}, NO_COMPLAINTS))
    )
    grade = grade_estate(scheme, three)
    assert (grade.score, grade.band, grade.reward_yuan) == (D("98.33"), "gold", 5)
    figures = HotlineFigures(received=10, responded=0, resolved=0, surveyed=4, satisfied=3)
    assert hotline_score(figures, max_points=D("50"), weights=scheme.hotline_weights) == D("37.5")


@pytest.mark.parametrize(
    ("score", "band"),
    [
        ("100", "green"),
        ("90.00", "green"),
        ("89.99", "blue"),
        ("80", "blue"),
        ("79.99", "yellow"),
        ("70", "yellow"),
        ("69.99", "red"),
        ("0", "red"),
    ],
)
def test_band_thresholds_are_inclusive_minimums(score, band):
    assert band_for(SCHEME, D(score)) == band


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=100, places=2), st.decimals(min_value=0, max_value=100, places=2))
def test_property_band_is_monotone_in_score(a, b):
    low, high = sorted((a, b))
    order = [band.code for band in SCHEME.bands]
    assert order.index(band_for(SCHEME, high)) <= order.index(band_for(SCHEME, low))
