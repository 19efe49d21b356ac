"""One estate's score on one criterion, quarter by quarter, from the releases (the evidence beside a
case story, SPEC §6): what the committee approved, never a figure anyone typed in."""

from __future__ import annotations

from decimal import Decimal

from ratings import engine
from ratings.models.publication import ReleaseRow
from ratings.selectors.common import _live_quarter_paths
from ratings.selectors.directory import _latest_per_quarter


def estate_criterion_quarters(*, estate_id: int, criterion: str) -> list[dict]:
    """Every released quarter of the estate (the latest version of each), oldest first, with the
    quarter's score on `criterion`: the criterion's maximum less the release's `points_lost`, i.e.
    the mean of the assessed months' scores on it. A quarter without a score on it (pending, or a
    scheme without the criterion) has `score` None. Two queries."""
    paths = _live_quarter_paths()
    rows = _latest_per_quarter(
        list(
            ReleaseRow.objects.filter(estate_id=estate_id, quarter__in=list(paths))
            .order_by("-quarter", "-release__version")
            .values(
                "quarter",
                "release__version",
                "band",
                "row__points_lost",
                "row__firm_name",
                "release__summary__scheme__criteria",
            )  # fmt: skip
        )
    )
    quarters = []
    for r in reversed(rows):
        maxima = {c["code"]: c for c in r["release__summary__scheme__criteria"] or []}
        lost = (r["row__points_lost"] or {}).get(criterion)
        spec = maxima.get(criterion)
        score = Decimal(spec["max"]) - Decimal(lost) if spec and lost is not None else None
        quarters.append(
            {
                "quarter": r["quarter"],
                "label": engine.quarter_label(r["quarter"]),
                "url": paths[r["quarter"]],
                "version": r["release__version"],
                "band": r["band"],
                "firm_name": r["row__firm_name"],
                "criterion_name": spec["name"] if spec else None,
                "max": spec["max"] if spec else None,
                "score": None if score is None else str(score.quantize(Decimal("0.01"))),
            }
        )
    return quarters
