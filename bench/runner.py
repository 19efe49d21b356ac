"""The timed steps of `make bench` and the table they print. Needs a configured Django.

Budgets are SPEC §12's, set for a city of 10,000 estates on the reference machine (2 cores):
`compute_quarter` ≤ 10 s, importing a 10,000-row scores file ≤ 15 s. The same budget is applied
to the other imports of one month's file (the idempotent re-import, a file that changes every row,
the 12345 file), since an editor waits on each of them the same way.
"""

import cProfile
import os
import platform
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, TextIO
from unittest import mock

if TYPE_CHECKING:
    from bench.serve import Rate

COMPUTE_BUDGET = 10.0
IMPORT_BUDGET = 15.0
BUDGETS = {"compute": COMPUTE_BUDGET, "import": IMPORT_BUDGET}


@dataclass
class Options:
    estates: int = 10_000
    firms: int = 2_000
    months: int = 36
    seed: int = 20250101
    first_month: str = "2023-01"
    profile_dir: Path | None = None  # write a cProfile of each budgeted step here
    cases: int = 10_000  # published cases in the public city
    pages: bool = True  # build the public city, publish the quarter, index it, count page queries
    serve_seconds: float = 5.0  # per page and server under gunicorn -w 2; 0 skips the servers
    concurrency: int = 4
    load_users: int = 50  # the locust load test: concurrent residents over the public mix
    load_seconds: int = 120  # 0 skips it


@dataclass
class Step:
    name: str
    rows: int
    seconds: float
    budget: float | None = None
    note: str = ""

    @property
    def over(self) -> bool:
        return self.budget is not None and self.seconds > self.budget

    @property
    def verdict(self) -> str:
        if self.budget is None:
            return ""
        return "OVER" if self.over else "OK"


def _timed(name: str, rows: int, budget: float | None, func: Callable, out: TextIO):
    """Run func once, timed with time.perf_counter."""
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    print(f"  {name}: {seconds:.2f} s", file=out, flush=True)
    return Step(name, rows, seconds, budget), result


def _profile(name: str, func: Callable, options: Options, out: TextIO) -> None:
    """Run func again under cProfile (not timed) and save the stats; print the top entries."""
    from django.db import transaction

    profiler = cProfile.Profile()
    with transaction.atomic():
        profiler.enable()
        try:
            func()
        finally:
            profiler.disable()
            transaction.set_rollback(True)  # leave the data as the timed run left it
    options.profile_dir.mkdir(parents=True, exist_ok=True)
    path = options.profile_dir / f"{name.split()[0]}-{abs(hash(name)) % 10_000:04d}.prof"
    profiler.dump_stats(path)
    print(f"\n--- profile of {name} ({path}), top 25 by cumulative time", file=out)
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
    stats.print_stats(25)


def run(options: Options, out: TextIO = sys.stdout) -> list[Step]:
    """Generate the city, time every step, print the table; returns the steps."""
    from bench import city as citymod
    from core.tabular import read_table
    from ratings.services.quarters import quarter_compute
    from ratings.services.scores import hotline_import, scores_import

    size = citymod.CitySize(
        estates=options.estates,
        firms=options.firms,
        months=options.months,
        first_month=options.first_month,
        seed=options.seed,
    )
    steps: list[Step] = []
    print(
        f"Generating a city: {size.estates:,} estates, {size.firms:,} firms, {size.months} months "
        f"from {size.first_month} (seed {size.seed})…",
        file=out,
        flush=True,
    )
    step, city = _timed("generate city", 0, None, lambda: citymod.build(size), out)
    step.rows = city.rows
    step.note = ", ".join(f"{v:,} {k}" for k, v in city.counts.items())
    steps.append(step)

    n = len(city.estate_ids)
    quarter = citymod.last_full_quarter(city.months)
    month = citymod.next_month(city.months[-1])

    def compute():
        return quarter_compute(quarter=quarter)

    step, computation = _timed(f"compute_quarter {quarter} (cold)", n, COMPUTE_BUDGET, compute, out)
    step.note = "previous quarter not stored: graded in memory too"
    grades = computation.grades.count()
    steps.append(step)
    step, _ = _timed(f"compute_quarter {quarter} (again)", grades, COMPUTE_BUDGET, compute, out)
    step.note = f"replaces {grades:,} stored grades"
    steps.append(step)

    scores_file = citymod.scores_csv(city, month, seed=options.seed + 1)
    changed_file = citymod.scores_csv(city, month, seed=options.seed + 2, shift=-0.03)
    hotline_file = citymod.hotline_csv(city, month, seed=options.seed + 3)

    def import_scores(data: bytes):
        def go():
            table = read_table(data, filename=f"scores-{month}.csv")
            return scores_import(table=table, month=month)

        return go

    def import_hotline():
        table = read_table(hotline_file, filename=f"hotline-{month}.csv")
        return hotline_import(table=table, month=month)

    def report_note(report, expect: str) -> str:
        got = f"{report.created:,} new, {report.updated:,} updated, {report.unchanged:,} unchanged"
        counts = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
        return got if counts[expect] == report.rows else f"{got} — UNEXPECTED (wanted all {expect})"

    profiled: list[tuple[str, Callable]] = [(steps[-1].name, compute)]
    for name, func, expect in [
        (f"import_scores {month} (new month)", import_scores(scores_file), "created"),
        (f"import_scores {month} (same file again)", import_scores(scores_file), "unchanged"),
        (f"import_scores {month} (every row changed)", import_scores(changed_file), "updated"),
        (f"import_hotline {month} (new month)", import_hotline, "created"),
    ]:
        step, report = _timed(name, n, IMPORT_BUDGET, func, out)
        step.rows = report.rows
        step.note = report_note(report, expect)
        steps.append(step)
        profiled.append((name, func))

    if options.profile_dir:
        # Profiles run after the table's timings, each rolled back: the first import's profile
        # therefore sees an existing month (the timed run wrote it).
        for name, func in profiled:
            _profile(name, func, options, out)

    if options.pages:
        steps += public_city(options, quarter, out)

    print_table(steps, out)
    return steps


def public_city(options: Options, quarter: str, out: TextIO) -> list[Step]:
    """The pages of the city, the quarter published through the real path, the search index, and
    the queries each public page costs."""
    from django.core.management import call_command
    from django.db import connection

    from bench import pages
    from ratings import files, signals
    from ratings.models import Release
    from ratings.services import publication
    from ratings.services.quarters import quarter_freeze

    steps = []
    step, city = _timed(
        "build public pages", 0, None, lambda: pages.build(cases=options.cases, seed=options.seed), out
    )
    step.note = ", ".join(f"{v:,} {k}" for k, v in city.counts.items())
    steps.append(step)

    queued = []

    def publish():
        page = publication.quarter_page_ensure(quarter=quarter)
        page.refresh_from_db()
        quarter_freeze(quarter=quarter)
        # As in production, publishing only queues the writing of the release's files (a task the
        # worker runs; the bench's settings would run it at once, inside the timed publication).
        with mock.patch.object(
            signals, "release_files_task", SimpleNamespace(enqueue=lambda **task: queued.append(task))
        ):
            page.save_revision().publish()

    step, _ = _timed(f"publish {quarter} (freeze + release)", len_estates(), None, publish, out)
    steps.append(step)

    def write_files():
        # The release the task was queued for (none is queued inside a test's transaction, which
        # never commits: then the quarter's release).
        ids = [task["release_id"] for task in queued]
        releases = Release.objects.filter(pk__in=ids) if ids else Release.objects.filter(quarter=quarter)
        return files.release_files_prepare(releases.defer("document").latest("version"))

    step, _ = _timed("release files written (the task)", len_estates(), None, write_files, out)
    step.note = "data.json, data.csv and data.xlsx, each with its brotli and gzip, into the shared cache"
    steps.append(step)
    step, _ = _timed("update_index", 0, None, lambda: call_command("update_index", verbosity=0), out)
    steps.append(step)
    # The planner's statistics of a freshly loaded city, as PostgreSQL's autovacuum keeps them in
    # production. Not on SQLite: with statistics its plan of the search ranking (search/ranking.py)
    # scans the whole FTS table (suggest 14 ms → 430 ms; measured 2026-12-06).
    if connection.vendor == "postgresql":
        step, _ = _timed("ANALYZE", 0, None, analyze, out)
        steps.append(step)
    paths = pages.public_paths()
    PAGE_QUERIES.clear()
    PAGE_QUERIES.update(pages.query_counts(paths))
    rates = serve_rates(paths, options, out) if options.serve_seconds > 0 else {}
    print_pages(paths, rates, out)
    if options.load_seconds > 0:
        LOAD.clear()
        LOAD.extend(load_test(paths, options, out))
    return steps


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


LOAD: list = []


def load_test(paths: dict[str, str], options: Options, out: TextIO) -> list:
    """locust, headless: `load_users` residents over the public mix for `load_seconds` against
    gunicorn -w 2 with the page cache on (bench.load)."""
    from django.db import connections

    from bench import load, serve

    connections.close_all()
    print(
        f"\nLoad test: {options.load_users} users for {options.load_seconds} s (locust, gunicorn -w 2, page cache on)…",
        file=out,
        flush=True,
    )
    env = serve.portal_env(database_url=os.environ["DATABASE_URL"], cache_seconds=600)
    with serve.gunicorn("portal.wsgi", env) as base:
        rows = load.run(base, paths, users=options.load_users, seconds=options.load_seconds)
    load.print_rows(rows, out)
    failed = sum(r.failures for r in rows if r.name == "Aggregated")
    print(
        f"load test: {'PASSED, no failed request' if not failed else f'FAILED, {failed} failed requests'}",
        file=out,
    )
    return rows


def serve_rates(paths: dict[str, str], options: Options, out: TextIO) -> dict:
    """Requests per second of each page, uncached and cached, and of Wagtail's welcome page, each
    under gunicorn -w 2 (bench.serve); then of the same bytes the page cache sent for each page,
    from a bare WSGI application (bench.samebytes): the ceiling of a cached page on this machine.
    The database must be a file or a server the servers reach."""
    from django.db import connections

    from bench import samebytes, serve

    connections.close_all()
    database_url = os.environ["DATABASE_URL"]
    rates: dict = {"cold": {}, "uncached": {}, "cached": {}}
    # What the page cache sent for each path, kept to be sent again without Django (bench.samebytes).
    kept = Path(tempfile.mkdtemp(prefix="sunshine-bench-bytes-"))
    targets = {name: serve.request_target(path) for name, path in paths.items()}
    measure = lambda base, path: serve.measure(  # noqa: E731
        base + path, seconds=options.serve_seconds, concurrency=options.concurrency
    )
    try:
        print("\nServing Wagtail's bare welcome page (gunicorn -w 2)…", file=out, flush=True)
        # The welcome page is measured before each of the portal's three runs and after the last (its
        # server idles between), and the median is the yardstick: on a shared host one measurement
        # varied from 104 to 258 req/s within an hour, and every "× welcome" carried that noise.
        with serve.bare_wagtail() as welcome:
            samples = [measure(welcome, "/")]
            for mode, seconds, fragments in (("cold", 0, 0), ("uncached", 0, 600), ("cached", 600, 600)):
                print(
                    f"Serving the portal, page cache {'on' if seconds else 'off'}, fragments "
                    f"{'on' if fragments else 'off'} (gunicorn -w 2)…",
                    file=out,
                    flush=True,
                )
                env = serve.portal_env(
                    database_url=database_url, cache_seconds=seconds, fragment_seconds=fragments
                )
                with serve.gunicorn("portal.wsgi", env) as base:
                    for name, path in paths.items():
                        rates[mode][name] = measure(base, path)
                    if mode == "cached":
                        rates["bytes"] = samebytes.save(base, targets, kept, serve.ACCEPT_ENCODING)
                samples.append(measure(welcome, "/"))
            print(
                "Serving the same bytes from a bare WSGI application, no Django (gunicorn -w 2)…",
                file=out,
                flush=True,
            )
            with serve.gunicorn("bench.samebytes:application", {"BENCH_SAME_BYTES": str(kept)}) as base:
                rates["same bytes"] = {name: measure(base, path) for name, path in paths.items()}
            samples.append(measure(welcome, "/"))
    finally:
        shutil.rmtree(kept, ignore_errors=True)
    rates["welcome"] = median_rate(samples)
    rates["welcome samples"] = samples
    return rates


def median_rate(samples: list["Rate"]) -> "Rate":
    """The sample with the median requests per second (the lower middle one of an even count)."""
    ordered = sorted(samples, key=lambda rate: rate.per_second)
    return ordered[(len(ordered) - 1) // 2]


def print_pages(paths: dict[str, str], rates: dict, out: TextIO) -> None:
    welcome = rates.get("welcome")
    print("\npublic pages (queries: anonymous, second request; req/s: gunicorn -w 2, loopback)", file=out)
    print(
        "cold: page cache and fragment cache off; uncached: page cache off, every page rendered, its "
        "costly parts from the fragment cache; cached: page cache on; bytes sent: the cached answer "
        "(compressed as the client accepts); same bytes, no Django: those bytes and headers from a "
        "bare WSGI application under gunicorn -w 2, the ceiling of a cached page on this machine",
        file=out,
    )
    if welcome:
        samples = rates.get("welcome samples") or [welcome]
        print(
            f"Wagtail's bare welcome page: {welcome.per_second:.1f} req/s, the median of "
            f"{len(samples)} runs ({', '.join(f'{s.per_second:.0f}' for s in samples)}; "
            f"p50 {welcome.percentile(50) * 1000:.0f} ms, {sum(s.errors for s in samples)} errors)",
            file=out,
        )
    headers = (
        "page",
        "path",
        "HTTP",
        "queries",
        "bytes sent",
        "cold req/s",
        "× welcome",
        "uncached req/s",
        "× welcome",
        "cached req/s",
        "× welcome",
        "same bytes, no Django",
        "× welcome",
    )
    body = []
    for name, path in paths.items():
        status, queries = PAGE_QUERIES.get(name, (0, 0))
        row = [name, path if len(path) <= 40 else path[:37] + "…", str(status), str(queries)]
        size = rates.get("bytes", {}).get(name)
        row.append(f"{size:,}" if size is not None else "—")
        for mode in ("cold", "uncached", "cached", "same bytes"):
            rate = rates.get(mode, {}).get(name)
            if rate is None:
                row += ["—", "—"]
            else:
                ratio = rate.per_second / welcome.per_second if welcome and welcome.per_second else 0
                errors = f" ({rate.errors} err)" if rate.errors else ""
                row += [f"{rate.per_second:.1f}{errors}", f"{ratio:.2f}"]
        body.append(row)
    widths = [max(len(r[i]) for r in [headers, *body]) for i in range(len(headers))]
    for row in [headers, ["-" * w for w in widths], *body]:
        print("  ".join(f"{c:<{w}}" for c, w in zip(row, widths, strict=True)).rstrip(), file=out)


PAGE_QUERIES: dict[str, tuple[int, int]] = {}


def len_estates() -> int:
    from registry.models import Estate

    return Estate.objects.count()


# --- the table -------------------------------------------------------------------------------


def machine_facts() -> list[tuple[str, str]]:
    from django import get_version
    from django.db import connection

    from wagtail import __version__ as wagtail_version

    try:
        cpus = len(os.sched_getaffinity(0))  # what `nproc` prints
    except AttributeError:
        cpus = os.cpu_count() or 0
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    if connection.vendor == "sqlite":
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version} ({connection.settings_dict['NAME']})"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0]
        database = f"{connection.vendor}: {version.split(',')[0]}"
    try:
        load = (
            " / ".join(f"{x:.2f}" for x in os.getloadavg())
            + " (1 / 5 / 15 min; other work on the machine slows every step)"
        )
    except OSError:
        load = "unknown"
    return [
        ("nproc", str(cpus)),
        ("load average", load),
        ("CPU", model),
        ("Python", platform.python_version()),
        ("Django / Wagtail", f"{get_version()} / {wagtail_version}"),
        ("Database", database),
    ]


def print_table(steps: list[Step], out: TextIO = sys.stdout) -> None:
    headers = ("step", "rows", "seconds", "budget", "result")
    body = [
        (s.name, f"{s.rows:,}", f"{s.seconds:.2f}", f"{s.budget:.0f}" if s.budget else "—", s.verdict or "—")
        for s in steps
    ]
    widths = [max(len(row[i]) for row in [headers, *body]) for i in range(len(headers))]
    align = ["<", ">", ">", ">", "<"]

    def line(cells) -> str:
        return "  ".join(f"{c:{a}{w}}" for c, a, w in zip(cells, align, widths, strict=True)).rstrip()

    print(file=out)
    for key, value in machine_facts():
        print(f"{key + ':':<18} {value}", file=out)
    print(file=out)
    print(line(headers), file=out)
    print(line("-" * w for w in widths), file=out)
    for row in body:
        print(line(row), file=out)
    notes = [(s.name, s.note) for s in steps if s.note]
    if notes:
        print(file=out)
        for name, note in notes:
            print(f"{name}: {note}", file=out)
    over = [s.name for s in steps if s.over]
    print(file=out)
    print(
        f"OVER budget: {', '.join(over)}" if over else "Every budgeted step is within budget.",
        file=out,
        flush=True,
    )
