"""Which content codings a reader accepts (RFC 9110, 12.5.3), for the responses the portal keeps
compressed ahead (the open-data files) and for the page cache, which keeps one entry per coding.

Gzip is read as Django's GZipMiddleware reads it (the word "gzip" anywhere in Accept-Encoding), so
that what the page cache keys on is exactly what the middleware below it does. Brotli is read with
its weight: "br;q=0" refuses it.
"""

from __future__ import annotations

import re

_GZIP = re.compile(r"\bgzip\b")  # as django.middleware.gzip reads Accept-Encoding


def _header(request) -> str:
    return request.META.get("HTTP_ACCEPT_ENCODING", "")


def accepts_gzip(request) -> bool:
    return bool(_GZIP.search(_header(request)))


def accepts_brotli(request) -> bool:
    """True when Accept-Encoding lists br (or *) with a weight above zero, and no br;q=0."""
    weights = {}
    for item in _header(request).split(","):
        coding, _, params = item.strip().partition(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[coding] = weight
    return weights.get("br", weights.get("*", 0.0)) > 0


# Whether the reader accepts a coding, by its Content-Encoding name.
ACCEPTS = {"br": accepts_brotli, "gzip": accepts_gzip}


def coding_key(request) -> str:
    """What the coding part of a cached response depends on: gzip as GZipMiddleware sees it, and
    brotli (only the open-data files are sent in it)."""
    return ("gz" if accepts_gzip(request) else "id") + ("+br" if accepts_brotli(request) else "")
