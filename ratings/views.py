"""Open data (SPEC §8): data.json, data.csv and data.xlsx of a quarter's latest release or of
release k.

Plain Django views, routed in portal/urls.py above Wagtail's pages, because a path segment with a
dot cannot go through RoutablePageMixin (STYLE 6). A quarter without a release (a draft) is a 404.
A release never changes, so each file answers conditional GETs (304): its ETag is made from the
release's digest and its Last-Modified is the publication time.
"""

import csv
import gzip
import io
import json
import re
from urllib.parse import quote

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import condition

from ratings import selectors, workbook
from ratings.opendata import CSV_FIELDS, estate_list_marks

LIST_SEPARATOR = "；"
# A spreadsheet runs a cell beginning with one of these as a formula (CSV injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as GZipMiddleware reads Accept-Encoding


def _release(request, quarter_slug: str, version: str | None):
    """The release behind the request without its document, looked up once per request."""
    key = (quarter_slug, version)
    cached = getattr(request, "_open_data_release", None)
    if cached is None or cached[0] != key:
        release = selectors.release_for_download(
            quarter_slug=quarter_slug, version=int(version) if version else None, with_document=False
        )
        request._open_data_release = cached = (key, release)
    return cached[1]


def _release_or_404(request, quarter_slug: str, version: str | None):
    release = _release(request, quarter_slug, version)
    if release is None:
        raise Http404("该季度尚未发布，或没有这一版本")
    return release


def _conditional(kind: str, *, weak: bool = False):
    """Conditional GET for one kind of file: ETag "<digest>-<kind>-f<FILES_VERSION>" (weak for a workbook, whose
    zip bytes carry the time they were written), Last-Modified the publication time."""

    def etag(request, quarter_slug, version=None):
        release = _release(request, quarter_slug, version)
        return _etag(release, kind, weak=weak) if release is not None else None

    def last_modified(request, quarter_slug, version=None):
        release = _release(request, quarter_slug, version)
        return release.published_at if release is not None else None

    return condition(etag_func=etag, last_modified_func=last_modified)


def _etag(release, kind: str, *, weak: bool = False) -> str:
    # The files' version too: bytes written by other code are another entity (RFC 9110).
    tag = f'"{release.digest}-{kind}-f{FILES_VERSION}"'
    return f"W/{tag}" if weak else tag


def _download_name(release, extension: str) -> str:
    """Content-Disposition with an ASCII name and the Chinese one (RFC 6266, RFC 5987):
    sunshine-2025Q1-v1.xlsx and 2025年第1季度物业服务评级（第1版）.xlsx."""
    ascii_name = f"sunshine-{release.quarter}-v{release.version}.{extension}"
    chinese_name = f"{selectors.release_title(release.quarter, release.version)}.{extension}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(chinese_name)}"


def _document(release) -> dict:
    return selectors.release_document(release_id=release.pk)


# A numbered release's files never change (releases are append-only): browsers, the reverse proxy
# and a CDN may keep them for a year without asking again. The latest files (no version in the
# path) change with a correction and are left to the page cache and its purges.
IMMUTABLE_SECONDS = 365 * 24 * 3600


def _open_data_response(
    request, release, kind: str, content_type: str, disposition: str, version: str | None, build
) -> HttpResponse:
    """One of a release's files, compressed once and kept (`_frozen_file`) for a reader that accepts
    gzip, as GZipMiddleware would send it (Vary, a weak ETag): a 22 MB city document is not
    compressed again on each request the page cache misses (a new query string, an expired entry)."""
    compressed = _accepts_gzip(request) and _frozen_gzip(release, kind, build)
    response = HttpResponse(compressed or _frozen_file(release, kind, build), content_type=content_type)
    patch_vary_headers(response, ("Accept-Encoding",))
    if compressed:
        response["Content-Encoding"] = "gzip"
        response["ETag"] = _etag(release, kind, weak=True)  # RFC 9110 8.8.1, as GZipMiddleware does
    response["Content-Disposition"] = disposition
    response["Access-Control-Allow-Origin"] = "*"
    if version is not None:
        patch_cache_control(response, public=True, max_age=IMMUTABLE_SECONDS, immutable=True)
    return response


def _accepts_gzip(request) -> bool:
    return bool(_ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


# Bump when the code that writes the files changes: a release never changes, so its files are
# made once and kept (a city's workbook takes seconds to write). The bump changes the files' ETags,
# so a reader asking again gets the new bytes; a numbered file a browser or CDN keeps as immutable
# (IMMUTABLE_SECONDS) stays in its old form until it expires: the same frozen data, written as before.
FILES_VERSION = 1


def _frozen_file(release, kind: str, build) -> bytes:
    """The bytes of one of a release's files, built on first request and kept by its digest."""
    key = _file_key(release, kind)
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, None)
    return body


def _frozen_gzip(release, kind: str, build) -> bytes | None:
    """The file gzipped once and kept beside it; None when gzip would not make it smaller. Public
    data: nothing secret for BREACH to guess at. Level 6, as GZipMiddleware: level 9 makes the
    city's data.json 12% smaller but takes 0.9 s instead of 0.2 s, paid by the first reader, in
    each worker where the cache is the process's own (a load test's p99 went from 1.2 to 3.1 s)."""
    key = _file_key(release, f"{kind}.gz")
    body = cache.get(key)
    if body is None:
        plain = _frozen_file(release, kind, build)
        body = gzip.compress(plain, compresslevel=6, mtime=0)
        if len(body) >= len(plain):
            body = b""
        cache.set(key, body, None)
    return body or None


def _file_key(release, kind: str) -> str:
    return f"ratings:release-file:{FILES_VERSION}:{release.digest}:{kind}"


@_conditional("json")
def release_json(request, quarter_slug: str, version: str | None = None):
    """Exactly the document the release froze, digest included."""
    release = _release_or_404(request, quarter_slug, version)
    disposition = f'inline; filename="sunshine-{release.quarter}-v{release.version}.json"'
    return _open_data_response(
        request,
        release,
        "json",
        "application/json; charset=utf-8",
        disposition,
        version,
        lambda: json.dumps(_document(release), ensure_ascii=False, indent=1).encode("utf-8"),
    )


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


@_conditional("csv")
def release_csv(request, quarter_slug: str, version: str | None = None):
    """One row per estate in document order, the flat fields with English codes as the header,
    then what the lists say of the estate (its named black-list reasons, its exit warning);
    UTF-8 with a BOM so that Excel in China opens it right."""
    release = _release_or_404(request, quarter_slug, version)
    return _open_data_response(
        request,
        release,
        "csv",
        "text/csv; charset=utf-8",
        _download_name(release, "csv"),
        version,
        lambda: _csv_body(_document(release)),
    )


def _csv_body(document: dict) -> bytes:
    marks = estate_list_marks(document)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for row in document["estates"]:
        mark = marks.get(row["estate_code"], {})
        values = {
            **row,
            "black_list_reasons": mark.get("reasons", []),
            "exit_warning": mark.get("exit", False),
        }
        writer.writerow([csv_cell(values.get(field)) for field in CSV_FIELDS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@_conditional("xlsx", weak=True)
def release_xlsx(request, quarter_slug: str, version: str | None = None):
    """The release as an Excel workbook with Chinese headers: a sheet of estates, one of months;
    codes are text cells (`ratings.workbook`)."""
    release = _release_or_404(request, quarter_slug, version)
    return _open_data_response(
        request,
        release,
        "xlsx",
        workbook.CONTENT_TYPE,
        _download_name(release, "xlsx"),
        version,
        lambda: workbook.release_workbook(_document(release)),
    )
