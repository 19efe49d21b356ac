"""The ceiling of a cached page: a bare WSGI application under gunicorn -w 2 that sends, for each
public path, exactly the bytes and headers the portal's page cache sent for it (no Django, no
cache lookup, the body from memory).

Served beside the portal in `make bench`, it shows how much of a cached page's cost is the portal's
and how much is only the moving of its bytes through gunicorn and loopback on this machine: a city's
data.xlsx is 3.6 MB, and no server, however little it does, sends it five times as often as
Wagtail's 1 KB welcome page there.

`BENCH_SAME_BYTES` names a directory written by `save()`: manifest.json maps each request target
(the path and query as `bench.serve.measure` sends them) to the file holding the body and the
headers to send with it.
"""

from __future__ import annotations

import http.client
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

MANIFEST = "manifest.json"
KEPT_HEADERS = ("Content-Type", "Content-Encoding", "Content-Disposition", "Vary", "ETag")


def save(base: str, targets: dict[str, str], directory: Path, accept_encoding: str) -> dict[str, int]:
    """Fetch each target from the server at `base` as the bench's client asks for it, and keep the
    answer's bytes and headers in `directory`; {name: bytes kept}."""
    parts = urlsplit(base)
    manifest, sizes = {}, {}
    for index, (name, target) in enumerate(targets.items()):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        try:
            connection.request("GET", target, headers={"Accept-Encoding": accept_encoding})
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"{target} answered {response.status}")
            headers = [(h, response.getheader(h)) for h in KEPT_HEADERS if response.getheader(h)]
        finally:
            connection.close()
        file = f"{index}.body"
        (directory / file).write_bytes(body)
        manifest[target] = {"file": file, "headers": headers}
        sizes[name] = len(body)
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False))
    return sizes


def _load() -> dict[str, tuple[list, bytes]]:
    directory = Path(os.environ.get("BENCH_SAME_BYTES", "."))
    if not (directory / MANIFEST).exists():
        return {}
    manifest = json.loads((directory / MANIFEST).read_text())
    answers = {}
    for target, entry in manifest.items():
        body = (directory / entry["file"]).read_bytes()
        headers = [(name, value) for name, value in entry["headers"]]
        answers[target] = ([*headers, ("Content-Length", str(len(body)))], body)
    return answers


ANSWERS = _load()


def application(environ, start_response):
    answer = ANSWERS.get(environ.get("RAW_URI", ""))
    if answer is None:
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
        return [b"not found"]
    headers, body = answer
    start_response("200 OK", headers)
    return [body]
