"""On a developer's machine (the default of manage.py): a fixed throw-away key, loopback hosts.

`make dev` runs with DEBUG on. `make run` sets DJANGO_DEBUG=0 and shows the site as residents see
it: the Chinese 404 and 500 pages, static files from WhiteNoise after collectstatic, media through
Django (PORTAL_SERVE_MEDIA; in production the web server or shared storage serves them).
"""

import os

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)  # noqa: F405
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-not-for-production")
# `make run HOST=0.0.0.0` adds the address it serves on through ALLOWED_HOSTS.
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver", *env_list("ALLOWED_HOSTS")]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
PORTAL_SERVE_MEDIA = True
