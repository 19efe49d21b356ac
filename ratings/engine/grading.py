"""Grading (SPEC §3): months, estates, ranks, the quarter with its lists, and which firm an estate had."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter, itemgetter

from ratings.engine.calendar import month_bounds, month_parts, quarter_bounds, quarter_months
from ratings.engine.hotline import HotlineFigures, _hotline_points, complaints_per_1000, score_errors
from ratings.engine.scheme import (
    _EXACT,
    _ONE_PLACE,
    _PLACES,
    _ZERO,
    _ZERO_ONE_PLACE,
    PENDING_BAND,
    Scheme,
    _mean,
    band_for,
)

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
    estates: tuple[str, ...] = ()  # the estate code each reason is about, parallel to `reasons`


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
    names: Mapping[str, str] | None = None,
) -> QuarterResult:
    """Grade every estate of a quarter, rank the rated ones within their group and overall, and
    derive the red list, black list, exit warnings and firm summaries (SPEC §3).

    `names` (estate code → name) lets the black-list reasons name each estate as residents know
    it (杏坛东里（E001）); without it a reason names the code only."""
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
        black_list=_black_list(scheme, grades, previous, names or {}),
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


def estate_reference(code: str, name: str | None = None) -> str:
    """How a reason begins: the estate's name with its code beside it, 杏坛东里（E001）, or, when the
    name is not known, "小区 E001 " (the form of releases made before names were given)."""
    return f"{name}（{code}）" if name else f"小区 {code} "


def _black_list(
    scheme: Scheme,
    grades: Sequence[EstateGrade],
    previous: Mapping[str, PreviousGrade],
    names: Mapping[str, str],
) -> tuple[ListEntry, ...]:
    """Firms with an estate in the bottom band, or one in the warning band (yellow) this and the
    previous quarter under the same firm; each reason names the estate (SPEC §3)."""
    reasons: dict[str, list[tuple[str, str]]] = {}
    for g in grades:
        if g.firm is None or not g.rated:
            continue
        found = reasons.setdefault(g.firm, [])
        who = estate_reference(g.code, names.get(g.code))
        if g.band == scheme.bottom_band:
            if g.vetoed:
                found.extend((g.code, f"{who}一票否决：{r}") for r in g.veto_reasons)
            else:
                found.append((g.code, f"{who}本季度{_short(scheme, g.band)}"))
        elif _same_firm_previous(g, scheme.warning_band, previous):
            found.append((g.code, f"{who}连续两个季度{_short(scheme, g.band)}"))
    entries = []
    for firm, found in sorted(reasons.items()):
        if found:
            ordered = sorted(found, key=lambda item: item[0])
            entries.append(
                ListEntry(firm, tuple(text for _, text in ordered), tuple(code for code, _ in ordered))
            )
    return tuple(entries)


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
