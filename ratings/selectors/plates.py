"""Printable plates (SPEC §7)."""

from __future__ import annotations

from ratings import engine
from ratings.models.publication import ReleaseRow
from ratings.selectors.common import (
    HISTORY_QUARTERS,
    _live_quarter_paths,
    band_labels,
    chinese_date,
    page_path,
    release_title,
)
from registry.models import EstatePage

# --------------------------------------------------------------------------- plates


def plate_context(*, quarter: str, estate_slug: str, request, version: int | None = None) -> dict | None:
    """The printable plate of one estate for a quarter's release (latest, or version k): four
    queries. It says so plainly when a newer release of the quarter, or a later quarter, exists."""
    import segno

    page = (
        EstatePage.objects.filter(slug=estate_slug)
        .values("estate_id", "url_path", "live", "estate__code")
        .first()
    )
    if page is None:
        return None
    paths = _live_quarter_paths()
    if quarter not in paths:
        return None
    history = list(
        ReleaseRow.objects.filter(estate_id=page["estate_id"])
        .order_by("-quarter", "-release__version")
        .values(
            "quarter",
            "release_id",
            "release__version",
            "release__published_at",
            "band",
            "row",
            "release__summary__scheme",
        )  # fmt: skip
    )
    history = [h for h in history if h["quarter"] in paths]
    mine = [h for h in history if h["quarter"] == quarter]
    if not mine:
        return None
    current = (
        mine[0] if version is None else next((h for h in mine if h["release__version"] == version), None)
    )
    if current is None:
        return None
    row, scheme = current["row"], current["release__summary__scheme"]
    labels = band_labels(scheme)
    newest_of_quarter = mine[0]
    superseded_by = []
    if newest_of_quarter["release__version"] > current["release__version"]:
        superseded_by.append(
            {
                "title": release_title(quarter, newest_of_quarter["release__version"]),
                "url": f"{paths[quarter]}plates/{estate_slug}/",
                "band_label": band_labels(newest_of_quarter["release__summary__scheme"]).get(
                    newest_of_quarter["band"]
                ),
            }
        )
    later = [h for h in history if h["quarter"] > quarter]
    if later:
        newest = later[0]
        superseded_by.append(
            {
                "title": release_title(newest["quarter"], newest["release__version"]),
                "url": f"{paths[newest['quarter']]}plates/{estate_slug}/",
                "band_label": band_labels(newest["release__summary__scheme"]).get(newest["band"]),
            }
        )
    marks, seen = [], set()
    for h in history:
        if h["quarter"] > quarter or h["quarter"] in seen:
            continue
        if h["quarter"] == quarter:
            h = current
        seen.add(h["quarter"])
        marks.append(
            {
                "quarter": h["quarter"],
                "label": engine.quarter_label(h["quarter"]),
                "band": h["band"],
                "band_label": band_labels(h["release__summary__scheme"]).get(h["band"], h["band"]),
                "current": h["quarter"] == quarter,
            }
        )
        if len(marks) == HISTORY_QUARTERS:
            break
    marks.reverse()
    estate_path = page_path(page["url_path"], page["live"])
    estate_url = request.build_absolute_uri(estate_path) if estate_path else None
    qr_svg = segno.make(estate_url, error="m").svg_inline(scale=4, omitsize=False) if estate_url else ""
    valid_until = engine.quarter_bounds(engine.next_quarter(quarter))[1]
    band = row["band"]
    return {
        "quarter": quarter,
        "quarter_label": engine.quarter_label(quarter),
        "quarter_url": paths[quarter],
        "version": current["release__version"],
        "published_at": current["release__published_at"],
        "row": row,
        "band": band,
        "band_label": labels.get(band, band),
        "score": row["score"],
        "estate_url": estate_url,
        "estate_path": estate_path,
        "marks": marks,
        "serial": f"QRP-{quarter}-v{current['release__version']}-{row['estate_code']}",
        "valid_until": valid_until,
        "valid_until_label": chinese_date(valid_until),
        "qr_svg": qr_svg,
        "superseded_by": superseded_by,
        "group_size": None,
    }
