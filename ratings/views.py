"""Open data (SPEC §8): data.json, data.csv and data.xlsx of a quarter's latest release or of
release k.

Plain Django views, routed in portal/urls.py above Wagtail's pages, because a path segment with a
dot cannot go through RoutablePageMixin (STYLE 6). A quarter without a release (a draft) is a 404.
A release never changes, so each file answers conditional GETs (304): its ETag is made from the
release's digest and its Last-Modified is the publication time. The files themselves are written
and kept by `ratings.files`.
"""

from functools import wraps
from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.views.decorators.http import condition

from core import codings
from ratings import files, selectors, workbook


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

    conditional = condition(etag_func=etag, last_modified_func=last_modified)

    def decorator(view):
        view = conditional(view)

        @wraps(view)
        def answer(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code == 503:  # not the file (_being_written): nothing to validate
                del response["ETag"]
                del response["Last-Modified"]
            return response

        return answer

    return decorator


def _etag(release, kind: str, *, weak: bool = False) -> str:
    # The files' version too: bytes written by other code are another entity (RFC 9110).
    tag = f'"{release.digest}-{kind}-f{files.FILES_VERSION}"'
    return f"W/{tag}" if weak else tag


def _download_name(release, extension: str) -> str:
    """Content-Disposition with an ASCII name and the Chinese one (RFC 6266, RFC 5987):
    sunshine-2025Q1-v1.xlsx and 2025年第1季度物业服务评级（第1版）.xlsx."""
    ascii_name = f"sunshine-{release.quarter}-v{release.version}.{extension}"
    chinese_name = f"{selectors.release_title(release.quarter, release.version)}.{extension}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(chinese_name)}"


# A numbered release's files never change (releases are append-only): browsers, the reverse proxy
# and a CDN may keep them for a year without asking again. The latest files (no version in the
# path) change with a correction and are left to the page cache and its purges.
IMMUTABLE_SECONDS = 365 * 24 * 3600


def _open_data_response(
    request, release, kind: str, content_type: str, disposition: str, version: str | None
) -> HttpResponse:
    """One of a release's files as kept (`ratings.files`): in brotli or gzip for a reader that
    accepts it (brotli first: a third smaller), with Vary and a weak ETag, as GZipMiddleware sends
    a compressed page."""
    try:
        coding, body = _compressed(request, release, kind)
        response = HttpResponse(body or files.file_bytes(release, kind), content_type=content_type)
    except files.FileBeingWritten:
        return _being_written(request, release, kind)
    patch_vary_headers(response, ("Accept-Encoding",))
    if body:
        response["Content-Encoding"] = coding
        response["ETag"] = _etag(release, kind, weak=True)  # RFC 9110 8.8.1, as GZipMiddleware does
    response["Content-Disposition"] = disposition
    response["Access-Control-Allow-Origin"] = "*"
    if version is not None:
        patch_cache_control(response, public=True, max_age=IMMUTABLE_SECONDS, immutable=True)
    return response


# How long a reader is asked to wait while a file is being written (a city's workbook: 16 s).
RETRY_AFTER_SECONDS = 15


def _being_written(request, release, kind: str) -> HttpResponse:
    """503 with Retry-After, in Chinese, kept by no cache: the file is being written by another
    worker or the task, and this reader comes back in a moment rather than writing it again."""
    response = render(
        request,
        "ratings/file_being_written.html",
        {
            "file_name": f"data.{kind}",
            "release_title": selectors.release_title(release.quarter, release.version),
            "retry_after": RETRY_AFTER_SECONDS,
        },
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _compressed(request, release, kind: str) -> tuple[str, bytes | None]:
    """The best coding (files.CODINGS, best first) the reader accepts in which the file is smaller,
    and its bytes."""
    for coding in files.CODINGS:
        if codings.ACCEPTS[coding](request) and (body := files.file_encoded(release, kind, coding)):
            return coding, body
    return "", None


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
    )


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
    )


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
    )
