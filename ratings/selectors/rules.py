"""评分办法 (/ratings/rules/): the rules of SPEC §3 as the scheme in force states them.

Every number on the page comes from the scheme (its criteria, maxima, hotline weights, bands,
thresholds, consequences, the months a quarter needs); the worked hotline example is computed by
the engine. Nothing is typed by hand, so changing the scheme changes the page.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from ratings import engine
from ratings.models.scheme import Scheme

# A month of 12345 figures for the worked example: the rates are round, the result needs rounding.
EXAMPLE_FIGURES = engine.HotlineFigures(received=20, responded=19, resolved=16, surveyed=15, satisfied=12)


def _percent(part: int, whole: int) -> str:
    return f"{Decimal(part * 100) / Decimal(whole):.0f}%"


def _plain(value: Decimal) -> str:
    """90.00 → "90", 0.45 → "0.45": a scheme figure as a person writes it."""
    return format(value.normalize(), "f")


def current_quarter(today=None) -> str:
    today = today or timezone.localdate()
    return engine.quarter_of_month(f"{today.year:04d}-{today.month:02d}")


def scheme_rules_context(*, quarter: str | None = None) -> dict:
    """The scheme in force for `quarter` (this quarter by default) in the words of the page:
    three queries (the scheme, its criteria, its bands)."""
    quarter = quarter or current_quarter()
    model = Scheme.objects.prefetch_related("criteria", "bands").for_quarter(quarter)
    if model is None:  # only schemes that start later: show the first of them
        model = (
            Scheme.objects.prefetch_related("criteria", "bands").order_by("effective_from", "version").first()
        )
    if model is None:
        return {"rules": None}
    scheme = model.to_engine()
    hotline = next(c for c in scheme.criteria if c.code == scheme.hotline_code)
    w_response, w_resolution, w_satisfaction = scheme.hotline_weights
    fig = EXAMPLE_FIGURES
    example_points = engine.hotline_score(fig, max_points=hotline.max, weights=scheme.hotline_weights)
    bands = []
    for index, band in enumerate(scheme.bands):
        consequence = scheme.consequences[band.code]
        upper = scheme.bands[index - 1].min_score if index > 0 else None
        bands.append(
            {
                "code": band.code,
                "label": band.label,
                "short": band.label.split("·")[0],
                "min": _plain(band.min_score) if band.min_score is not None else None,
                "below": _plain(upper) if upper is not None else None,
                "reward_yuan": consequence.reward_yuan,
                "inspections_per_month": consequence.inspections_per_month,
                "interview": consequence.interview,
            }
        )
    short = {b["code"]: b["short"] for b in bands}
    return {
        "rules": {
            "name": model.name,
            "code": scheme.code,
            "version": scheme.version,
            "effective_from": model.effective_from,
            "effective_from_label": engine.quarter_label(model.effective_from),
            "in_force": model.effective_from <= quarter,
            "quarter_label": engine.quarter_label(quarter),
            "criteria": [
                {
                    "code": c.code,
                    "name": c.name,
                    "max": _plain(c.max),
                    "hotline": c.code == scheme.hotline_code,
                }
                for c in scheme.criteria
            ],
            "total_max": _plain(sum((c.max for c in scheme.criteria), Decimal(0))),
            "hotline": {
                "name": hotline.name,
                "max": _plain(hotline.max),
                "weights": {
                    "response": _plain(w_response),
                    "resolution": _plain(w_resolution),
                    "satisfaction": _plain(w_satisfaction),
                },
                "example": {
                    "figures": fig,
                    "response_rate": _percent(fig.responded, fig.received),
                    "resolution_rate": _percent(fig.resolved, fig.received),
                    "satisfaction_rate": _percent(fig.satisfied, fig.surveyed),
                    "points": str(example_points),
                },
            },
            "min_assessed_months": scheme.min_assessed_months,
            "bands": bands,
            "top": short[scheme.top_band],
            "bottom": short[scheme.bottom_band],
            "warning": short[scheme.warning_band] if scheme.warning_band else None,
            "pending_label": engine.PENDING_LABEL,
        }
    }
