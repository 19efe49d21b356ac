"""Settings shared by every environment; environment variables drive what differs."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


INSTALLED_APPS = [
    "portal",
    "core",
    "registry",
    "ratings",
    "disclosures",
    "cases",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.frontend_cache",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django_filters",
    "rest_framework",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous readers' pages from the shared cache, purged exactly on publication (core/pagecache.py);
    # above GZip, so a stored page is already compressed.
    "core.pagecache.PageCacheMiddleware",
    # Below WhiteNoise, which answers static files itself (precompressed, and never a PNG gzipped
    # again); above everything else, so it compresses the finished HTML, JSON, CSV and feeds.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The request's Site, and the routing of Wagtail's pages, from one cached serving state.
    "core.serving.ServingMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "registry.firm_access.FirmScopedAdminMiddleware",  # firms' users: no other firm's page in the explorer
    "core.review.ReviewDecisionLockMiddleware",  # one review decision per page at a time
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.site_shell",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# SQLite by default; PostgreSQL (psycopg 3) when DATABASE_URL is set. DB_CONN_MAX_AGE keeps each
# worker's connection open between requests (production defaults it to 60 s): on PostgreSQL a new
# connection per request costs more than the page's queries (measured by `make bench`).
DB_CONN_MAX_AGE = int(os.environ.get("DB_CONN_MAX_AGE", "0"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=DB_CONN_MAX_AGE,
        conn_health_checks=DB_CONN_MAX_AGE > 0,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Server-side binding: psycopg sends parameters apart from the SQL instead of quoting
    # 10,000 JSON documents on the client (measured by `make bench`: compute_quarter 10.8 s → 8.5 s).
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite has one writer at a time. IMMEDIATE takes the write lock when a transaction starts, so
    # concurrent imports queue up (up to the timeout, in seconds) instead of failing with "database
    # is locked" when a reader tries to become a writer; what still times out is refused cleanly.
    # Write-ahead logging: readers are not blocked while an import or a computation writes, and a
    # commit appends to the log instead of copying every changed page to a rollback journal first
    # (a city's compute_quarter, with its 22 MB document: 10.4 s → 8.4 s, measured by `make bench`).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=int(os.environ.get("SQLITE_BUSY_TIMEOUT", "30")),
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL;",
    )
# An optional read replica of the PostgreSQL primary: anonymous readers' queries go there, all
# else to the primary (core/replica.py; README, production layout).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DB_CONN_MAX_AGE,
        conn_health_checks=DB_CONN_MAX_AGE > 0,
    )
    DATABASES["replica"].setdefault("OPTIONS", {})["server_side_binding"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
    MIDDLEWARE.insert(1, "core.replica.PublicReadsMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
# Chinese for the Wagtail admin strings its own catalog leaves in English (locale/zh_Hans).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "collected-static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

# Uploads no web server may hand out (appeal evidence): kept outside MEDIA_ROOT and served only by
# views that check who asks. Shared between app servers like MEDIA_ROOT.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
PRIVATE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Cache: a shared Redis when REDIS_URL is set (several app servers), else per-process memory.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
    # Sessions read from Redis on every request, written through to the database (they survive
    # a Redis restart): several app servers share them either way.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Full-page cache of the public site for anonymous readers (core/pagecache.py): every publication
# purges exactly the pages it changes; this is only the longest a page is kept (0 turns it off).
PORTAL_PAGE_CACHE_SECONDS = int(os.environ.get("PORTAL_PAGE_CACHE_SECONDS", "600"))
# The bytes of the cached pages each app server process keeps in its own memory (0: none, every hit
# fetches them from the shared cache); the entries saying which bytes are current stay shared.
PORTAL_PAGE_CACHE_LOCAL_BYTES = int(os.environ.get("PORTAL_PAGE_CACHE_LOCAL_MB", "64")) * 1024 * 1024
# The code release (a deploy sets it, e.g. to the commit): a new release never serves the pages and
# fragments an older one kept, which name its static files and hold its templates' context.
PORTAL_RELEASE = os.environ.get("PORTAL_RELEASE", "")
# The costly parts of a page rendered afresh (a section of the estate page, the quarter table, a
# page of the directory) are kept as HTML under the same purges (core/pagecache.py, fragments).
PORTAL_FRAGMENT_CACHE_SECONDS = int(
    os.environ.get("PORTAL_FRAGMENT_CACHE_SECONDS", str(PORTAL_PAGE_CACHE_SECONDS))
)

# Background tasks (django-tasks): long operations started from the admin (computing a quarter,
# rebuilding the search index, large imports) and Wagtail's own small tasks. By default they are
# queued in the database and run by `manage.py db_worker` (`make run` and `make dev` start one
# beside the server: `manage.py serve`). TASKS_BACKEND=immediate runs every task at once, inside
# the request that starts it, with no worker (tests do so too).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database").strip().lower()
if TASKS_BACKEND not in {"database", "immediate"}:
    raise ValueError(f"TASKS_BACKEND must be 'database' or 'immediate', not {TASKS_BACKEND!r}")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASKS_BACKEND == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}

WAGTAIL_SITE_NAME = "阳光物业"
# The admin speaks Chinese to everyone: the only language offered (so no account switches it to
# English) and the only time zone, so the account page has no locale section; and no calls from
# the browser to wagtail.org for release news.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]  # one street office, one time zone: no list of 600 to pick from
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# The site's public address (scheme, host and port; no trailing slash). The sitemap, the API, share
# cards and the admin's e-mails are built from it, never from `localhost`: the API reads it here, and
# `manage.py site_address` (which load_demo runs) copies it into the default Site record, from which
# Wagtail makes absolute page URLs. `make run PORT=8080` sets it to http://127.0.0.1:8080.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", PORTAL_BASE_URL)
WAGTAILAPI_BASE_URL = PORTAL_BASE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "search.backend",
        "SEARCH_CONFIG": "simple",
    }
}
# Only PDFs may be uploaded as documents (SPEC §12); no SVG images.
WAGTAILDOCS_EXTENSIONS = ["pdf"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"  # through Django, with the permission of the disclosure
WAGTAILDOCS_DOCUMENT_FORM_BASE = "core.document_forms.DocumentForm"  # checks the content (core/uploads.py)
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_IMAGE_FORM_BASE = "core.image_forms.ImageForm"  # re-encodes every upload (core/image_forms.py)

LOGIN_URL = "wagtailadmin_login"

# Portal settings (every number here is a policy the street office may change).
PORTAL_APPEAL_WINDOW_DAYS = int(os.environ.get("PORTAL_APPEAL_WINDOW_DAYS", "7"))
# Days an editor has to decide an appeal (shown as its deadline on the editor's admin home).
PORTAL_APPEAL_DECISION_DAYS = int(os.environ.get("PORTAL_APPEAL_DECISION_DAYS", "10"))
PORTAL_DISCLOSURE_OVERDUE_MONTHS = int(os.environ.get("PORTAL_DISCLOSURE_OVERDUE_MONTHS", "6"))
# Refuse spreadsheets whose uncompressed XML is absurdly large (zip bombs).
PORTAL_XLSX_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("PORTAL_XLSX_MAX_UNCOMPRESSED_BYTES", str(200 * 1024 * 1024))
)
PORTAL_IMPORT_MAX_BYTES = int(os.environ.get("PORTAL_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# An import file holds at most this many rows of data (header not counted) and columns; reading
# stops at the first row past the cap. Refused imports list the first N bad rows and count the rest.
PORTAL_IMPORT_MAX_ROWS = int(os.environ.get("PORTAL_IMPORT_MAX_ROWS", "50000"))
PORTAL_IMPORT_MAX_COLUMNS = int(os.environ.get("PORTAL_IMPORT_MAX_COLUMNS", "50"))
PORTAL_IMPORT_MAX_ERRORS_SHOWN = int(os.environ.get("PORTAL_IMPORT_MAX_ERRORS_SHOWN", "200"))
# A confirmed admin import of a file larger than this runs as a background task (a progress page
# the editor can leave and come back to); smaller files are imported at once, in the request.
# 100 KB is about 2,500 rows of scores.
PORTAL_IMPORT_BACKGROUND_BYTES = int(os.environ.get("PORTAL_IMPORT_BACKGROUND_BYTES", str(100 * 1024)))

# Login throttling (portal/security.py): counts live in the shared cache. The backend applies it
# to every password check (admin, /_util/login/, the API's HTTP Basic); the form explains it.
AUTHENTICATION_BACKENDS = ["portal.security.ThrottledModelBackend"]
WAGTAILADMIN_USER_LOGIN_FORM = "portal.security.ThrottledLoginForm"
PORTAL_LOGIN_MAX_FAILURES_PER_ACCOUNT = int(os.environ.get("PORTAL_LOGIN_MAX_FAILURES_PER_ACCOUNT", "5"))
PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS", "30"))
PORTAL_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("PORTAL_LOGIN_LOCKOUT_SECONDS", str(15 * 60)))
# A page's or a collection's shared password would be one more password check, unthrottled.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
