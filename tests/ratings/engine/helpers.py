"""What the engine tests share: the demo scheme, a quarter, and builders of months and estates."""

from decimal import Decimal as D

from ratings.engine import EstateInput, HotlineFigures, MonthInput, demo_scheme, quarter_months

SCHEME = demo_scheme()
Q = "2025Q1"
JAN, FEB, MAR = quarter_months(Q)
NO_COMPLAINTS = HotlineFigures(received=0, responded=0, resolved=0, surveyed=0, satisfied=0)
FULL_SCORES = {
    "owner": D("20"),
    "environment": D("15"),
    "civility": D("10"),
    "sanitation": D("10"),
    "safety": D("10"),
    "standards": D("5"),
}


def month(m: str, total: D | str = "100", *, veto_reason: str = "", firm: str | None = None):
    """An assessed month with the given total (30 ≤ total ≤ 100): full hotline marks, the
    shortfall taken from the scored criteria in scheme order."""
    shortfall = D("100") - D(total)
    assert D(0) <= shortfall <= D(70)
    scores = {}
    for code, maximum in FULL_SCORES.items():
        taken = min(shortfall, maximum)
        scores[code] = maximum - taken
        shortfall -= taken
    return MonthInput(m, scores, NO_COMPLAINTS, veto=bool(veto_reason), veto_reason=veto_reason, firm=firm)


def unassessed(m: str, *, veto_reason: str = "") -> MonthInput:
    """A month with no hotline figures imported, so not assessed."""
    return MonthInput(m, dict(FULL_SCORES), None, veto=bool(veto_reason), veto_reason=veto_reason)


def estate(code, *months, group="商品房", firm="F1", households=1000) -> EstateInput:
    return EstateInput(code=code, group=group, households=households, firm=firm, months=months)


def rated(code, total, *, group="商品房", firm="F1") -> EstateInput:
    """A rated estate whose three assessed months all have the given total."""
    return estate(code, *(month(m, total) for m in (JAN, FEB, MAR)), group=group, firm=firm)
