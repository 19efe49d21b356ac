"""Two app servers sharing PostgreSQL, Redis and the media directory (issue 14): what is done
through server A is what server B shows on the next request.

`python -m bench.twoservers` (`make two-servers`) makes a throw-away PostgreSQL database (or uses
the empty one in TWO_SERVERS_DATABASE_URL), loads the demo, and starts two gunicorns on loopback,
each its own process with the page cache on in the shared Redis (REDIS_URL, default
redis://127.0.0.1:6379/0, under a key prefix of its own). Then:

1. an anonymous reader opens an estate's noticeboard and disclosure through B (now cached);
   the editor, logged in through A, approves that estate's disclosure waiting for review;
   B's next answer is the new one — rendered afresh, never the cached page;
2. the editor uploads a PDF through A; B serves the same bytes from the shared media directory.

Exit status 0 when both hold; each step is printed. Loopback only; everything is removed after.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack
from pathlib import Path

ADMIN_DB = "postgres://postgres@127.0.0.1:5432/postgres"


class Browser:
    """A cookie-keeping HTTP client bound to one server (sessions live in the shared database, so
    a session made on A is valid on B too)."""

    def __init__(self, base: str, jar=None):
        self.base = base
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def on(self, base: str) -> Browser:
        return Browser(base, self.jar)

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def login(self, username: str, password: str) -> None:
        status, _, body = self.request("/admin/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"}
        ).encode()
        status, _, body = self.request("/admin/login/", form, {"Referer": self.base + "/admin/login/"})
        if b"sessionid" not in b"".join(c.name.encode() for c in self.jar):
            raise RuntimeError(f"login as {username} failed (HTTP {status})")

    def post(self, path: str, fields: dict, files: dict | None = None):
        fields = {"csrfmiddlewaretoken": self.csrf(), **fields}
        headers = {"Referer": self.base + path, "X-CSRFToken": self.csrf()}
        if not files:
            return self.request(path, urllib.parse.urlencode(fields).encode(), headers)
        boundary = secrets.token_hex(16)
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, content, content_type) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n".encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        return self.request(path, b"".join(parts), headers)


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF (the portal checks uploads by content)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def check(ok: bool, message: str) -> bool:
    print(("  ok    " if ok else "  FAIL  ") + message, flush=True)
    return ok


def main() -> int:
    from bench import serve

    with ExitStack() as stack:
        database_url = os.environ.get("TWO_SERVERS_DATABASE_URL", "").strip()
        if not database_url:
            database_url = stack.enter_context(throwaway_database())
        media = Path(tempfile.mkdtemp(prefix="sunshine-two-media-"))
        stack.callback(shutil.rmtree, media, True)
        env = {
            **serve.portal_env(database_url=database_url, cache_seconds=600),
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "BENCH_CACHE_PREFIX": f"two-{secrets.token_hex(4)}",
            "BENCH_SHARED_MEDIA": str(media),
        }
        python = str(serve.VENV_BIN / "python")
        print("Migrating and loading the demo into PostgreSQL…", flush=True)
        for command in (["migrate", "--no-input", "-v", "0"], ["load_demo", "-v", "0"]):
            subprocess.run([python, "manage.py", *command], check=True, env={**os.environ, **env})
        os.environ.update(env)
        import django

        django.setup()
        a = stack.enter_context(serve.gunicorn("portal.wsgi", env, workers=1))
        b = stack.enter_context(serve.gunicorn("portal.wsgi", env, workers=1))
        print(f"Server A {a}, server B {b}", flush=True)
        results = [publication_through_a_is_seen_on_b(a, b), media_written_on_a_is_served_by_b(a, b)]
    return 0 if all(results) else 1


def publication_through_a_is_seen_on_b(a: str, b: str) -> bool:
    from wagtail.models import TaskState

    from disclosures.models import DisclosurePage

    print("1. A disclosure approved through A, read through B:", flush=True)
    waiting = TaskState.objects.filter(status="in_progress", workflow_state__base_content_type__model="page")
    pages = {
        p.pk: p
        for p in DisclosurePage.objects.filter(pk__in=[int(t.workflow_state.object_id) for t in waiting])
    }
    task = next(t for t in waiting if int(t.workflow_state.object_id) in pages)
    page = pages[int(task.workflow_state.object_id)]
    estate_path = page.get_parent().url.replace("http://testserver", "")
    reader = Browser(b)
    reader.request(estate_path + "noticeboard/")
    _, headers, before = reader.request(estate_path + "noticeboard/")
    good = check(headers.get("X-Page-Cache") == "hit", f"B answers {estate_path}noticeboard/ from the cache")
    _, _, disclosure_before = reader.request(estate_path + "disclosure/")
    # The estate page too: when rendered afresh its disclosure section comes from the fragment
    # cache, which A's approval must retire on B as well.
    reader.request(estate_path)
    _, _, estate_before = reader.request(estate_path)

    editor = Browser(a)
    editor.login("editor", "demo")
    status, _, _ = editor.post(
        f"/admin/pages/workflow/action/{page.pk}/approve/{task.pk}/", {"comment": "两台服务器检查"}
    )
    page.refresh_from_db()
    good &= check(status in (200, 302) and not page.has_unpublished_changes, f"A approves it (HTTP {status})")

    _, headers, after = reader.request(estate_path + "noticeboard/")
    good &= check(
        headers.get("X-Page-Cache") == "miss", "B's next answer is rendered afresh (not the cached page)"
    )
    good &= check(after != before, "and it is the new noticeboard")
    _, headers, estate_after = reader.request(estate_path)
    good &= check(
        headers.get("X-Page-Cache") == "miss" and estate_after != estate_before,
        "B's estate page is rendered afresh with the new disclosure (its kept fragments retired)",
    )
    _, _, disclosure_after = reader.request(estate_path + "disclosure/")
    versions = len(re.findall(rb"/disclosure/v\d+/", disclosure_after))
    good &= check(
        versions > len(re.findall(rb"/disclosure/v\d+/", disclosure_before)),
        f"B's disclosure page lists the new version ({versions} version links)",
    )
    return good


def media_written_on_a_is_served_by_b(a: str, b: str) -> bool:
    from wagtail.documents import get_document_model
    from wagtail.models import Collection

    print("2. A document uploaded through A, served by B:", flush=True)
    content = tiny_pdf("two servers")
    admin = Browser(a)
    admin.login("admin", "demo")
    status, _, body = admin.post(
        "/admin/documents/add/",
        {"title": "两台服务器检查", "collection": Collection.get_first_root_node().pk},
        {"file": ("two-servers.pdf", content, "application/pdf")},
    )
    document = get_document_model().objects.filter(title="两台服务器检查").order_by("-pk").first()
    errors = re.findall(rb'class="error-message"[^>]*>\s*(?:<[^>]+>\s*)*([^<]+)', body)
    good = check(document is not None, f"A stores the upload (HTTP {status}) {[e.decode() for e in errors]}")
    if document is None:
        return False
    status, _, served = admin.on(b).request(document.url.replace("http://testserver", ""))
    good &= check(
        status == 200 and served == content, f"B serves the same {len(content)} bytes (HTTP {status})"
    )
    return good


def throwaway_database():
    from contextlib import contextmanager

    import psycopg

    @contextmanager
    def made():
        name = f"sunshine_two_{os.getpid()}_{secrets.token_hex(3)}"
        with psycopg.connect(ADMIN_DB, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        try:
            yield ADMIN_DB.rsplit("/", 1)[0] + f"/{name}"
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(ADMIN_DB, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return made()


if __name__ == "__main__":
    sys.exit(main())
