"""质价相符: the fee comparison's figures and its chart (disclosures.fees, fee_tags)."""

import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from disclosures.fees import NO_PLATE, fee_comparison, fee_range
from disclosures.templatetags.fee_tags import fee_chart

GREEN = {"band": "green", "label": "绿牌·精品", "score": Decimal("95.0")}
BLUE = {"band": "blue", "label": "蓝牌·规范", "score": Decimal("85.0")}
YELLOW = {"band": "yellow", "label": "黄牌·整改", "score": Decimal("70.0")}

fees_strategy = st.lists(
    st.decimals(min_value="0.10", max_value="20.00", places=2, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=60,
)


@given(fees_strategy)
def test_the_range_holds_its_median_and_counts_every_fee(fees):
    summary = fee_range(fees)
    assert summary["count"] == len(fees)
    assert summary["low"] == min(fees) and summary["high"] == max(fees)
    assert summary["low"] <= summary["median"] <= summary["high"]
    below = sum(1 for f in fees if f < summary["median"])
    above = sum(1 for f in fees if f > summary["median"])
    assert below <= len(fees) // 2 and above <= len(fees) // 2


def test_no_fees_no_range():
    assert fee_range([]) is None


def test_the_comparison_sets_the_estate_beside_its_group_and_each_band():
    fees = {
        1: Decimal("2.50"),
        2: Decimal("1.80"),
        3: Decimal("3.20"),
        4: Decimal("2.00"),
        5: Decimal("1.20"),
    }
    plates = {1: BLUE, 2: GREEN, 3: BLUE, 4: YELLOW}  # estate 5 has no plate
    result = fee_comparison(estate_id=1, fees=fees, plates=plates)
    assert result["fee"] == Decimal("2.50") and result["band_label"] == "蓝牌·规范"
    assert result["group"] == {
        "count": 5,
        "low": Decimal("1.20"),
        "median": Decimal("2.00"),
        "high": Decimal("3.20"),
    }
    assert result["position"] == "高于同组中位数"
    # bands best first (by their estates' mean score), estates without a plate last
    assert [r["label"] for r in result["bands"]] == ["绿牌·精品", "蓝牌·规范", "黄牌·整改", NO_PLATE]
    blue = result["bands"][1]
    assert (blue["count"], blue["low"], blue["median"], blue["high"]) == (
        2,
        Decimal("2.50"),
        Decimal("2.85"),
        Decimal("3.20"),
    )
    assert fee_comparison(estate_id=6, fees=fees, plates=plates) is None
    assert (
        fee_comparison(estate_id=1, fees={1: Decimal("2")}, plates={})["position"]
        == "同组仅本小区公示了物业费"
    )


def test_the_chart_draws_a_row_for_the_group_and_each_band_and_marks_the_estate_on_its_rows():
    fees = {i: Decimal(i) / 4 for i in range(1, 2001)}  # a city-sized group draws as few rows
    plates = {i: (GREEN, BLUE, YELLOW)[i % 3] for i in range(1, 2001)}
    svg = str(fee_chart(fee_comparison(estate_id=7, fees=fees, plates=plates)))
    assert (
        svg.startswith('<svg class="chart fee-chart"')
        and 'aria-labelledby="fee-chart-title fee-chart-desc"' in svg
    )
    assert svg.count('class="fee-chart__row') == 4
    assert svg.count('class="fee-chart__own"') == 2  # on the group's row and on its band's
    assert "全组（2000 个）" in svg and "蓝牌·规范（667 个）" in svg
    assert all(float(x) <= 348 for x in re.findall(r'cx="([0-9.]+)"', svg))
    assert fee_chart(None) == ""
