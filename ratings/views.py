"""Open data (SPEC §8): data.json and data.csv of a quarter's latest release or of release k.

Plain Django views, routed in portal/urls.py above Wagtail's pages, because a path segment with a
dot cannot go through RoutablePageMixin (STYLE 6). A quarter without a release (a draft) is a 404.
"""

import csv
import io
import json
import re

from django.http import Http404, HttpResponse

from ratings import selectors
from ratings.opendata import FLAT_FIELDS

LIST_SEPARATOR = "；"
# A spreadsheet runs a cell beginning with one of these as a formula (CSV injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _release_or_404(quarter_slug: str, version: str | None):
    release = selectors.release_for_download(
        quarter_slug=quarter_slug, version=int(version) if version else None
    )
    if release is None:
        raise Http404("该季度尚未发布，或没有这一版本")
    return release


def release_json(request, quarter_slug: str, version: str | None = None):
    """Exactly the document the release froze, digest included."""
    release = _release_or_404(quarter_slug, version)
    body = json.dumps(release.document, ensure_ascii=False, indent=1)
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="sunshine-{release.quarter}-v{release.version}.json"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def csv_cell(value) -> str:
    """One flat field as a spreadsheet cell: lists joined with "；", booleans true/false, text that
    a spreadsheet would take for a formula escaped with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        value = LIST_SEPARATOR.join(str(v) for v in value)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def release_csv(request, quarter_slug: str, version: str | None = None):
    """One row per estate in document order, the flat fields with English codes as the header;
    UTF-8 with a BOM so that Excel in China opens it right."""
    release = _release_or_404(quarter_slug, version)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FLAT_FIELDS)
    for row in release.document["estates"]:
        writer.writerow([csv_cell(row.get(field)) for field in FLAT_FIELDS])
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="sunshine-{release.quarter}-v{release.version}.csv"'
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
