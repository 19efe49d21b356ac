"""12345 hotline figures and the hotline criterion (SPEC §3)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from ratings.engine.scheme import (
    _ONE_PLACE,
    DEFAULT_HOTLINE_WEIGHTS,
    Scheme,
    _div,
    _hotline_coefficients,
)

# --------------------------------------------------------------------------- hotline figures


@dataclass(frozen=True)
class HotlineFigures:
    received: int
    responded: int
    resolved: int
    surveyed: int
    satisfied: int


_FIGURE_LABELS = {
    "received": "受理数",
    "responded": "已响应数",
    "resolved": "已解决数",
    "surveyed": "已回访数",
    "satisfied": "满意数",
}


def hotline_errors(fig: HotlineFigures) -> list[str]:
    """Why a month's 12345 figures are invalid, in Chinese; empty when valid (SPEC §3).

    Figures are whole numbers ≥ 0; responded, resolved and surveyed ≤ received; satisfied ≤ surveyed.
    """
    errors = []
    for name, label in _FIGURE_LABELS.items():
        value = getattr(fig, name)
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(f"{label}必须是整数")
        elif value < 0:
            errors.append(f"{label}不能为负数")
    if errors:
        return errors
    for name in ("responded", "resolved", "surveyed"):
        if getattr(fig, name) > fig.received:
            errors.append(f"{_FIGURE_LABELS[name]}不能大于受理数")
    if fig.satisfied > fig.surveyed:
        errors.append("满意数不能大于已回访数")
    return errors


def hotline_score(
    fig: HotlineFigures,
    *,
    max_points: Decimal,
    weights: tuple[Decimal, Decimal, Decimal] = DEFAULT_HOTLINE_WEIGHTS,
) -> Decimal:
    """max × (w₁·responded/received + w₂·resolved/received + w₃·satisfied/surveyed), ROUND_HALF_UP
    to one place; a rate whose denominator is 0 counts as 1 (SPEC §3). Invalid figures raise."""
    return _hotline_points(fig, _hotline_coefficients(max_points, *weights))


@lru_cache(maxsize=64)
def _hotline_points(fig: HotlineFigures, coefficients: tuple[int, int, int, int]) -> Decimal:
    r, a, b, s, t = fig.received, fig.responded, fig.resolved, fig.surveyed, fig.satisfied
    ints = r.__class__ is a.__class__ is b.__class__ is s.__class__ is t.__class__ is int
    if not (ints and 0 <= a <= r and 0 <= b <= r and 0 <= t <= s <= r):
        raise ValueError("；".join(hotline_errors(fig)))
    if not r:  # no complaints: response and resolution rates count as 1
        r = a = b = 1
    if not s:  # nobody surveyed: satisfaction rate counts as 1
        s = t = 1
    c1, c2, c3, k = coefficients
    return _div((c1 * a + c2 * b) * s + c3 * t * r, k * r * s, 1)


def complaints_per_1000(received: int, households: int) -> Decimal | None:
    """received × 1000 / households, ROUND_HALF_UP to 2 places; None without households (SPEC §3)."""
    if households <= 0:
        return None
    return _div(received * 1000, households, 2)


def score_errors(scheme: Scheme, code: str, value: Decimal) -> list[str]:
    """Why a criterion score is invalid, in Chinese: scores have one decimal place and lie in
    0 ≤ s ≤ max of a non-hotline criterion of the scheme (SPEC §3)."""
    if code not in scheme.scored_codes:
        return [f"未知的考核项目：{code}"]
    if not isinstance(value, Decimal) or not value.is_finite():
        return ["分数必须是数字"]
    if not Decimal(0) <= value <= scheme.maxima[code]:
        return [f"分数须在 0 到 {scheme.maxima[code]} 之间"]
    if value != value.quantize(_ONE_PLACE):
        return ["分数最多保留一位小数"]
    return []
