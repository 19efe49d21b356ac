"""Open data downloads and the Atom feed."""

from __future__ import annotations

import hashlib
from collections import Counter

from ratings.models.publication import Release
from ratings.selectors.common import (
    _band_counts,
    _live_quarter_paths,
    band_summary,
    quarter_pages,
    release_title,
)

FEED_LIMIT = 50

# --------------------------------------------------------------------------- open data


def release_for_download(
    *, quarter_slug: str, version: int | None, with_document: bool = True
) -> Release | None:
    """The release behind data.json / data.csv / data.xlsx (latest, or version k) of a live
    quarter page; without its document when only the digest and date are needed (a 304)."""
    quarter = quarter_pages().live().filter(slug=quarter_slug).values_list("quarter", flat=True).first()
    if quarter is None:
        return None
    releases = Release.objects.filter(quarter=quarter)
    if not with_document:
        releases = releases.defer("document")
    if version is not None:
        return releases.filter(version=version).first()
    return releases.order_by("-version").first()


def release_document(*, release_id: int) -> dict:
    """The stored document of a release, exactly as frozen: one query."""
    return Release.objects.filter(pk=release_id).values_list("document", flat=True).get()


def feed_etag() -> str:
    """What names the Atom feed's content: the releases it lists (their digests, newest first) and
    the live quarter pages; changes whenever the feed would. Two queries."""
    paths = _live_quarter_paths()
    digests = (
        Release.objects.filter(quarter__in=list(paths))
        .order_by("-sequence")
        .values_list("digest", flat=True)[:FEED_LIMIT]
    )
    body = "|".join([*digests, *sorted(f"{q}={p}" for q, p in paths.items())])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- Atom feed


def feed_releases(*, limit: int = FEED_LIMIT) -> list[dict]:
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
            "summary__scheme",
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
                "bands": band_summary(counts.get(r["id"], Counter()), r["summary__scheme"]),
            }
        )
    return entries
