"""Settings as production and CI load them. Each case runs in a fresh interpreter, because Django's
settings are read once per process and the test process is already on portal.settings.test."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "x7Qp-not-a-real-secret-" + "k" * 40,
    "ALLOWED_HOSTS": "example.org, www.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://example.org",
}
READ_SETTINGS = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "CSRF_TRUSTED_ORIGINS": settings.CSRF_TRUSTED_ORIGINS,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "ENGINE": db["ENGINE"], "NAME": str(db["NAME"]), "HOST": db.get("HOST"), "PORT": db.get("PORT"),
    "USER": db.get("USER"),
    "CONN_MAX_AGE": db.get("CONN_MAX_AGE"), "CONN_HEALTH_CHECKS": db.get("CONN_HEALTH_CHECKS"),
    "CACHE": settings.CACHES["default"]["BACKEND"],
}))
"""


def _run(args, **env) -> subprocess.CompletedProcess:
    inherited = {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


def _settings(**env) -> dict:
    result = _run(["-c", READ_SETTINGS], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_come_from_the_environment():
    loaded = _settings(**PRODUCTION_ENV)
    assert loaded["DEBUG"] is False
    assert loaded["ALLOWED_HOSTS"] == ["example.org", "www.example.org"]
    assert loaded["CSRF_TRUSTED_ORIGINS"] == ["https://example.org"]
    assert loaded["SESSION_COOKIE_SECURE"] and loaded["CSRF_COOKIE_SECURE"]


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _run(["-c", READ_SETTINGS], **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_passes_the_deployment_checklist_without_warnings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output


def test_sqlite_is_the_default_database():
    loaded = _settings(DJANGO_SETTINGS_MODULE="portal.settings.dev")
    assert loaded["ENGINE"] == "django.db.backends.sqlite3"
    assert loaded["NAME"].endswith("db.sqlite3")


@pytest.mark.parametrize("module", ["portal.settings.dev", "portal.settings.production"])
def test_database_url_switches_to_postgresql(module):
    env = PRODUCTION_ENV | {"DJANGO_SETTINGS_MODULE": module}
    loaded = _settings(**env, DATABASE_URL="postgres://portal:secret@db.internal:5433/sunshine")
    assert loaded["ENGINE"] == "django.db.backends.postgresql"
    where = {key: loaded[key] for key in ("NAME", "HOST", "PORT", "USER")}
    assert where == {"NAME": "sunshine", "HOST": "db.internal", "PORT": 5433, "USER": "portal"}


def test_redis_url_gives_a_shared_cache():
    loaded = _settings(**PRODUCTION_ENV, REDIS_URL="redis://127.0.0.1:6379/1")
    assert loaded["CACHE"] == "django_redis.cache.RedisCache"
    assert _settings(**PRODUCTION_ENV)["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"


def test_production_keeps_database_connections_unless_told_otherwise():
    url = "postgres://portal:secret@db.internal:5433/sunshine"
    kept = _settings(**PRODUCTION_ENV, DATABASE_URL=url)
    assert (kept["CONN_MAX_AGE"], kept["CONN_HEALTH_CHECKS"]) == (60, True)
    closed = _settings(**PRODUCTION_ENV, DATABASE_URL=url, DB_CONN_MAX_AGE="0")
    assert (closed["CONN_MAX_AGE"], closed["CONN_HEALTH_CHECKS"]) == (0, False)
    dev = _settings(DJANGO_SETTINGS_MODULE="portal.settings.dev", DATABASE_URL=url, DB_CONN_MAX_AGE="30")
    assert (dev["CONN_MAX_AGE"], dev["CONN_HEALTH_CHECKS"]) == (30, True)


def test_the_bench_servers_keep_their_connections_as_production_does():
    from bench.serve import portal_env

    url = "postgres://portal:secret@db.internal:5433/sunshine"
    bench = _settings(**portal_env(database_url=url, cache_seconds=600))
    assert (bench["CONN_MAX_AGE"], bench["CONN_HEALTH_CHECKS"]) == (60, True)


def test_sqlite_writes_ahead_to_a_log(tmp_path):
    script = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('PRAGMA journal_mode')\n"
        "    print(cursor.fetchone()[0])\n"
    )
    database = tmp_path / "wal.sqlite3"
    result = _run(
        ["-c", "import django; django.setup()\n" + script],
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DATABASE_URL=f"sqlite:///{database}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "wal"
