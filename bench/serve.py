"""Requests per second of the public pages under gunicorn -w 2 on loopback (issue 14), beside
Wagtail's own bare welcome page served the same way in the same run.

Four servers, one after the other, each with two workers and the same venv:
- the portal with the page cache and the fragment cache off (every request reads and renders
  everything: "cold");
- the portal with the page cache off (every request renders its page; the costly parts of it come
  from the fragment cache, as in production after a purge: "uncached");
- the portal with the page cache on (Redis when REDIS_URL is set, shared by both workers);
- a bare `wagtail start` project's welcome page (its own SQLite database, made here).

The load comes from this process: an asyncio client keeping `concurrency` HTTP/1.1 connections
busy for `seconds` per page. Loopback only; every server is stopped before the next starts.
"""

from __future__ import annotations

import asyncio
import functools
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)")


@dataclass
class Rate:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(app: str, env: dict, *, cwd: Path | None = None, workers: int = 2):
    """A gunicorn on a free loopback port; yields its base URL, stops it on exit."""
    port = free_port()
    command = [
        str(VENV_BIN / "gunicorn"),
        app,
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        "--timeout",
        "120",
    ]
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=cwd or os.getcwd())
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn {app} stopped at start (exit {process.returncode})")
            try:
                with socket.create_connection((HOST, port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn {app} did not answer within 60 s")
        yield f"http://{HOST}:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


class _Exchange(asyncio.Protocol):
    """One connection of the load client: sends the request, reads the answer's head, counts its
    body by Content-Length without keeping it, and sends the next request on the same connection
    while the server keeps it open (gunicorn's sync workers close it after each answer; `_worker`
    then opens another). The client shares the machine's two cores with the servers it measures:
    asyncio's streams, reading line by line, cost it half a core at a cached page's rate (measured
    with getrusage), which the servers then lacked."""

    def __init__(self, target: bytes, stop_at: float, rate: Rate, closed: asyncio.Future) -> None:
        self.target, self.stop_at, self.rate, self.closed = target, stop_at, rate, closed
        self.transport = None
        self.head = bytearray()
        self.status = 0
        self.remaining: int | None = None  # body bytes still to come; None while reading the head
        self.close_after = False
        self.waiting = False  # a request sent and its answer not yet whole
        self.started = 0.0

    def connection_made(self, transport) -> None:
        self.transport = transport
        self._send()

    def _send(self) -> None:
        self.head.clear()
        self.remaining = None
        self.waiting = True
        self.started = time.monotonic()
        self.transport.write(self.target)

    def data_received(self, data: bytes) -> None:
        if self.remaining is None:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.head[:end]).lower()
            length = _CONTENT_LENGTH.search(head)
            try:
                self.status = int(head.split(None, 2)[1])
            except (IndexError, ValueError):
                self.status = 0
            self.close_after = b"\r\nconnection: close" in head
            self.remaining = (int(length[1]) if length else 0) - (len(self.head) - end - 4)
        else:
            self.remaining -= len(data)
        if self.remaining > 0:
            return
        self.rate.latencies.append(time.monotonic() - self.started)
        if 200 <= self.status < 400:
            self.rate.requests += 1
        else:  # nothing the table measures may fail, or be refused
            self.rate.errors += 1
        self.head.clear()
        self.remaining = None
        self.waiting = False
        if self.close_after or time.monotonic() >= self.stop_at:
            self.transport.close()
        else:
            self._send()

    def connection_lost(self, exc) -> None:
        if self.waiting:  # closed before a whole answer came
            self.rate.errors += 1
        if not self.closed.done():
            self.closed.set_result(None)


async def _worker(host: str, port: int, target: bytes, stop_at: float, rate: Rate) -> None:
    loop = asyncio.get_running_loop()
    while time.monotonic() < stop_at:
        closed = loop.create_future()
        try:
            transport, _ = await loop.create_connection(
                functools.partial(_Exchange, target, stop_at, rate, closed), host, port
            )
        except OSError:
            rate.errors += 1
            await asyncio.sleep(0.01)
            continue
        # A server that stops answering is an error, not a hang of the benchmark.
        await asyncio.wait([closed], timeout=max(stop_at - time.monotonic(), 0) + 30)
        if not closed.done():
            rate.errors += 1
            transport.abort()


# As every current browser asks over HTTPS.
ACCEPT_ENCODING = "gzip, deflate, br"


def request_target(url: str) -> str:
    """The path and query of `url` as the client sends them."""
    parts = urlsplit(url)
    return quote(parts.path) + (f"?{quote(parts.query, safe='=&')}" if parts.query else "")


def measure(url: str, *, seconds: float = 5.0, concurrency: int = 4, warmup: float = 1.5) -> Rate:
    """Requests per second of GET `url` (HTTP/1.1, keep-alive, accepting gzip and brotli as every
    browser does: the page cache keeps the compressed bytes for such readers), after `warmup`
    seconds of the same load not counted: every gunicorn worker loads the application on its first
    request (a second or more), which must not fall inside the measured window of one page and not
    another's (the welcome page's rate varied from 104 to 258 req/s without it)."""
    parts = urlsplit(url)
    target = (
        f"GET {request_target(url)} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n"
        f"Accept-Encoding: {ACCEPT_ENCODING}\r\nConnection: keep-alive\r\n\r\n"
    ).encode()
    rate = Rate(0, 0, 0.0, [])

    async def run():
        warm = Rate(0, 0, 0.0, [])
        warm_until = time.monotonic() + warmup
        await asyncio.gather(
            *(_worker(parts.hostname, parts.port, target, warm_until, warm) for _ in range(concurrency))
        )
        start = time.monotonic()
        stop_at = start + seconds
        await asyncio.gather(
            *(_worker(parts.hostname, parts.port, target, stop_at, rate) for _ in range(concurrency))
        )
        rate.seconds = time.monotonic() - start

    _event_loop_run(run())
    return rate


def _event_loop_run(coroutine) -> None:
    """uvloop when installed (requirements-dev.txt): its loop costs the client a fraction of
    asyncio's own per connection, which leaves the cores to the servers being measured."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(coroutine)
    else:
        uvloop.run(coroutine)


@contextmanager
def bare_wagtail():
    """A `wagtail start` project with its welcome page, migrated into its own SQLite file."""
    root = Path(tempfile.mkdtemp(prefix="sunshine-bench-welcome-"))
    try:
        subprocess.run(
            [str(VENV_BIN / "wagtail"), "start", "welcome", str(root)], check=True, stdout=subprocess.DEVNULL
        )
        (root / "welcome" / "settings" / "bench.py").write_text(
            "from .base import *  # noqa\nDEBUG = False\nALLOWED_HOSTS = ['*']\nSECRET_KEY = 'bench-only'\n"
            "STORAGES['staticfiles']['BACKEND'] = 'django.contrib.staticfiles.storage.StaticFilesStorage'\n"
        )
        env = {"DJANGO_SETTINGS_MODULE": "welcome.settings.bench", "PYTHONPATH": str(root)}
        subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", "migrate", "--no-input", "--verbosity", "0"],
            check=True,
            cwd=root,
            env={**os.environ, **env, "DATABASE_URL": ""},
        )
        with gunicorn("welcome.wsgi", env, cwd=root) as base:
            yield base
    finally:
        shutil.rmtree(root, ignore_errors=True)


def portal_env(*, database_url: str, cache_seconds: int, fragment_seconds: int | None = None) -> dict:
    """The bench servers' environment: the page cache for `cache_seconds` (0: off) and the fragment
    cache for `fragment_seconds` (by default as production has it: on, 600 s)."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "PORTAL_PAGE_CACHE_SECONDS": str(cache_seconds),
        "PORTAL_FRAGMENT_CACHE_SECONDS": str(600 if fragment_seconds is None else fragment_seconds),
        # As production keeps them (portal/settings/production.py): one connection per worker.
        "DB_CONN_MAX_AGE": "60",
    }
