"""Everything the engine needs to grade a quarter, read in a fixed number of queries."""

from decimal import Decimal

from ratings import engine
from ratings.models.scores import HotlineMonth, MonthlyScore, QuarterComputation, QuarterGrade
from registry.models import Estate, Firm, ServiceContract


def quarter_inputs(quarter: str) -> tuple[list[engine.EstateInput], dict[str, dict], dict[str, dict]]:
    """Everything the engine needs for one quarter, in a fixed number of queries.

    Estates taken: every estate with a contract overlapping the quarter or any data in it.
    Firm keys are credit codes, so the document can name them without another lookup.
    """
    months = engine.quarter_months(quarter)
    first, last = engine.quarter_bounds(quarter)
    firm_codes = dict(Firm.objects.values_list("pk", "credit_code"))

    contracts: dict[int, list[engine.Contract]] = {}
    for estate_id, firm_id, start, end in ServiceContract.objects.filter(start__lte=last).values_list(
        "estate_id", "firm_id", "start", "end"
    ):
        contracts.setdefault(estate_id, []).append(engine.Contract(firm_codes[firm_id], start, end))

    months_by_estate: dict[int, dict[str, dict]] = {}
    for estate_id, month, scores, veto, reason, firm_id in MonthlyScore.objects.filter(
        month__in=months
    ).values_list("estate_id", "month", "scores", "veto", "veto_reason", "firm_id"):
        months_by_estate.setdefault(estate_id, {})[month] = {
            "scores": {code: Decimal(value) for code, value in scores.items()},
            "veto": veto,
            "veto_reason": reason,
            "firm": firm_codes.get(firm_id),
        }
    for estate_id, month, *figures in HotlineMonth.objects.filter(month__in=months).values_list(
        "estate_id", "month", "received", "responded", "resolved", "surveyed", "satisfied"
    ):
        months_by_estate.setdefault(estate_id, {}).setdefault(month, {})["hotline"] = engine.HotlineFigures(
            *figures
        )

    inputs, info = [], {}
    estates = Estate.objects.values_list(
        "pk", "code", "name", "group__name", "street__name", "community__name", "households", "page__slug"
    )
    for pk, code, name, group, street, community, households, slug in estates:
        estate_contracts = contracts.get(pk, [])
        active = any(c.start <= last and (c.end is None or c.end >= first) for c in estate_contracts)
        data = months_by_estate.get(pk, {})
        if not active and not data:
            continue
        month_inputs = tuple(
            engine.MonthInput(
                month=month,
                scores=values.get("scores", {}),
                hotline=values.get("hotline"),
                veto=values.get("veto", False),
                veto_reason=values.get("veto_reason", ""),
                firm=values.get("firm") or engine.month_firm(estate_contracts, month),
            )
            for month, values in sorted(data.items())
        )
        inputs.append(
            engine.EstateInput(
                code=code,
                group=group,
                households=households,
                firm=engine.quarter_firm(estate_contracts, quarter),
                months=month_inputs,
            )
        )
        info[code] = {
            "estate_name": name,
            "slug": slug or code.lower(),
            "group": group,
            "street": street,
            "community": community,
            "households": households,
        }
    firms = {
        code: {"name": name, "credit_code": code}
        for name, code in Firm.objects.values_list("name", "credit_code")
    }
    return inputs, info, firms


def previous_grades(quarter: str) -> dict[str, engine.PreviousGrade] | None:
    """The previous quarter's band and firm per estate code, from its stored computation."""
    rows = QuarterGrade.objects.filter(quarter=engine.previous_quarter(quarter)).values_list(
        "estate__code", "band", "firm__credit_code"
    )
    if not QuarterComputation.objects.filter(quarter=engine.previous_quarter(quarter)).exists():
        return None
    return {code: engine.PreviousGrade(band=band, firm=firm) for code, band, firm in rows}
