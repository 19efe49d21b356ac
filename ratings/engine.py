"""The rating rules of SPEC §3 as a pure engine: typed values in, typed values out.

No Django, no database, no floats. Every number comes from a :class:`Scheme`; all rounding is
``ROUND_HALF_UP`` on exact rationals, so a figure that is exactly ``x.x5`` always rounds up
(binary floats would sometimes round it down). The Django services build the inputs from models and
store the outputs; the public open data (SPEC §8) is a rendering of :class:`QuarterResult`.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from functools import cached_property, lru_cache
from operator import attrgetter, itemgetter
from typing import ClassVar

PENDING_BAND = "pending"
PENDING_LABEL = "待评"

_QUARTER_RE = re.compile(r"([0-9]{4})Q([1-4])")
_MONTH_RE = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
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
def _hotline_coefficients(max_points: Decimal, *weights: Decimal) -> tuple[int, int, int, int]:
    """Integers c₁, c₂, c₃, k with max·wᵢ = cᵢ / k, so the score is a ratio of integers: exact."""
    (max_n, max_d), (r_n, r_d), (s_n, s_d), (t_n, t_d) = (
        v.as_integer_ratio() for v in (max_points, *weights)
    )
    return max_n * r_n * s_d * t_d, max_n * s_n * r_d * t_d, max_n * t_n * r_d * s_d, max_d * r_d * s_d * t_d


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


# --------------------------------------------------------------------------- months


@dataclass(frozen=True)
class MonthInput:
    month: str  # "2025-01"
    scores: Mapping[str, Decimal]  # non-hotline criteria imported so far
    hotline: HotlineFigures | None
    veto: bool = False
    veto_reason: str = ""
    firm: str | None = None  # firm key of that month


@dataclass(frozen=True)
class MonthResult:
    month: str
    assessed: bool
    criteria: dict[str, Decimal]  # scheme order; hotline derived when figures are present
    total: Decimal | None  # only when assessed
    veto: bool
    veto_reason: str
    hotline: HotlineFigures | None
    firm: str | None


def month_evaluate(scheme: Scheme, m: MonthInput) -> MonthResult:
    """A month is assessed when its hotline figures and every other criterion are present; its
    total is then the sum of the criteria (SPEC §3). Invalid values raise ValueError."""
    month_parts(m.month)
    scores = m.scores
    if not scheme.scored_set.issuperset(scores):
        raise ValueError(f"{m.month}: 未知的考核项目 {sorted(set(scores) - scheme.scored_set)}")
    if m.veto and not m.veto_reason.strip():
        raise ValueError(f"{m.month}: 一票否决须注明原因")
    criteria: dict[str, Decimal] = {}
    hotline_code = scheme.hotline_code
    for code, maximum in scheme.maxima.items():
        if code == hotline_code:
            if m.hotline is not None:
                criteria[code] = _hotline_points(m.hotline, scheme.hotline_coefficients)
            continue
        value = scores.get(code)
        if value is None:
            continue
        # Fast path for the common valid case; score_errors() explains anything else.
        if value.__class__ is Decimal and _ZERO <= value <= maximum:
            rounded = value.quantize(_ONE_PLACE)
            if rounded == value:
                criteria[code] = rounded
                continue
        raise ValueError(f"{m.month} {code}: {'；'.join(score_errors(scheme, code, value))}")
    assessed = len(criteria) == len(scheme.criteria)
    return MonthResult(
        month=m.month,
        assessed=assessed,
        criteria=criteria,
        total=sum(criteria.values(), _ZERO_ONE_PLACE) if assessed else None,
        veto=m.veto,
        veto_reason=m.veto_reason.strip() if m.veto else "",
        hotline=m.hotline,
        firm=m.firm,
    )


# --------------------------------------------------------------------------- estates


@dataclass(frozen=True)
class EstateInput:
    code: str
    group: str
    households: int
    firm: str | None  # firm key for the quarter, see quarter_firm()
    months: tuple[MonthInput, ...]


@dataclass(frozen=True)
class EstateGrade:
    code: str
    group: str
    firm: str | None
    months: tuple[MonthResult, ...]
    months_assessed: int
    score: Decimal | None  # kept for pending estates too; publish it only when rated
    band: str
    vetoed: bool
    veto_reasons: tuple[str, ...]
    rank_in_group: int | None
    rank_overall: int | None
    reward_yuan: int | None
    inspections_per_month: int | None
    interview: bool | None
    complaints_per_1000_households: Decimal | None
    points_lost: dict[str, Decimal] = field(default_factory=dict)
    points_to_next_band: Decimal | None = None

    @property
    def rated(self) -> bool:
        return self.band != PENDING_BAND


def _estate_fields(scheme: Scheme, estate: EstateInput) -> dict:
    months = tuple(sorted((month_evaluate(scheme, m) for m in estate.months), key=attrgetter("month")))
    if len({m.month for m in months}) != len(months):
        raise ValueError(f"小区 {estate.code}: 同一月份重复")
    assessed = [m for m in months if m.assessed]
    vetoed = any(m.veto for m in months)
    reasons = tuple(dict.fromkeys(m.veto_reason for m in months if m.veto))
    score = _mean([m.total for m in assessed], 2) if assessed else None
    rated = vetoed or len(assessed) >= scheme.min_assessed_months
    if not rated:
        band = PENDING_BAND
    elif vetoed:
        band = scheme.bottom_band
    else:
        band = band_for(scheme, score)
    consequence = scheme.consequences.get(band)
    points_lost: dict[str, Decimal] = {}
    if rated and assessed:
        n = len(assessed)
        for code, maximum in scheme.maxima.items():
            lost = maximum * n
            for m in assessed:
                lost -= m.criteria[code]
            points_lost[code] = _EXACT.divide(lost, n).quantize(_PLACES[2], ROUND_HALF_UP)
    to_next = None
    if rated and not vetoed and band != scheme.top_band:
        better = scheme.bands[scheme.band_order[band] - 1]
        to_next = (better.min_score - score).quantize(_PLACES[2], ROUND_HALF_UP)
    with_figures = [m.hotline.received for m in months if m.hotline is not None]
    return {
        "code": estate.code,
        "group": estate.group,
        "firm": estate.firm,
        "months": months,
        "months_assessed": len(assessed),
        "score": score,
        "band": band,
        "vetoed": vetoed,
        "veto_reasons": reasons,
        "reward_yuan": consequence.reward_yuan if consequence else None,
        "inspections_per_month": consequence.inspections_per_month if consequence else None,
        "interview": consequence.interview if consequence else None,
        "complaints_per_1000_households": (
            complaints_per_1000(sum(with_figures), estate.households) if with_figures else None
        ),
        "points_lost": points_lost,
        "points_to_next_band": to_next,
    }


def grade_estate(scheme: Scheme, estate: EstateInput) -> EstateGrade:
    """One estate's quarter grade without ranks: mean of assessed totals (2 places), rated with
    enough assessed months or any veto, a veto is the bottom band, consequences by band (SPEC §3)."""
    return EstateGrade(rank_in_group=None, rank_overall=None, **_estate_fields(scheme, estate))


# --------------------------------------------------------------------------- ranking


def competition_ranks(keys: Sequence[Hashable]) -> list[int]:
    """Standard competition ranks (1, 1, 1, 4) of keys that are already sorted best first:
    equal keys share the rank of the first of them (SPEC §3)."""
    ranks: list[int] = []
    previous: object = object()
    for position, key in enumerate(keys, start=1):
        ranks.append(ranks[-1] if ranks and key == previous else position)
        previous = key
    return ranks


def _rank_key(fields: dict) -> tuple[bool, bool, Decimal]:
    # Non-vetoed before vetoed; within each, score descending; a vetoed estate without any
    # assessed month (no score) last of all.
    score = fields["score"]
    return (fields["vetoed"], score is None, -score if score is not None else Decimal(0))


# --------------------------------------------------------------------------- the quarter


@dataclass(frozen=True)
class ListEntry:
    firm: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ExitWarning:
    estate: str
    firm: str


@dataclass(frozen=True)
class FirmSummary:
    firm: str
    estates_per_band: dict[str, int]  # every band of the scheme, then "pending"
    mean_score: Decimal | None  # of its rated estates that have a score
    worst_band: str | None  # None when nothing is rated


@dataclass(frozen=True)
class PreviousGrade:
    band: str
    firm: str | None


@dataclass(frozen=True)
class QuarterResult:
    quarter: str
    grades: tuple[EstateGrade, ...]  # by rank_overall (pending last), then estate code
    red_list: tuple[str, ...]
    black_list: tuple[ListEntry, ...]
    exit_warnings: tuple[ExitWarning, ...]
    firm_summaries: dict[str, FirmSummary]


def grade_quarter(
    scheme: Scheme,
    *,
    quarter: str,
    estates: Iterable[EstateInput],
    previous: Mapping[str, PreviousGrade] | None = None,
) -> QuarterResult:
    """Grade every estate of a quarter, rank the rated ones within their group and overall, and
    derive the red list, black list, exit warnings and firm summaries (SPEC §3)."""
    allowed = set(quarter_months(quarter))
    previous = previous or {}
    rows: list[dict] = []
    seen: set[str] = set()
    for estate in estates:
        if estate.code in seen:
            raise ValueError(f"小区 {estate.code} 重复")
        seen.add(estate.code)
        stray = [m.month for m in estate.months if m.month not in allowed]
        if stray:
            raise ValueError(f"小区 {estate.code}: 月份 {stray} 不属于 {quarter}")
        rows.append(_estate_fields(scheme, estate))

    keyed = sorted((_rank_key(r), r["code"], r) for r in rows if r["band"] != PENDING_BAND)
    rated = [r for _, _, r in keyed]
    for row, rank in zip(rated, competition_ranks([k for k, _, _ in keyed]), strict=True):
        row["rank_overall"] = rank
    by_group: dict[str, list[tuple]] = {}
    for key, _, row in keyed:
        by_group.setdefault(row["group"], []).append((key, row))
    for members in by_group.values():
        group_ranks = competition_ranks([key for key, _ in members])
        for (_, row), rank in zip(members, group_ranks, strict=True):
            row["rank_in_group"] = rank
    pending = sorted((r for r in rows if r["band"] == PENDING_BAND), key=itemgetter("code"))
    for row in pending:
        row["rank_overall"] = row["rank_in_group"] = None
    grades = tuple(EstateGrade(**row) for row in (*rated, *pending))

    return QuarterResult(
        quarter=quarter,
        grades=grades,
        red_list=_red_list(scheme, grades),
        black_list=_black_list(scheme, grades, previous),
        exit_warnings=_exit_warnings(scheme, grades, previous),
        firm_summaries=_firm_summaries(scheme, grades),
    )


def _red_list(scheme: Scheme, grades: Sequence[EstateGrade]) -> tuple[str, ...]:
    """Firms with at least one rated estate, every rated estate in the top band, no veto (§3)."""
    ok: dict[str, bool] = {}
    for g in grades:
        if g.firm is not None and g.rated:
            ok[g.firm] = ok.get(g.firm, True) and g.band == scheme.top_band and not g.vetoed
    return tuple(sorted(firm for firm, good in ok.items() if good))


def _same_firm_previous(g: EstateGrade, band: str | None, previous: Mapping[str, PreviousGrade]) -> bool:
    before = previous.get(g.code)
    return (
        band is not None
        and g.band == band
        and before is not None
        and before.band == band
        and before.firm == g.firm
    )


def _black_list(
    scheme: Scheme, grades: Sequence[EstateGrade], previous: Mapping[str, PreviousGrade]
) -> tuple[ListEntry, ...]:
    """Firms with an estate in the bottom band, or one in the warning band (yellow) this and the
    previous quarter under the same firm; each reason names the estate (SPEC §3)."""
    reasons: dict[str, list[tuple[str, str]]] = {}
    for g in grades:
        if g.firm is None or not g.rated:
            continue
        found = reasons.setdefault(g.firm, [])
        if g.band == scheme.bottom_band:
            if g.vetoed:
                found.extend((g.code, f"小区 {g.code} 一票否决：{r}") for r in g.veto_reasons)
            else:
                found.append((g.code, f"小区 {g.code} 本季度{_short(scheme, g.band)}"))
        elif _same_firm_previous(g, scheme.warning_band, previous):
            found.append((g.code, f"小区 {g.code} 连续两个季度{_short(scheme, g.band)}"))
    return tuple(
        ListEntry(firm, tuple(text for _, text in sorted(found, key=lambda item: item[0])))
        for firm, found in sorted(reasons.items())
        if found
    )


def _short(scheme: Scheme, band: str) -> str:
    # "红牌·整改" reads as "红牌" inside a sentence.
    return scheme.band_label(band).split("·")[0]


def _exit_warnings(
    scheme: Scheme, grades: Sequence[EstateGrade], previous: Mapping[str, PreviousGrade]
) -> tuple[ExitWarning, ...]:
    """Estates in the bottom band this and the previous quarter under the same firm (SPEC §3)."""
    return tuple(
        ExitWarning(g.code, g.firm)
        for g in sorted(grades, key=lambda g: g.code)
        if g.firm is not None and _same_firm_previous(g, scheme.bottom_band, previous)
    )


def _firm_summaries(scheme: Scheme, grades: Sequence[EstateGrade]) -> dict[str, FirmSummary]:
    """Per firm: estates per band, mean score of its rated estates (2 places), worst band (§3)."""
    per_firm: dict[str, list[EstateGrade]] = {}
    for g in grades:
        if g.firm is not None:
            per_firm.setdefault(g.firm, []).append(g)
    summaries = {}
    for firm in sorted(per_firm):
        own = per_firm[firm]
        counts = dict.fromkeys([*(b.code for b in scheme.bands), PENDING_BAND], 0)
        for g in own:
            counts[g.band] += 1
        rated = [g for g in own if g.rated]
        scores = [g.score for g in rated if g.score is not None]
        summaries[firm] = FirmSummary(
            firm=firm,
            estates_per_band=counts,
            mean_score=_mean(scores, 2) if scores else None,
            worst_band=(max((g.band for g in rated), key=scheme.band_order.__getitem__) if rated else None),
        )
    return summaries


# --------------------------------------------------------------------------- calendar


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


# --------------------------------------------------------------------------- contracts


@dataclass(frozen=True)
class Contract:
    firm: str
    start: date
    end: date | None  # inclusive; None while open


def firm_for_period(contracts: Sequence[Contract], first: date, last: date) -> str | None:
    """The firm whose contract covers the period's last day, else the last firm that managed the
    estate during the period (latest end, then latest start); None if no contract overlaps (§3)."""
    covering: Contract | None = None
    latest: Contract | None = None
    for c in contracts:
        if c.end is not None and c.end < c.start:
            raise ValueError(f"合同结束日期早于开始日期：{c.firm}")
        if c.start > last or (c.end is not None and c.end < first):
            continue
        if c.end is None or c.end >= last:
            if covering is None or c.start > covering.start:
                covering = c
        elif latest is None or (c.end, c.start) > (latest.end, latest.start):
            latest = c
    chosen = covering or latest
    return chosen.firm if chosen else None


def quarter_firm(contracts: Sequence[Contract], quarter: str) -> str | None:
    """The firm of an estate for a quarter: the contract covering the quarter's last day, else the
    last firm that managed it during the quarter (SPEC §3)."""
    return firm_for_period(contracts, *quarter_bounds(quarter))


def month_firm(contracts: Sequence[Contract], month: str) -> str | None:
    """The firm of an estate for a month, by the same rule as quarter_firm (SPEC §3)."""
    return firm_for_period(contracts, *month_bounds(month))
