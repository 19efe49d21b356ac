"""The 12345 hotline criterion (SPEC §3), ratings.engine.hotline: hand-worked scores, exact
half-up rounding, invalid figures named, complaints per 1000 households, and score checks."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ratings.engine import (
    HotlineFigures,
    complaints_per_1000,
    hotline_errors,
    hotline_score,
    score_errors,
)
from tests.ratings.engine.helpers import NO_COMPLAINTS, SCHEME


def test_hotline_with_no_complaints_earns_full_marks():
    assert hotline_score(NO_COMPLAINTS, max_points=D("30")) == D("30.0")


def test_hotline_satisfaction_rate_is_one_when_nobody_was_surveyed():
    figures = HotlineFigures(received=10, responded=10, resolved=10, surveyed=0, satisfied=0)
    assert hotline_score(figures, max_points=D("30")) == D("30.0")


def test_hotline_score_hand_worked_example():
    # 30 × (0.1·12/12 + 0.45·11/12 + 0.45·9/10) = 30 × 0.9175 = 27.525 → 27.5
    figures = HotlineFigures(received=12, responded=12, resolved=11, surveyed=10, satisfied=9)
    assert hotline_score(figures, max_points=D("30")) == D("27.5")


@pytest.mark.parametrize(
    ("figures", "exact"),
    [
        # 30 × (0.1·6/10 + 0.45·9/10 + 0.45·9/9) = 27.45 exactly
        (HotlineFigures(received=10, responded=6, resolved=9, surveyed=9, satisfied=9), "27.45"),
        # 30 × (0.1·9/9 + 0.45·9/9 + 0.45·5/6) = 27.75 exactly
        (HotlineFigures(received=9, responded=9, resolved=9, surveyed=6, satisfied=5), "27.75"),
    ],
)
def test_hotline_exact_half_rounds_up_where_float_rounds_down(figures, exact):
    f = figures
    as_float = 30 * (
        0.1 * f.responded / f.received + 0.45 * f.resolved / f.received + 0.45 * f.satisfied / f.surveyed
    )
    assert round(as_float, 1) < float(exact)  # the trap is real
    expected = D(exact) + D("0.05")
    assert hotline_score(figures, max_points=D("30")) == expected


@pytest.mark.parametrize(
    ("figures", "message"),
    [
        (HotlineFigures(5, 6, 5, 5, 5), "已响应数不能大于受理数"),
        (HotlineFigures(5, 5, 6, 5, 5), "已解决数不能大于受理数"),
        (HotlineFigures(5, 5, 5, 6, 5), "已回访数不能大于受理数"),
        (HotlineFigures(5, 5, 5, 4, 5), "满意数不能大于已回访数"),
        (HotlineFigures(-1, 0, 0, 0, 0), "受理数不能为负数"),
        (HotlineFigures(5, -1, 0, 0, 0), "已响应数不能为负数"),
        (HotlineFigures(5, 0, -2, 0, 0), "已解决数不能为负数"),
        (HotlineFigures(5, 0, 0, -1, 0), "已回访数不能为负数"),
        (HotlineFigures(5, 0, 0, 0, -1), "满意数不能为负数"),
        (HotlineFigures(5, 2.5, 0, 0, 0), "已响应数必须是整数"),
        (HotlineFigures(5, True, 0, 0, 0), "已响应数必须是整数"),
    ],
)
def test_hotline_errors_names_each_invalid_figure(figures, message):
    assert message in hotline_errors(figures)
    with pytest.raises(ValueError, match=message):
        hotline_score(figures, max_points=D("30"))


def test_hotline_errors_lists_every_problem_and_none_for_valid_figures():
    assert hotline_errors(HotlineFigures(12, 12, 11, 10, 9)) == []
    assert hotline_errors(NO_COMPLAINTS) == []
    assert len(hotline_errors(HotlineFigures(1, 2, 3, 4, 5))) == 4


def test_complaints_per_1000_households_rounds_half_up_to_two_places():
    assert complaints_per_1000(5, 1500) == D("3.33")
    assert complaints_per_1000(1, 1600) == D("0.63")  # 0.625 exactly; round(0.625, 2) == 0.62
    assert complaints_per_1000(0, 800) == D("0.00")
    assert complaints_per_1000(7, 0) is None


def test_score_errors_explains_in_chinese():
    assert score_errors(SCHEME, "owner", D("18.5")) == []
    assert score_errors(SCHEME, "owner", D("21")) == ["分数须在 0 到 20 之间"]
    assert score_errors(SCHEME, "owner", D("1.25")) == ["分数最多保留一位小数"]
    assert score_errors(SCHEME, "hotline", D("1")) == ["未知的考核项目：hotline"]


@st.composite
def valid_figures(draw):
    received = draw(st.integers(0, 500))
    surveyed = draw(st.integers(0, received))
    return HotlineFigures(
        received=received,
        responded=draw(st.integers(0, received)),
        resolved=draw(st.integers(0, received)),
        surveyed=surveyed,
        satisfied=draw(st.integers(0, surveyed)),
    )


@settings(max_examples=200, deadline=None)
@given(valid_figures(), st.decimals(min_value=D("0.1"), max_value=D("100"), places=1))
def test_property_hotline_score_lies_between_zero_and_max(figures, max_points):
    score = hotline_score(figures, max_points=max_points)
    assert D(0) <= score <= max_points
    assert score == score.quantize(D("0.1"))
