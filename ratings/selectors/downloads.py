"""Open data downloads and the Atom feed."""

from __future__ import annotations

from collections import Counter

from ratings.models.publication import Release
from ratings.selectors.common import (
    _band_counts,
    _live_quarter_paths,
    band_summary,
    quarter_pages,
    release_title,
)

# --------------------------------------------------------------------------- open data


def release_for_download(*, quarter_slug: str, version: int | None) -> Release | None:
    """The release behind data.json / data.csv (latest, or version k) of a live quarter page."""
    quarter = quarter_pages().live().filter(slug=quarter_slug).values_list("quarter", flat=True).first()
    if quarter is None:
        return None
    releases = Release.objects.filter(quarter=quarter)
    if version is not None:
        return releases.filter(version=version).first()
    return releases.order_by("-version").first()


# --------------------------------------------------------------------------- Atom feed


def feed_releases(*, limit: int = 50) -> list[dict]:
    """Releases of live quarters, newest first, with plate counts: three queries."""
    paths = _live_quarter_paths()
    releases = list(
        Release.objects.filter(quarter__in=list(paths))
        .order_by("-sequence")
        .values(
            "id",
            "sequence",
            "quarter",
            "version",
            "published_at",
            "digest",
            "previous_digest",
            "correction_note",
            "approved_by_name",
            "document__scheme",
        )[:limit]  # fmt: skip
    )
    latest_version: dict[str, int] = {}
    for r in releases:
        latest_version[r["quarter"]] = max(latest_version.get(r["quarter"], 0), r["version"])
    counts = _band_counts(r["id"] for r in releases)
    entries = []
    for r in releases:
        base = paths[r["quarter"]]
        is_latest = r["version"] >= latest_version[r["quarter"]]
        entries.append(
            {
                **r,
                "title": ("【更正】" if r["version"] > 1 else "") + release_title(r["quarter"], r["version"]),
                "url": base if is_latest else f"{base}v{r['version']}/",
                "bands": band_summary(counts.get(r["id"], Counter()), r["document__scheme"]),
            }
        )
    return entries
