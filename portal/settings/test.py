"""Test settings: fast hashing, memory cache, predictable hosts."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests change data without publishing; the page cache has its own tests (tests/core/test_pagecache.py).
PORTAL_PAGE_CACHE_SECONDS = 0
PORTAL_FRAGMENT_CACHE_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://testserver").rstrip("/")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", PORTAL_BASE_URL)
WAGTAILAPI_BASE_URL = PORTAL_BASE_URL
WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests; serve from the finders
WHITENOISE_USE_FINDERS = True
