"""A release's open-data files (SPEC §8): data.json, data.csv and data.xlsx, written from the
document the release froze.

A release never changes, so each file is written once and kept in the shared cache by the
release's digest, with its brotli and gzip forms beside it: a page-cache miss never compresses the
city's 22 MB data.json again, and brotli sends it in 0.96 MB instead of gzip's 1.5 MB. They are
written ahead, by a background task started when the release is committed
(`release_files_prepare`), so that the residents who download right after a publication do not
each wait seconds for a workbook; a file the cache lost is written again on request.
"""

import csv
import gzip
import io
import json
import os
import re
import time
from collections.abc import Callable

import brotli

from django.core.cache import cache

from ratings import selectors, workbook
from ratings.opendata import CSV_FIELDS, estate_list_marks

LIST_SEPARATOR = "；"
# A spreadsheet runs a cell beginning with one of these as a formula (CSV injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")

# Bump when the code that writes the files changes: a release never changes, so its files are
# made once and kept (a city's workbook takes seconds to write). The bump changes the files' ETags,
# so a reader asking again gets the new bytes; a numbered file a browser or CDN keeps as immutable
# (IMMUTABLE_SECONDS) stays in its old form until it expires: the same frozen data, written as before.
FILES_VERSION = 1


def document(release) -> dict:
    return selectors.release_document(release_id=release.pk)


def json_body(release) -> bytes:
    """Exactly the document the release froze, digest included."""
    return json.dumps(document(release), ensure_ascii=False, indent=1).encode("utf-8")


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


def csv_body(release) -> bytes:
    """One row per estate in document order, the flat fields with English codes as the header,
    then what the lists say of the estate (its named black-list reasons, its exit warning);
    UTF-8 with a BOM so that Excel in China opens it right."""
    frozen = document(release)
    marks = estate_list_marks(frozen)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for row in frozen["estates"]:
        mark = marks.get(row["estate_code"], {})
        values = {
            **row,
            "black_list_reasons": mark.get("reasons", []),
            "exit_warning": mark.get("exit", False),
        }
        writer.writerow([csv_cell(values.get(field)) for field in CSV_FIELDS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_body(release) -> bytes:
    """The release as an Excel workbook with Chinese headers (`ratings.workbook`)."""
    return workbook.release_workbook(document(release))


WRITERS = {"json": json_body, "csv": csv_body, "xlsx": xlsx_body}


def _key(release, kind: str) -> str:
    return f"ratings:release-file:{FILES_VERSION}:{release.digest}:{kind}"


# A city's workbook takes 16 s to write, and a publication brings many readers at once. While one
# process writes a file (the task, or the first reader), the others do not write it again: a reader
# waits for it a little (READER_WAIT_SECONDS), then is asked to come back (FileBeingWritten, a 503
# with Retry-After) rather than tying up a worker; the task waits as long as the writing may take.
# A writer that dies leaves its lock for WRITE_LOCK_SECONDS at most.
WRITE_LOCK_SECONDS = 120
READER_WAIT_SECONDS = 3.0
POLL_SECONDS = 0.1


class FileBeingWritten(Exception):
    """Another process is writing this file of the release right now."""


def _kept(key: str, write: Callable[[], bytes], wait: float) -> bytes:
    """The bytes kept at `key`; else written once by whoever takes the key's lock first, while the
    others wait up to `wait` seconds for them."""
    body = cache.get(key)
    if body is not None:
        return body
    lock = f"{key}:writing"
    deadline = time.monotonic() + wait
    while not cache.add(lock, os.getpid(), WRITE_LOCK_SECONDS):
        if time.monotonic() >= deadline:
            raise FileBeingWritten(key)
        time.sleep(POLL_SECONDS)
        if (body := cache.get(key)) is not None:
            return body
    try:
        body = cache.get(key)  # written between our last look and the lock
        if body is None:
            body = write()
            cache.set(key, body, None)
    finally:
        cache.delete(lock)
    return body


def file_bytes(release, kind: str, *, wait: float = READER_WAIT_SECONDS) -> bytes:
    """The bytes of one of a release's files, written on first need and kept by its digest."""
    return _kept(_key(release, kind), lambda: WRITERS[kind](release), wait)


def _gzip(plain: bytes) -> bytes:
    """Level 6, as GZipMiddleware: level 9 makes the city's data.json 12% smaller but takes 0.9 s
    instead of 0.2 s, paid by the first reader in each worker where the cache is the process's own
    (a load test's p99 went from 1.2 to 3.1 s)."""
    return gzip.compress(plain, compresslevel=6, mtime=0)


def _brotli(plain: bytes) -> bytes:
    """Quality 9 (of 11), the default 4 MB window: the city's data.json is 0.96 MB against 1.51 MB
    gzipped, in half a second (quality 11 saves 20% more in 55 s)."""
    return brotli.compress(plain, quality=9)


# The content codings each file is kept in, best first, with the suffix of its cache key.
CODINGS = {"br": (_brotli, "br"), "gzip": (_gzip, "gz")}


def file_encoded(release, kind: str, coding: str, *, wait: float = READER_WAIT_SECONDS) -> bytes | None:
    """The file compressed once in `coding` ("br" or "gzip") and kept beside it; None when that
    would not make it smaller (a workbook is a zip already). Public data: nothing secret for BREACH
    to guess at."""
    compress, suffix = CODINGS[coding]

    def write() -> bytes:
        plain = file_bytes(release, kind, wait=wait)
        body = compress(plain)
        return body if len(body) < len(plain) else b""

    return _kept(_key(release, f"{kind}.{suffix}"), write, wait) or None


def release_files_prepare(release) -> list[str]:
    """Write every file of the release (and its compressed forms) into the cache now; the kinds
    written."""
    for kind in WRITERS:
        for coding in CODINGS:
            file_encoded(release, kind, coding, wait=WRITE_LOCK_SECONDS)
    return list(WRITERS)
