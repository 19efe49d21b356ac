"""`make bench` at a tiny scale: the generator makes a valid city and the timing table prints.

The full run (10,000 estates) is `make bench`; here 30 estates and 3 months, in the test database.
"""

import io
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.__main__ import parse_args
from bench.runner import Options, print_table, run
from core.tabular import read_table
from ratings.models import HotlineMonth, MonthlyScore, QuarterGrade
from ratings.services.scores import hotline_import, scores_import
from registry.credit_code import credit_code_error
from registry.models import Estate, Firm, ServiceContract


@pytest.fixture
def bench_run(db):
    out = io.StringIO()
    steps = run(
        Options(estates=30, firms=6, months=3, seed=7, cases=20, serve_seconds=0, load_seconds=0), out
    )
    return steps, out.getvalue()


def test_tiny_city_is_valid(bench_run):
    assert Estate.objects.count() == 30
    assert Firm.objects.count() == 6
    assert all(credit_code_error(code) is None for code in Firm.objects.values_list("credit_code", flat=True))
    # Three generated months plus the imported fourth, for every estate.
    assert MonthlyScore.objects.filter(month__lt="2023-04").count() == 90
    assert HotlineMonth.objects.filter(month__lt="2023-04").count() == 90
    assert MonthlyScore.objects.filter(month="2023-04").count() == 30
    assert HotlineMonth.objects.filter(month="2023-04").count() == 30
    # Estate 3 (index) changes firm mid-period: two contracts, one ending the day before the next.
    contracts = list(ServiceContract.objects.filter(estate__code="E00004").order_by("start"))
    assert len(contracts) == 2
    assert contracts[0].firm_id != contracts[1].firm_id
    assert (contracts[1].start - contracts[0].end).days == 1
    # Every generated row obeys the rules the imports enforce (SPEC §3).
    for row in HotlineMonth.objects.all():
        assert (
            max(row.responded, row.resolved, row.surveyed) <= row.received and row.satisfied <= row.surveyed
        )
    for score in MonthlyScore.objects.all():
        assert score.veto == bool(score.veto_reason)
        assert score.firm_id is not None
    assert QuarterGrade.objects.filter(quarter="2023Q1").count() == 30


def test_timing_table_prints(bench_run):
    steps, text = bench_run
    names = [s.name for s in steps]
    assert names[0].startswith("generate city")
    assert "compute_quarter 2023Q1 (cold)" in names
    assert "import_scores 2023-04 (same file again)" in names
    assert "import_hotline 2023-04 (new month)" in names
    for line in ("nproc:", "CPU:", "Python:", "Database:", "step", "budget", "result"):
        assert line in text
    assert "UNEXPECTED" not in text  # each import did what its step says (created / unchanged / updated)
    assert all(s.seconds >= 0 and not s.over for s in steps)


def test_same_seed_same_city(db):
    from bench import city

    a = city.scores_csv(_fake_city(), "2024-01", seed=3)
    b = city.scores_csv(_fake_city(), "2024-01", seed=3)
    assert a == b and a.startswith(b"\xef\xbb\xbfestate_code,")


def test_generated_files_import_cleanly(db):
    from bench import city

    built = city.build(city.CitySize(estates=12, firms=3, months=2, first_month="2024-11", seed=1))
    assert city.last_full_quarter(built.months) == "2024Q4"  # 2024-11 and 2024-12 only: partial
    assert city.next_month(built.months[-1]) == "2025-01"
    report = scores_import(
        table=read_table(city.scores_csv(built, "2025-01", seed=2), filename="s.csv"), month="2025-01"
    )
    assert report.created == 12
    report = hotline_import(
        table=read_table(city.hotline_csv(built, "2025-01", seed=2), filename="h.csv"), month="2025-01"
    )
    assert report.created == 12


def test_over_budget_is_reported(db):
    from bench.runner import Step

    out = io.StringIO()
    print_table([Step("compute_quarter 2025Q4", 10_000, 12.5, 10.0)], out)
    assert "OVER" in out.getvalue()


def test_arguments():
    args = parse_args(["--estates", "50", "--firms", "5", "--months", "6", "--strict"])
    assert (args.estates, args.firms, args.months, args.strict) == (50, 5, 6, True)
    with pytest.raises(SystemExit):
        parse_args(["--estates", "0"])


def _fake_city():
    from bench.city import City, CitySize

    return City(
        size=CitySize(estates=2),
        months=["2023-12"],
        estate_ids=[1, 2],
        estate_codes=["E00001", "E00002"],
        quality={1: 0.9, 2: 0.7},
        households={1: 500, 2: 800},
    )


def test_public_city_has_a_sound_page_tree_and_counts_every_page(bench_run):
    from wagtail.models import Page

    from bench.runner import PAGE_QUERIES
    from cases.models import CasePage
    from disclosures.models import DisclosurePage, FeeItem
    from ratings.models import Release
    from registry.models import EstatePage, FirmPage

    steps, text = bench_run
    assert EstatePage.objects.live().count() == 30
    assert FirmPage.objects.live().count() == 6
    assert DisclosurePage.objects.live().count() == 30
    assert FeeItem.objects.count() == 90
    assert CasePage.objects.live().count() == 20
    assert Release.objects.count() == 1
    # treebeard's own consistency check: paths, depths and child counts as if made one by one.
    assert all(not problems for problems in Page.find_problems())
    names = {"home", "estate directory (band filter)", "estate page", "firm page", "search", "suggest"}
    names |= {"case page", "quarter page (page 2)", "data.json", "data.xlsx"}
    assert set(PAGE_QUERIES) == names
    assert all(status == 200 for status, _ in PAGE_QUERIES.values()), PAGE_QUERIES
    assert "estate page" in text and "public pages" in text
    assert "update_index" in [s.name for s in steps]
    # Publishing queued the writing of the release's files, timed apart as the worker would run it.
    assert "release files written (the task)" in [s.name for s in steps]


@contextmanager
def serving(do_get):
    """A threaded HTTP/1.1 server on loopback answering GETs with `do_get(handler)`; yields its
    base URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            do_get(self)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_the_load_client_counts_answers_and_failures():
    from bench import serve

    answered = []

    def answer(handler):
        answered.append(handler.path)
        status = 200 if handler.path.startswith("/ok") else 500
        body = "好".encode()
        handler.send_response(status)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    with serving(answer) as base:
        ok = serve.measure(base + "/ok?q=雅园", seconds=0.3, concurrency=2, warmup=0.3)
        assert ok.requests > 0 and ok.errors == 0 and ok.per_second > 0
        # The warm-up's requests were answered but not counted.
        assert len(answered) > ok.requests
        failing = serve.measure(base + "/fail", seconds=0.3, concurrency=2)
        assert failing.requests == 0 and failing.errors > 0


def test_the_load_client_reads_whole_answers_and_counts_a_cut_one_as_an_error():
    """Bodies far larger than one read are counted once each, on kept-alive and on closed
    connections alike; an answer cut short (fewer bytes than its Content-Length) is an error."""
    from bench import serve

    big = b"x" * 1_500_000
    seen = []

    def answer(handler):
        seen.append(handler.headers.get("Accept-Encoding", ""))
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(big)))
        if handler.path == "/close":
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        if handler.path == "/cut":
            handler.wfile.write(big[:1000])
            handler.close_connection = True
            return
        for start in range(0, len(big), 100_000):
            handler.wfile.write(big[start : start + 100_000])

    with serving(answer) as base:
        for path in ("/keep", "/close"):
            seen.clear()
            rate = serve.measure(base + path, seconds=0.3, concurrency=2, warmup=0.1)
            assert rate.errors == 0 and rate.requests > 0
            # Every answer the server gave in the measured window was counted once, no more.
            assert rate.requests <= len(seen)
        assert seen and all("gzip" in value for value in seen)  # as a browser asks
        cut = serve.measure(base + "/cut", seconds=0.3, concurrency=2, warmup=0.1)
        assert cut.requests == 0 and cut.errors > 0


def test_profiles_are_saved_and_leave_the_data_as_the_timed_run_left_it(db, tmp_path):
    out = io.StringIO()
    options = Options(estates=12, firms=3, months=3, seed=3, pages=False, profile_dir=tmp_path / "prof")
    run(options, out)
    grades = QuarterGrade.objects.count()
    assert grades == 12
    profiles = sorted(p.name for p in (tmp_path / "prof").iterdir())
    assert len(profiles) == 5 and all(name.endswith(".prof") for name in profiles)  # compute, 4 imports
    assert "--- profile of compute_quarter" in out.getvalue()


def test_the_welcome_page_is_the_median_of_its_runs_and_every_run_is_printed():
    from bench.runner import median_rate, print_pages
    from bench.serve import Rate

    samples = [Rate(requests, 0, 1.0, [0.01]) for requests in (104, 258, 150, 200)]
    assert median_rate(samples).per_second == 150
    assert median_rate(samples[1:]).per_second == 200
    out = io.StringIO()
    rates = {
        "welcome": median_rate(samples),
        "welcome samples": samples,
        "cached": {"estate": Rate(1500, 0, 1.0, [])},
        "same bytes": {"estate": Rate(4500, 0, 1.0, [])},
        "bytes": {"estate": 12345},
    }
    print_pages({"estate": "/estates/e1/"}, rates, out)
    assert "150.0 req/s, the median of 4 runs (104, 258, 150, 200;" in out.getvalue()
    row = out.getvalue().splitlines()[-1].split()
    assert row[-4:] == ["1500.0", "10.00", "4500.0", "30.00"]
    assert "12,345" in row


def test_the_same_bytes_server_sends_what_the_portal_sent(tmp_path, monkeypatch):
    """bench.samebytes keeps each answer's bytes and headers as the bench's client received them,
    and its bare WSGI application sends exactly those again for the same request target."""
    import importlib
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from bench import samebytes, serve

    seen = []

    class Portal(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append((self.path, self.headers["Accept-Encoding"]))
            body = self.path.encode() * 1000
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "br")
            self.send_header("X-Page-Cache", "hit")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        paths = {"search": "/search/?q=阳光", "data.json": "/ratings/2025-q4/data.json"}
        targets = {name: serve.request_target(base + path) for name, path in paths.items()}
        sizes = samebytes.save(base, targets, tmp_path, serve.ACCEPT_ENCODING)
    finally:
        server.shutdown()
    assert seen == [(target, "gzip, deflate, br") for target in targets.values()]
    assert sizes == {name: len(target.encode()) * 1000 for name, target in targets.items()}

    monkeypatch.setenv("BENCH_SAME_BYTES", str(tmp_path))
    app = importlib.reload(samebytes).application
    started = []
    start = lambda status, headers: started.append((status, headers))  # noqa: E731
    for target in targets.values():
        body = b"".join(app({"RAW_URI": target}, start))
        status, headers = started[-1]
        assert status == "200 OK" and body == target.encode() * 1000
        assert dict(headers) == {
            "Content-Type": "application/json",
            "Content-Encoding": "br",
            "Content-Length": str(len(body)),
        }
    assert app({"RAW_URI": "/other/"}, start) == [b"not found"]
    assert started[-1][0] == "404 Not Found"
