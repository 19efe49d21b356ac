"""data.xlsx beside data.csv (issue 12, SPEC §8) and conditional GET (304) on the open-data files
and the Atom feed of releases."""

import gzip
import io
from decimal import Decimal
from urllib.parse import unquote

import brotli
import openpyxl
import pytest

from ratings import workbook
from ratings.opendata import CSV_FIELDS
from registry.credit_code import make_code
from registry.models import Firm
from tests.ratings.helpers import correct, publish, queries_with, street_scores

pytestmark = pytest.mark.django_db

FORMULA_FIRM = '=HYPERLINK("http://example.invalid")物业有限公司'
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def all_digit_credit_code() -> str:
    return next(code for n in range(1000) if (code := make_code(f"91110000{n:09d}")).isdigit())


@pytest.fixture
def released(db):
    data = street_scores(6, firm_names=[FORMULA_FIRM, "乙物业有限公司", "丙物业有限公司"])
    # A credit code of digits only, and an estate code with leading zeros: both must stay text.
    Firm.objects.filter(pk=data["firms"][1].pk).update(credit_code=all_digit_credit_code())
    estate = data["estates"][1 + 3]  # managed by the second firm
    estate.code = "000123"
    estate.save(update_fields=["code"])
    data["release"] = publish()
    return data


def sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_data_xlsx_has_chinese_headers_text_codes_and_the_release_figures(client, released):
    response = client.get("/ratings/2025-q1/data.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and 'filename="sunshine-2025Q1-v1.xlsx"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "2025年第1季度物业服务评级（第1版）.xlsx"

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["小区评级", "月度明细"]
    estates, months = book["小区评级"], book["月度明细"]
    headers = [c.value for c in estates[1]]
    assert headers == [title for _, title, _ in workbook.ESTATE_COLUMNS]
    assert headers[:4] == ["小区编码", "小区名称", "街道", "社区"] and "统一社会信用代码" in headers
    column = {field: i for i, (field, _, _) in enumerate(workbook.ESTATE_COLUMNS)}
    # Every column of data.csv is in the workbook (the band twice: its label and its code).
    assert set(CSV_FIELDS) <= set(column)

    document = released["release"].document
    rows = {r[column["estate_code"]].value: r for r in estates.iter_rows(min_row=2)}
    assert list(rows) == [e["estate_code"] for e in document["estates"]]
    digits = all_digit_credit_code()
    code_cell = rows["000123"][column["estate_code"]]
    assert code_cell.value == "000123" and code_cell.data_type == "s" and code_cell.number_format == "@"
    credit_cell = rows["000123"][column["firm_credit_code"]]
    assert credit_cell.value == digits and credit_cell.data_type == "s" and credit_cell.number_format == "@"
    labels = {b["code"]: b["label"] for b in document["scheme"]["bands"]} | {"pending": "待评"}
    for e in document["estates"]:
        row = rows[e["estate_code"]]
        assert row[column["estate_name"]].value == e["estate_name"]
        assert row[column["households"]].value == e["households"]
        assert row[column["band"]].value == labels[e["band"]] and row[column["band_code"]].value == e["band"]
        score = row[column["score"]].value
        assert (Decimal(str(score)) if score is not None else None) == (
            Decimal(e["score"]) if e["score"] else None
        )
        assert row[column["rank_overall"]].value == e["rank_overall"]
        assert row[column["vetoed"]].value == ("是" if e["vetoed"] else "否")
    # Text that a spreadsheet would run is a plain string cell, not a formula.
    firm_cells = [r[column["firm_name"]] for r in rows.values()]
    assert any(c.value == FORMULA_FIRM and c.data_type == "s" for c in firm_cells)

    month_rows = sheet_rows(months)
    assert month_rows[0][:5] == ["小区编码", "小区名称", "月份", "完成考核", "月度总分"]
    assert "业主评价（满分20）" in month_rows[0] and "12345受理" in month_rows[0]
    assert len(month_rows) - 1 == sum(len(e["months"]) for e in document["estates"])
    first = document["estates"][0]
    owner = month_rows[0].index("业主评价（满分20）")
    mine = [r for r in month_rows[1:] if r[0] == first["estate_code"]]
    assert [r[2] for r in mine] == [m["month"] for m in first["months"]]
    assert [Decimal(str(r[owner])) for r in mine] == [
        Decimal(m["criteria"]["owner"]) for m in first["months"]
    ]
    assert [Decimal(str(r[4])) for r in mine] == [Decimal(m["total"]) for m in first["months"]]


def test_each_version_has_its_own_workbook_and_the_quarter_page_links_it(client, released):
    correct(estate=released["estates"][2], month="2025-01")
    v1 = client.get("/ratings/2025-q1/v1/data.xlsx")
    latest = client.get("/ratings/2025-q1/data.xlsx")
    assert "sunshine-2025Q1-v1.xlsx" in v1["Content-Disposition"]
    assert "sunshine-2025Q1-v2.xlsx" in latest["Content-Disposition"]
    assert client.get("/ratings/2025-q1/v3/data.xlsx").status_code == 404
    body = client.get("/ratings/2025-q1/").content.decode()
    csv_at, xlsx_at = (
        body.index('href="/ratings/2025-q1/data.csv"'),
        body.index('href="/ratings/2025-q1/data.xlsx"'),
    )
    assert abs(csv_at - xlsx_at) < 400  # beside each other
    assert 'href="/ratings/2025-q1/v1/data.xlsx"' in client.get("/ratings/2025-q1/v1/").content.decode()


@pytest.mark.parametrize("name", ["data.json", "data.csv", "data.xlsx"])
def test_open_data_answers_a_conditional_get_with_304(client, released, name):
    url = f"/ratings/2025-q1/{name}"
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert released["release"].digest in etag
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    # A correction makes a new release: the latest file changes, v1 keeps its tag.
    correct(estate=released["estates"][2], month="2025-01")
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.get(f"/ratings/2025-q1/v1/{name}", HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize("name", ["data.json", "data.csv", "data.xlsx"])
def test_files_written_by_new_code_are_not_answered_304_for_the_old_tag(client, released, name, monkeypatch):
    from ratings import files

    url = f"/ratings/2025-q1/{name}"
    etag = client.get(url)["ETag"]
    monkeypatch.setattr(files, "FILES_VERSION", files.FILES_VERSION + 1)
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag


def test_the_tags_of_the_three_files_differ(client, released):
    tags = {client.get(f"/ratings/2025-q1/{name}")["ETag"] for name in ("data.json", "data.csv", "data.xlsx")}
    assert len(tags) == 3


def test_the_ratings_feed_answers_a_conditional_get_with_304_until_a_release(client, released):
    first = client.get("/feeds/ratings/")
    etag = first["ETag"]
    assert client.get("/feeds/ratings/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    correct(estate=released["estates"][2], month="2025-01")
    changed = client.get("/feeds/ratings/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_304_does_not_load_the_document(client, released, django_assert_max_num_queries):
    url = "/ratings/2025-q1/data.json"
    etag = client.get(url)["ETag"]
    with django_assert_max_num_queries(3):
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_compressed_response_still_answers_its_tag_with_304(client, released):
    """Gzip weakens the tag (W/"…"); If-None-Match compares weakly, so it still matches."""
    url = "/ratings/2025-q1/data.json"
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip" and first["ETag"].startswith('W/"')
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize("name", ["data.json", "data.csv", "data.xlsx"])
def test_each_open_data_file_runs_the_same_few_queries_for_5_or_60_estates(client, db, name):
    url = lambda data: f"/ratings/2025-q1/{name}"  # noqa: E731
    small, large = queries_with(5, client, url), queries_with(60, client, url)
    assert small == large <= 5


@pytest.mark.parametrize("extension", ["json", "csv", "xlsx"])
def test_a_release_file_is_written_once_and_then_served_as_written(client, released, monkeypatch, extension):
    from ratings import files

    built = []
    original = files.document
    monkeypatch.setattr(files, "document", lambda release: built.append(release.pk) or original(release))
    first = client.get(f"/ratings/2025-q1/data.{extension}")
    second = client.get(f"/ratings/2025-q1/data.{extension}")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert len(built) == 1  # a release never changes: its file is made on the first request only


DECOMPRESS = {"gzip": gzip.decompress, "br": brotli.decompress}
COMPRESSORS = {"gzip": gzip, "br": brotli}


@pytest.mark.parametrize(
    "accept,coding",
    [("gzip, deflate", "gzip"), ("gzip, deflate, br", "br"), ("gzip, br;q=0", "gzip"), ("br", "br")],
)
@pytest.mark.parametrize("extension", ["json", "csv", "xlsx"])
def test_a_reader_gets_the_file_in_the_best_coding_it_accepts_compressed_once_and_kept(
    client, released, monkeypatch, extension, accept, coding
):
    """Brotli before gzip (the city's data.json: 0.96 MB against 1.5 MB). A page-cache miss (here:
    each new query string) costs no compression: a city's data.json is 22 MB, a fifth of a second
    of gzip and half a second of brotli per request."""
    from ratings import files

    compressed = []
    for module in (files.gzip, files.brotli):
        original = module.compress
        monkeypatch.setattr(
            module,
            "compress",
            lambda data, _o=original, _m=module, **kw: compressed.append(_m) or _o(data, **kw),
        )
    url = f"/ratings/2025-q1/data.{extension}"
    plain = client.get(url)
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    answers = [client.get(f"{url}?n={n}", HTTP_ACCEPT_ENCODING=accept) for n in range(3)]
    for answer in answers:
        assert answer.status_code == 200 and answer["Content-Encoding"] == coding
        assert DECOMPRESS[coding](answer.content) == plain.content
        assert answer["ETag"] == "W/" + plain["ETag"].removeprefix("W/")
        assert "Accept-Encoding" in answer["Vary"]
        assert answer["Content-Disposition"] == plain["Content-Disposition"]
    assert compressed == [COMPRESSORS[coding]]  # once, and only in the coding sent


def test_brotli_makes_the_json_smaller_than_gzip(client, released):
    url = "/ratings/2025-q1/data.json"
    gzipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    brotlied = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert brotli.decompress(brotlied.content) == gzip.decompress(gzipped.content)
    assert len(brotlied.content) < len(gzipped.content)


def test_the_page_cache_keeps_a_brotli_answer_apart_from_a_gzip_one(client, released, settings):
    """A reader who accepts only gzip must never be sent a cached brotli answer, nor the reverse."""
    from core import pagecache

    settings.PORTAL_PAGE_CACHE_SECONDS = 600
    pagecache.local_bodies.clear()
    url = "/ratings/2025-q1/data.json"
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert first["Content-Encoding"] == "br" and first["X-Page-Cache"] == "miss"
    gzip_only = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert gzip_only["Content-Encoding"] == "gzip" and gzip_only["X-Page-Cache"] == "miss"
    plain = client.get(url, HTTP_ACCEPT_ENCODING="identity")
    assert "Content-Encoding" not in plain and plain["X-Page-Cache"] == "miss"
    for accept, coding in (("br, gzip", "br"), ("gzip", "gzip")):
        again = client.get(url, HTTP_ACCEPT_ENCODING=accept)
        assert again["X-Page-Cache"] == "hit" and again["Content-Encoding"] == coding
    assert "Content-Encoding" not in client.get(url, HTTP_ACCEPT_ENCODING="identity")


def test_a_new_release_has_its_files_written_ahead_once_committed(
    client, db, monkeypatch, django_capture_on_commit_callbacks
):
    """The first residents to download after a publication find the files made (the task runs at
    once under the test settings' immediate backend; in production, in the task worker)."""
    from ratings import files

    street_scores(3)
    with django_capture_on_commit_callbacks(execute=True):
        release = publish()
    written = []
    original = files.document
    monkeypatch.setattr(files, "document", lambda release: written.append(release.pk) or original(release))
    for name in ("data.json", "data.csv", "data.xlsx"):
        assert client.get(f"/ratings/2025-q1/{name}", HTTP_ACCEPT_ENCODING="gzip").status_code == 200
        assert client.get(f"/ratings/2025-q1/v1/{name}").status_code == 200
    assert written == []  # nothing was written on request
    assert files.release_files_prepare(release) == ["json", "csv", "xlsx"]
    assert written == []  # and writing ahead again finds them kept


def test_a_release_whose_files_task_cannot_be_queued_is_still_published(
    client, db, monkeypatch, django_capture_on_commit_callbacks
):
    from types import SimpleNamespace

    from ratings import signals

    def refuse(**kwargs):
        raise RuntimeError("no task backend")

    monkeypatch.setattr(signals, "release_files_task", SimpleNamespace(enqueue=refuse))
    street_scores(3)
    with django_capture_on_commit_callbacks(execute=True):
        release = publish()
    assert release.version == 1
    assert client.get("/ratings/2025-q1/data.json").status_code == 200  # written on request instead


def test_a_file_gzip_would_not_shrink_is_sent_as_it_is(client, released, monkeypatch):
    from ratings import files

    monkeypatch.setattr(files.gzip, "compress", lambda data, **kw: data + b"longer")
    monkeypatch.setattr(files.brotli, "compress", lambda data, **kw: data + b"longer")
    monkeypatch.setattr("django.middleware.gzip.compress_string", lambda data, **kw: data + b"longer")
    plain = client.get("/ratings/2025-q1/data.csv")
    answer = client.get("/ratings/2025-q1/data.csv", HTTP_ACCEPT_ENCODING="gzip, br")
    assert "Content-Encoding" not in answer and answer.content == plain.content


@pytest.mark.parametrize("name", ["data.json", "data.csv", "data.xlsx"])
def test_a_numbered_release_file_may_be_kept_for_a_year_and_the_latest_may_not(client, released, name):
    numbered = client.get(f"/ratings/2025-q1/v1/{name}")["Cache-Control"]
    assert "immutable" in numbered and "max-age=31536000" in numbered and "public" in numbered
    latest = client.get(f"/ratings/2025-q1/{name}").get("Cache-Control", "")
    assert "immutable" not in latest and "max-age" not in latest
    missing = client.get(f"/ratings/2025-q1/v9/{name}")
    assert missing.status_code == 404 and "immutable" not in missing.get("Cache-Control", "")


def test_two_readers_at_once_write_a_file_once(released, monkeypatch):
    """A city's workbook takes 16 s: two readers (or a reader and the task) at once must not each
    write it, tying up two workers for the same bytes."""
    import threading
    import time

    from ratings import files

    written = []

    def slow_writer(release):
        written.append(release.pk)
        time.sleep(0.3)
        return b"the workbook"

    monkeypatch.setitem(files.WRITERS, "xlsx", slow_writer)
    release = released["release"]
    answers = []
    readers = [
        threading.Thread(target=lambda: answers.append(files.file_bytes(release, "xlsx"))) for _ in range(3)
    ]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert answers == [b"the workbook"] * 3
    assert written == [release.pk]


def test_a_reader_finds_the_file_another_is_writing_once_it_is_written(released, monkeypatch):
    import threading

    from django.core.cache import cache

    from ratings import files

    monkeypatch.setitem(files.WRITERS, "csv", lambda release: pytest.fail("written twice"))
    release = released["release"]
    key = files._key(release, "csv")
    cache.add(f"{key}:writing", "another worker", 60)
    threading.Timer(0.3, lambda: cache.set(key, b"estate_code\r\n", None)).start()
    assert files.file_bytes(release, "csv") == b"estate_code\r\n"


def test_a_reader_is_asked_to_come_back_while_the_file_is_still_being_written(client, released, monkeypatch):
    from django.core.cache import cache

    from ratings import files

    monkeypatch.setattr(files, "READER_WAIT_SECONDS", 0.3)
    monkeypatch.setitem(files.WRITERS, "xlsx", lambda release: pytest.fail("written by a second reader"))
    cache.add(f"{files._key(released['release'], 'xlsx')}:writing", "the task", 60)
    response = client.get("/ratings/2025-q1/data.xlsx")
    assert response.status_code == 503
    assert response["Retry-After"] == "15"
    assert "no-store" in response["Cache-Control"]
    assert not response.has_header("ETag") and not response.has_header("Last-Modified")
    text = response.content.decode()
    assert "数据文件正在生成" in text and "2025年第1季度物业服务评级（第1版）的 data.xlsx" in text
    # The other files are not held up, and once the lock is gone the workbook is written.
    assert client.get("/ratings/2025-q1/data.csv").status_code == 200
    cache.delete(f"{files._key(released['release'], 'xlsx')}:writing")
    monkeypatch.setitem(files.WRITERS, "xlsx", files.xlsx_body)
    assert client.get("/ratings/2025-q1/data.xlsx").status_code == 200


def test_the_task_waits_for_a_file_a_reader_is_writing_instead_of_writing_it_again(released, monkeypatch):
    import threading

    from django.core.cache import cache

    from ratings import files

    release = released["release"]
    key = files._key(release, "json")
    cache.add(f"{key}:writing", "a reader", 60)
    monkeypatch.setitem(files.WRITERS, "json", lambda release: pytest.fail("written twice"))
    plain = files.json_body(release)

    def reader_done():
        cache.set(key, plain, None)
        cache.delete(f"{key}:writing")

    threading.Timer(files.READER_WAIT_SECONDS + 0.5, reader_done).start()  # longer than a reader waits
    assert files.release_files_prepare(release) == ["json", "csv", "xlsx"]
    assert brotli.decompress(files.file_encoded(release, "json", "br")) == plain
