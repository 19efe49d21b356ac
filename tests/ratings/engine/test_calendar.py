"""Months and quarters (ratings.engine.calendar): their parts, bounds and neighbours, and the
strings refused."""

from datetime import date

import pytest

from ratings.engine import (
    month_bounds,
    previous_quarter,
    quarter_bounds,
    quarter_months,
    quarter_of_month,
)


def test_quarter_helpers():
    assert quarter_months("2025Q1") == ("2025-01", "2025-02", "2025-03")
    assert quarter_months("2024Q4") == ("2024-10", "2024-11", "2024-12")
    assert quarter_of_month("2025-03") == "2025Q1" and quarter_of_month("2025-04") == "2025Q2"
    assert quarter_of_month("2025-12") == "2025Q4"
    assert previous_quarter("2025Q1") == "2024Q4" and previous_quarter("2025Q3") == "2025Q2"
    assert quarter_bounds("2024Q1") == (date(2024, 1, 1), date(2024, 3, 31))
    assert quarter_bounds("2025Q2") == (date(2025, 4, 1), date(2025, 6, 30))
    assert quarter_bounds("2025Q4") == (date(2025, 10, 1), date(2025, 12, 31))
    assert month_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert month_bounds("2025-12") == (date(2025, 12, 1), date(2025, 12, 31))


@pytest.mark.parametrize(
    "bad", ["2025Q0", "2025Q5", "2025q1", "2025-Q1", "25Q1", " 2025Q1", "2025Q1\n", "", None, "２０２５Q1"]
)
def test_bad_quarter_strings_are_rejected(bad):
    for helper in (quarter_months, previous_quarter, quarter_bounds):
        with pytest.raises(ValueError):
            helper(bad)
