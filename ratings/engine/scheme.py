"""The scheme (SPEC §3): criteria, bands and consequences, and exact rounding."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from functools import cached_property
from typing import ClassVar

PENDING_BAND = "pending"
PENDING_LABEL = "待评"
_ZERO = Decimal(0)
_ZERO_ONE_PLACE = Decimal("0.0")
_ONE_PLACE = Decimal("0.1")
DEFAULT_HOTLINE_WEIGHTS = (Decimal("0.1"), Decimal("0.45"), Decimal("0.45"))


# --------------------------------------------------------------------------- exact rounding


# Quotients are taken to 60 significant digits, then rounded ROUND_HALF_UP. That is exact for our
# figures: a quotient of a number with at most two decimals by a whole number d that is not itself
# a tie lies at least 1/(200·d) away from one, far beyond the 60th digit; ties are exact decimals.
_EXACT = Context(prec=60, rounding=ROUND_HALF_UP, traps=[InvalidOperation, DivisionByZero, Overflow])
_PLACES = {1: Decimal("0.1"), 2: Decimal("0.01")}


def _div(value: Decimal | int, divisor: int, places: int) -> Decimal:
    """``value / divisor`` rounded ROUND_HALF_UP to ``places`` decimals (see above: exact)."""
    return _EXACT.divide(value, divisor).quantize(_PLACES[places], ROUND_HALF_UP)


def _mean(values: Sequence[Decimal], places: int) -> Decimal:
    """Mean of ``values``, ROUND_HALF_UP to ``places`` (SPEC §3)."""
    return _div(sum(values, _ZERO), len(values), places)


# --------------------------------------------------------------------------- the scheme


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    max: Decimal


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    min_score: Decimal | None  # None only for the bottom band


@dataclass(frozen=True)
class Consequence:
    reward_yuan: int
    inspections_per_month: int
    interview: bool


@dataclass(frozen=True)
class Scheme:
    """A versioned set of criteria, bands and consequences; every number of SPEC §3 lives here.

    Bands are listed best first. The first band is the red-list band, the last one the band of a
    veto, the black list and the exit warning; the one above it, repeated, also blacklists (§3).
    """

    PENDING: ClassVar[str] = PENDING_BAND

    code: str
    version: int
    criteria: tuple[Criterion, ...]
    bands: tuple[Band, ...]
    consequences: Mapping[str, Consequence]
    min_assessed_months: int = 2
    hotline_code: str = "hotline"
    hotline_weights: tuple[Decimal, Decimal, Decimal] = DEFAULT_HOTLINE_WEIGHTS

    def __post_init__(self) -> None:
        object.__setattr__(self, "criteria", tuple(self.criteria))
        object.__setattr__(self, "bands", tuple(self.bands))
        object.__setattr__(self, "hotline_weights", tuple(self.hotline_weights))
        object.__setattr__(self, "consequences", dict(self.consequences))  # a copy, picklable
        codes = [c.code for c in self.criteria]
        if len(set(codes)) != len(codes):
            raise ValueError("criterion codes must be unique")
        if self.hotline_code not in codes:
            raise ValueError(f"the hotline criterion {self.hotline_code!r} is missing")
        if any(not c.max > 0 for c in self.criteria):
            raise ValueError("every criterion needs a positive maximum")
        band_codes = [b.code for b in self.bands]
        if not band_codes or len(set(band_codes)) != len(band_codes) or PENDING_BAND in band_codes:
            raise ValueError("bands must be non-empty, unique and not named 'pending'")
        mins = [b.min_score for b in self.bands]
        if mins[-1] is not None or any(m is None for m in mins[:-1]):
            raise ValueError("only the bottom band has no minimum")
        if any(a <= b for a, b in zip(mins[:-2], mins[1:-1], strict=True)):
            raise ValueError("band minimums must fall strictly, best band first")
        if set(self.consequences) != set(band_codes):
            raise ValueError("one consequence per band is required")
        if len(self.hotline_weights) != 3 or any(w < 0 for w in self.hotline_weights):
            raise ValueError("three non-negative hotline weights are required")
        if sum(self.hotline_weights) != 1:
            raise ValueError("hotline weights must add up to 1")
        if self.min_assessed_months < 1:
            raise ValueError("min_assessed_months must be at least 1")

    @cached_property
    def maxima(self) -> dict[str, Decimal]:
        return {c.code: c.max for c in self.criteria}

    @cached_property
    def scored_codes(self) -> tuple[str, ...]:
        """Criteria entered as scores, i.e. all but the hotline criterion."""
        return tuple(c.code for c in self.criteria if c.code != self.hotline_code)

    @cached_property
    def scored_set(self) -> frozenset[str]:
        return frozenset(self.scored_codes)

    @cached_property
    def hotline_coefficients(self) -> tuple[int, int, int, int]:
        return _hotline_coefficients(self.maxima[self.hotline_code], *self.hotline_weights)

    @cached_property
    def band_order(self) -> dict[str, int]:
        return {b.code: i for i, b in enumerate(self.bands)}

    @property
    def top_band(self) -> str:
        return self.bands[0].code

    @property
    def bottom_band(self) -> str:
        return self.bands[-1].code

    @property
    def warning_band(self) -> str | None:
        """The band just above the bottom one (yellow): twice in a row blacklists a firm."""
        return self.bands[-2].code if len(self.bands) > 1 else None

    def band_label(self, code: str) -> str:
        if code == PENDING_BAND:
            return PENDING_LABEL
        return self.bands[self.band_order[code]].label


def demo_scheme() -> Scheme:
    """The defaults of the demo scheme, exactly as listed in SPEC §3."""
    return Scheme(
        code="demo",
        version=1,
        criteria=(
            Criterion("hotline", "12345诉求办理", Decimal("30")),
            Criterion("owner", "业主评价", Decimal("20")),
            Criterion("environment", "环境建设", Decimal("15")),
            Criterion("civility", "创城", Decimal("10")),
            Criterion("sanitation", "创卫", Decimal("10")),
            Criterion("safety", "安全生产", Decimal("10")),
            Criterion("standards", "规范化建设", Decimal("5")),
        ),
        bands=(
            Band("green", "绿牌·精品", Decimal("90")),
            Band("blue", "蓝牌·规范", Decimal("80")),
            Band("yellow", "黄牌·提升", Decimal("70")),
            Band("red", "红牌·整改", None),
        ),
        consequences={
            "green": Consequence(30000, 0, False),
            "blue": Consequence(10000, 1, False),
            "yellow": Consequence(0, 3, False),
            "red": Consequence(0, 4, True),
        },
    )


def band_for(scheme: Scheme, score: Decimal) -> str:
    """The best band whose minimum the score reaches; the bottom band otherwise (SPEC §3)."""
    for band in scheme.bands:
        if band.min_score is None or score >= band.min_score:
            return band.code
    return scheme.bottom_band  # pragma: no cover - the bottom band has no minimum


def _hotline_coefficients(max_points: Decimal, *weights: Decimal) -> tuple[int, int, int, int]:
    """Integers c₁, c₂, c₃, k with max·wᵢ = cᵢ / k, so the score is a ratio of integers: exact."""
    (max_n, max_d), (r_n, r_d), (s_n, s_d), (t_n, t_d) = (
        v.as_integer_ratio() for v in (max_points, *weights)
    )
    return max_n * r_n * s_d * t_d, max_n * s_n * r_d * t_d, max_n * t_n * r_d * s_d, max_d * r_d * s_d * t_d
