"""Months ("2025-01") and quarters ("2025Q1"): parsing, neighbours, bounds and labels, in one place
(SPEC §3: Q1 is January–March, and so on). Digits are `[0-9]`, never `\\d` (which also matches
other scripts' digits)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

QUARTER_PATTERN = r"[0-9]{4}Q[1-4]"
MONTH_PATTERN = r"[0-9]{4}-(?:0[1-9]|1[0-2])"
QUARTER_SLUG_PATTERN = r"[0-9]{4}-q[1-4]"  # a quarter page's slug (SPEC §7: /ratings/2025-q1/)
_QUARTER_RE = re.compile(r"([0-9]{4})Q([1-4])")
_MONTH_RE = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


def is_month(text: object) -> bool:
    return isinstance(text, str) and _MONTH_RE.fullmatch(text) is not None


def is_quarter(text: object) -> bool:
    return isinstance(text, str) and _QUARTER_RE.fullmatch(text) is not None


@lru_cache(maxsize=1024)
def month_parts(month: str) -> tuple[int, int]:
    """(year, month) of "YYYY-MM"; ValueError otherwise."""
    match = _MONTH_RE.fullmatch(month) if isinstance(month, str) else None
    if not match:
        raise ValueError(f"月份格式应为 YYYY-MM：{month!r}")
    return int(match[1]), int(match[2])


def _quarter_parts(quarter: str) -> tuple[int, int]:
    match = _QUARTER_RE.fullmatch(quarter) if isinstance(quarter, str) else None
    if not match:
        raise ValueError(f"季度格式应为 YYYYQn（n 为 1–4）：{quarter!r}")
    return int(match[1]), int(match[2])


def quarter_months(quarter: str) -> tuple[str, str, str]:
    """The three months of a quarter: Q1 is January–March, and so on (SPEC §3)."""
    year, q = _quarter_parts(quarter)
    first = 3 * q - 2
    return (f"{year:04d}-{first:02d}", f"{year:04d}-{first + 1:02d}", f"{year:04d}-{first + 2:02d}")


def quarter_of_month(month: str) -> str:
    """The quarter a "YYYY-MM" month belongs to (SPEC §3)."""
    year, m = month_parts(month)
    return f"{year:04d}Q{(m - 1) // 3 + 1}"


def previous_quarter(quarter: str) -> str:
    """The quarter before, across a year boundary ("2025Q1" → "2024Q4")."""
    year, q = _quarter_parts(quarter)
    return f"{year - 1:04d}Q4" if q == 1 else f"{year:04d}Q{q - 1}"


def _span(year: int, first_month: int, months: int) -> tuple[date, date]:
    after = first_month + months  # may be 13: January of the next year
    end = date(year + (after - 1) // 12, (after - 1) % 12 + 1, 1) - timedelta(days=1)
    return date(year, first_month, 1), end


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """First and last day of a quarter."""
    year, q = _quarter_parts(quarter)
    return _span(year, 3 * q - 2, 3)


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of a "YYYY-MM" month."""
    return _span(*month_parts(month), 1)


def next_quarter(quarter: str) -> str:
    """The quarter after, across a year boundary ("2024Q4" → "2025Q1")."""
    year, q = _quarter_parts(quarter)
    return f"{year + 1:04d}Q1" if q == 4 else f"{year:04d}Q{q + 1}"


def quarter_label(quarter: str) -> str:
    """ "2025Q1" → "2025年第1季度"."""
    year, q = _quarter_parts(quarter)
    return f"{year}年第{q}季度"


def quarter_slug(quarter: str) -> str:
    """ "2025Q1" → "2025-q1", the quarter page's slug (SPEC §7)."""
    year, q = _quarter_parts(quarter)
    return f"{year:04d}-q{q}"


def month_label(month: str) -> str:
    """ "2025-01" → "2025年1月"."""
    year, m = month_parts(month)
    return f"{year}年{m}月"
