"""质价相符 (SPEC §5): an estate's property fee beside its group's, and beside the plates the group's
estates hold. Pure functions over numbers the selectors read; the chart is drawn from their result.

The comparison does not grow with the group: whatever the number of estates, it is one row for the
whole group and one per band (range, median, count), with this estate marked on its rows. A
group of two thousand estates draws the same five rows as a group of five.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from statistics import median

CENT = Decimal("0.01")
NO_PLATE = "无挂牌"  # an estate outside the latest release (new, pending or not yet rated)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fee_range(fees) -> dict | None:
    """Count, lowest, median and highest of some fees (Decimal), or None when there are none."""
    values = sorted(Decimal(v) for v in fees)
    if not values:
        return None
    return {
        "count": len(values),
        "low": money(values[0]),
        "median": money(Decimal(median(values))),
        "high": money(values[-1]),
    }


def group_summary(*, fees: dict[int, Decimal], plates: dict[int, dict]) -> dict | None:
    """The group's side of the comparison, the same for every estate of the group: its range and
    median, and each band's (by the plates of the latest release). `fees` maps each estate of the
    group that publishes a property fee to it; `plates` maps estates to their current plate
    (`band`, `label`, `score`). None when no estate of the group publishes a fee."""
    group = fee_range(fees.values())
    if group is None:
        return None
    bands: dict[str, dict] = {}
    for other, value in fees.items():
        plate = plates.get(other)
        code, label = (plate["band"], plate["label"]) if plate else ("", NO_PLATE)
        entry = bands.setdefault(code, {"code": code, "label": label, "fees": [], "scores": []})
        entry["fees"].append(value)
        if plate and plate.get("score") is not None:
            entry["scores"].append(Decimal(plate["score"]))
    rows = []
    for entry in bands.values():
        scores = entry.pop("scores")
        entry.update(fee_range(entry.pop("fees")))
        entry["mean_score"] = sum(scores) / len(scores) if scores else None
        rows.append(entry)
    # Best band first, as the plates rank them: by the mean score of its estates; no plate last.
    rows.sort(key=lambda r: (r["code"] == "", -(r["mean_score"] if r["mean_score"] is not None else -1)))
    return {"group": group, "bands": rows}


def estate_comparison(*, fee: Decimal | None, plate: dict | None, summary: dict | None) -> dict | None:
    """One estate's fee (None: it publishes none) and plate beside its group's summary."""
    if fee is None or summary is None:
        return None
    return {
        "fee": money(Decimal(fee)),
        "band": plate["band"] if plate else "",
        "band_label": plate["label"] if plate else NO_PLATE,
        "group": summary["group"],
        "bands": summary["bands"],
        "position": _position(Decimal(fee), summary["group"]),
    }


def fee_comparison(*, estate_id: int, fees: dict[int, Decimal], plates: dict[int, dict]) -> dict | None:
    """This estate's fee beside its group's range and median, and each band's; None when this
    estate publishes no fee."""
    return estate_comparison(
        fee=fees.get(estate_id), plate=plates.get(estate_id), summary=group_summary(fees=fees, plates=plates)
    )


def _position(fee: Decimal, group: dict) -> str:
    """Where the fee stands in its group, in words."""
    if group["count"] == 1:
        return "同组仅本小区公示了物业费"
    if fee > group["median"]:
        return "高于同组中位数"
    if fee < group["median"]:
        return "低于同组中位数"
    return "等于同组中位数"
