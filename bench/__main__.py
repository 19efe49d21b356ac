"""`python -m bench` (run by `make bench`): see the package docstring and `bench.runner`.

The database is chosen before Django starts: `BENCH_DATABASE_URL` if set (an empty database the
user created, e.g. PostgreSQL), else a fresh SQLite file in a temporary directory that is removed
afterwards. `DATABASE_URL` is overridden for this process only, so the developer's database is
never opened.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Generate a city and time compute_quarter and the monthly imports (SPEC §12).",
    )
    parser.add_argument("--estates", type=int, default=10_000, help="estates to generate (default 10000)")
    parser.add_argument("--firms", type=int, default=2_000, help="firms to generate (default 2000)")
    parser.add_argument("--months", type=int, default=36, help="months of scores per estate (default 36)")
    parser.add_argument(
        "--first-month", default="2023-01", help="first generated month, YYYY-MM (default 2023-01)"
    )
    parser.add_argument("--seed", type=int, default=20250101, help="random seed (default 20250101)")
    parser.add_argument("--cases", type=int, default=10_000, help="published cases (default 10000)")
    parser.add_argument(
        "--serve-seconds",
        type=float,
        default=5.0,
        help="seconds of load per page and server under gunicorn -w 2 (default 5; 0 skips the servers)",
    )
    parser.add_argument("--concurrency", type=int, default=4, help="connections kept busy (default 4)")
    parser.add_argument(
        "--load-users", type=int, default=50, help="locust users in the load test (default 50)"
    )
    parser.add_argument(
        "--load-seconds", type=int, default=120, help="length of the load test (default 120; 0 skips it)"
    )
    parser.add_argument("--no-pages", action="store_true", help="only the engine and the imports")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a step is over budget")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary SQLite database and say where"
    )
    parser.add_argument(
        "--profile", metavar="DIR", type=Path, help="also profile each budgeted step (cProfile) into DIR"
    )
    args = parser.parse_args(argv)
    if args.estates < 1 or args.firms < 1 or args.months < 1:
        parser.error("--estates, --firms and --months must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tmpdir = None
    url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if not url:
        tmpdir = Path(tempfile.mkdtemp(prefix="sunshine-bench-"))
        url = f"sqlite:///{tmpdir / 'bench.sqlite3'}"
    # Before django.setup(): the settings read DATABASE_URL when they are imported.
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("BENCH_SETTINGS_MODULE", "portal.settings.test")
    try:
        return _run(args, tmpdir)
    finally:
        if tmpdir is not None:
            from django.db import connections

            connections.close_all()
            if args.keep:
                print(f"\nThe benchmark database was kept: {tmpdir / 'bench.sqlite3'}")
            else:
                shutil.rmtree(tmpdir, ignore_errors=True)


def _run(args: argparse.Namespace, tmpdir: Path | None) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from bench.runner import Options, run
    from core.errors import ImportRefused
    from registry.models import Estate

    print(
        f"Migrating the benchmark database ({'temporary SQLite' if tmpdir else 'BENCH_DATABASE_URL'})…",
        flush=True,
    )
    start = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"  migrate: {time.perf_counter() - start:.2f} s", flush=True)
    if Estate.objects.exists():
        print(
            "The benchmark database already has estates: give BENCH_DATABASE_URL an empty database "
            "(the benchmark writes a whole city into it).",
            file=sys.stderr,
        )
        return 2
    options = Options(
        estates=args.estates,
        firms=args.firms,
        months=args.months,
        seed=args.seed,
        first_month=args.first_month,
        profile_dir=args.profile,
        cases=args.cases,
        pages=not args.no_pages,
        serve_seconds=args.serve_seconds,
        concurrency=args.concurrency,
        load_users=args.load_users,
        load_seconds=args.load_seconds if args.serve_seconds > 0 else 0,
    )
    try:
        steps = run(options)
    except ImportRefused as exc:  # a generated file was refused: a bug in the generator or the import
        print("An import was refused:", *exc.lines()[:20], sep="\n  ", file=sys.stderr)
        return 3
    from bench.runner import LOAD

    if any(row.failures for row in LOAD):
        return 1
    if args.strict and any(step.over for step in steps):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
