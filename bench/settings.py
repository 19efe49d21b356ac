"""Settings of the servers `make bench` starts (bench/serve.py): the test settings (no secrets, any
host), the database the benchmark wrote, the page cache as the run asks, and Redis when REDIS_URL is
set so that both gunicorn workers share one cache as app servers do in production."""

import os

from portal.settings.test import *  # noqa: F403

PORTAL_PAGE_CACHE_SECONDS = int(os.environ.get("PORTAL_PAGE_CACHE_SECONDS", "0"))
PORTAL_FRAGMENT_CACHE_SECONDS = int(os.environ.get("PORTAL_FRAGMENT_CACHE_SECONDS", "0"))
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("BENCH_CACHE_PREFIX", "bench"),
        }
    }

# The two-server check (bench/twoservers.py): uploads on disk in one directory both servers share.
if os.environ.get("BENCH_SHARED_MEDIA"):
    MEDIA_ROOT = os.environ["BENCH_SHARED_MEDIA"]
    STORAGES = {
        **STORAGES,  # noqa: F405
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": MEDIA_ROOT},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": os.path.join(MEDIA_ROOT, "private")},
        },
    }
