"""Which content codings a reader accepts (core.codings): the open-data files are sent in brotli
only to readers that accept it, and the page cache keys on exactly what decides the coding."""

import pytest

from django.test import RequestFactory

from core import codings


def request_with(accept: str | None):
    headers = {} if accept is None else {"HTTP_ACCEPT_ENCODING": accept}
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    "accept,brotli",
    [
        ("gzip, deflate, br", True),  # every current browser, over HTTPS
        ("gzip, deflate, br, zstd", True),
        ("BR;Q=0.5", True),
        ("br;q=0", False),
        ("gzip, br;q=0.0", False),
        ("br;q=none", False),
        ("*", True),
        ("*;q=0, gzip", False),
        ("br;q=0, *", False),  # named codings win over the wildcard
        ("gzip", False),
        ("brotli", False),
        ("", False),
        (None, False),
    ],
)
def test_brotli_is_accepted_only_when_listed_with_a_weight(accept, brotli):
    assert codings.accepts_brotli(request_with(accept)) is brotli


@pytest.mark.parametrize(
    "accept,key",
    [
        ("gzip, deflate, br", "gz+br"),
        ("gzip, deflate", "gz"),
        ("br", "id+br"),
        ("identity", "id"),
        (None, "id"),
        # As GZipMiddleware reads it: the word gzip, whatever its weight.
        ("gzip;q=0", "gz"),
    ],
)
def test_the_page_cache_key_follows_what_decides_the_coding(accept, key):
    assert codings.coding_key(request_with(accept)) == key
