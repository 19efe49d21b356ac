"""The load test of `make bench` (issue 14): locust, headless, on loopback, bounded — `users`
concurrent residents over the public mix (bench/locustfile.py) for `seconds`, against gunicorn -w 2
with the page cache on. Passes when no request failed; reports p50, p95 and p99 per page."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench import serve

LOCUSTFILE = Path(__file__).with_name("locustfile.py")


@dataclass
class LoadRow:
    name: str
    requests: int
    failures: int
    p50: float
    p95: float
    p99: float
    per_second: float


def run(base: str, paths: dict[str, str], *, users: int = 50, seconds: int = 120) -> list[LoadRow]:
    with tempfile.TemporaryDirectory(prefix="sunshine-load-") as tmp:
        prefix = Path(tmp) / "load"
        command = [
            str(serve.VENV_BIN / "locust"),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 5)),
            "--run-time",
            f"{seconds}s",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ]
        env = {**os.environ, "BENCH_LOAD_PATHS": json.dumps(paths, ensure_ascii=False)}
        done = subprocess.run(command, env=env, timeout=seconds + 120, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"locust stopped with status {done.returncode}:\n{done.stderr[-2000:]}")
        return read_stats(Path(f"{prefix}_stats.csv"))


def read_stats(path: Path) -> list[LoadRow]:
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            rows.append(
                LoadRow(
                    name=record["Name"],
                    requests=int(record["Request Count"]),
                    failures=int(record["Failure Count"]),
                    p50=float(record["50%"] or 0),
                    p95=float(record["95%"] or 0),
                    p99=float(record["99%"] or 0),
                    per_second=float(record["Requests/s"] or 0),
                )
            )
    return rows


def print_rows(rows: list[LoadRow], out) -> None:
    headers = ("page", "requests", "failures", "p50 ms", "p95 ms", "p99 ms", "req/s")
    body = [
        (
            r.name,
            str(r.requests),
            str(r.failures),
            f"{r.p50:.0f}",
            f"{r.p95:.0f}",
            f"{r.p99:.0f}",
            f"{r.per_second:.1f}",
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [headers, *body]) for i in range(len(headers))]
    for row in [headers, ["-" * w for w in widths], *body]:
        print("  ".join(f"{c:<{w}}" for c, w in zip(row, widths, strict=True)).rstrip(), file=out)
