"""Bad input to the imports (issue 8, items 10–13 and 15): refused row by row or as a whole file,
with a message in Chinese, never a traceback, never half-written."""

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.urls import reverse

from wagtail.models import ModelLogEntry

from core.errors import FileRefused
from core.tabular import read_table
from ratings.models import HotlineMonth, ImportBatch, MonthlyScore
from registry.models import Estate, Firm
from tests.factories import EstateFactory, ServiceContractFactory
from tests.helpers import csv_bytes, xlsx_bytes
from tests.ratings.helpers import (
    HOTLINE_HEADER,
    SCORE_HEADER,
    hotline_rows,
    score_rows,
    signed_in,
    text,
    upload,
)
from tests.ratings.helpers import user as make_user
from tests.registry.helpers import HEADER as REGISTRY_HEADER
from tests.registry.helpers import assert_nothing_written, good_rows

pytestmark = pytest.mark.django_db

BASE_DIR = Path(django_settings.BASE_DIR)


@pytest.fixture
def editor():
    from portal.roles import roles_ensure

    return make_user("editor", roles_ensure()["editors"])


def refused(command, path, *args):
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command(command, path, *args, stdout=io.StringIO(), stderr=err)
    return str(info.value), err.getvalue()


def run(command, path, *args):
    out = io.StringIO()
    call_command(command, path, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def nothing_imported():
    models = (MonthlyScore, HotlineMonth, ModelLogEntry)
    return not any(model.objects.exists() for model in models)


# --- 10. spreadsheets that declare (or hold) far more than they should ---------------------------


def rewrite_sheet(data: bytes, *, dimension: str | None = None, append: str = "") -> bytes:
    """The workbook with its first sheet's <dimension> replaced and raw rows appended."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                sheet = body.decode()
                if dimension:
                    sheet = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>', sheet)
                body = sheet.replace("</sheetData>", append + "</sheetData>").encode()
            target.writestr(info.filename, body)
    return out.getvalue()


FAR_CELL = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


def far_cell_workbook(header=HOTLINE_HEADER, rows=None) -> bytes:
    """A few KB that claim the whole sheet, A1:XFD1048576, with one cell in its far corner."""
    return rewrite_sheet(
        xlsx_bytes(header, rows or hotline_rows()), dimension="A1:XFD1048576", append=FAR_CELL
    )


def test_a_tiny_xlsx_claiming_the_whole_sheet_is_refused_in_little_memory(estates, write_file):
    data = far_cell_workbook()
    assert len(data) < 10_000
    tracemalloc.start()
    try:
        with pytest.raises(FileRefused) as info:
            read_table(data, filename="far.xlsx", max_rows=50_000, max_columns=50)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "50000 行" in str(info.value) and "第 1048576 行" in str(info.value)
    assert peak < 64 * 1024 * 1024
    message, _ = refused("import_hotline", write_file("far.xlsx", data), "--month", "2025-01")
    assert "50000 行" in message
    assert nothing_imported()


def test_a_declared_dimension_larger_than_the_data_is_not_trusted(estates, write_file):
    data = rewrite_sheet(xlsx_bytes(HOTLINE_HEADER, hotline_rows()), dimension="A1:XFD1048576")
    out = run("import_hotline", write_file("dim.xlsx", data), "--month", "2025-01")
    assert "已新增 3 项" in out
    assert HotlineMonth.objects.count() == 3


def test_far_cells_on_many_rows_are_bad_rows_read_in_little_memory(estates, write_file):
    far = "".join(f'<row r="{n}"><c r="XFD{n}"><v>7</v></c></row>' for n in range(5, 3005))
    data = rewrite_sheet(xlsx_bytes(HOTLINE_HEADER, hotline_rows()), dimension="A1:XFD1048576", append=far)
    tracemalloc.start()
    try:
        table = read_table(data, filename="far.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(table.rows) == 3003 and table.rows[3][1] == {
        "__extra__": "该行的数据比表头多"
    } | dict.fromkeys(HOTLINE_HEADER, "")
    assert peak < 64 * 1024 * 1024
    _, err = refused("import_hotline", write_file("far.xlsx", data), "--month", "2025-01")
    assert "row 5: 该行的数据比表头多" in err and "另有 2800 行错误未列出" in err
    assert nothing_imported()


def test_rows_numbered_beyond_any_worksheet_are_refused(estates, write_file):
    beyond = '<row r="2000000000"><c r="A2000000000" s="0"/></row>'
    data = rewrite_sheet(xlsx_bytes(HOTLINE_HEADER, hotline_rows()), append=beyond)
    message, _ = refused("import_hotline", write_file("beyond.xlsx", data), "--month", "2025-01")
    assert "1048576 行" in message and "已损坏" in message
    assert nothing_imported()


def test_blank_formatted_rows_past_the_cap_are_tolerated_but_not_without_end(estates, write_file, settings):
    settings.PORTAL_IMPORT_MAX_ROWS = 3

    def blank_rows(count):
        return "".join(f'<row r="{n}"><c r="C{n}" s="0"/></row>' for n in range(10, 10 + count))

    few = rewrite_sheet(xlsx_bytes(HOTLINE_HEADER, hotline_rows()), append=blank_rows(20))
    assert "已新增 3 项" in run("import_hotline", write_file("few.xlsx", few), "--month", "2025-01")
    many = rewrite_sheet(xlsx_bytes(HOTLINE_HEADER, hotline_rows()), append=blank_rows(1500))
    message, _ = refused("import_hotline", write_file("many.xlsx", many), "--month", "2025-01")
    assert "最多 3 行数据" in message and "空行" in message


def test_more_data_rows_than_the_cap_are_refused_with_the_cap_named(estates, write_file, settings):
    settings.PORTAL_IMPORT_MAX_ROWS = 2
    for name, data in [
        ("h.csv", csv_bytes(HOTLINE_HEADER, hotline_rows())),
        ("h.xlsx", xlsx_bytes(HOTLINE_HEADER, hotline_rows())),
    ]:
        message, _ = refused("import_hotline", write_file(name, data), "--month", "2025-01")
        assert "最多 2 行数据" in message and "第 4 行" in message, message
    assert nothing_imported()


def test_trailing_blank_rows_and_cells_do_not_count_against_the_caps(estates, write_file, settings):
    settings.PORTAL_IMPORT_MAX_ROWS = 3
    settings.PORTAL_IMPORT_MAX_COLUMNS = 6
    rows = [[*row, "", ""] for row in hotline_rows()] + [[""] * 8] * 5
    csv_path = write_file("h.csv", csv_bytes([*HOTLINE_HEADER, "", ""], rows))
    assert "已新增 3 项" in run("import_hotline", csv_path, "--month", "2025-01")
    blank_styled = "".join(f'<row r="{n}"><c r="XFD{n}" s="0"/></row>' for n in range(5, 40))
    xlsx = rewrite_sheet(xlsx_bytes(HOTLINE_HEADER, hotline_rows()), append=blank_styled)
    assert "3 项无变化" in run("import_hotline", write_file("h.xlsx", xlsx), "--month", "2025-01")


def test_a_header_wider_than_the_column_cap_is_refused(estates, write_file, settings):
    settings.PORTAL_IMPORT_MAX_COLUMNS = 6
    header = [*HOTLINE_HEADER, "extra"]
    message, _ = refused(
        "import_hotline",
        write_file("wide.csv", csv_bytes(header, [[*r, "x"] for r in hotline_rows()])),
        "--month",
        "2025-01",
    )
    assert "最多 6 列" in message
    assert nothing_imported()


def test_the_header_is_checked_before_the_rows_are_read(estates, write_file):
    header = [c if c != "received" else "recieved" for c in HOTLINE_HEADER]
    message, _ = refused(
        "import_hotline", write_file("far.xlsx", far_cell_workbook(header)), "--month", "2025-01"
    )
    assert "未知的列：recieved" in message and "缺少必需的列：received" in message
    assert "50000" not in message


def test_a_far_cell_workbook_uploaded_in_the_admin_is_refused(estates, editor):
    page = text(upload(signed_in(editor), far_cell_workbook(), name="hotline.xlsx", kind="hotline"))
    assert "50000 行" in page
    assert not ImportBatch.objects.exists() and nothing_imported()


# --- 11. numbers: plain decimal notation only -----------------------------------------------------

BAD_NUMBERS = [
    ("1e30", "应为数字"),
    ("9" * 40, "位数过多"),
    ("1" + "0" * 30, "位数过多"),
    ("9" * 5000, "位数过多"),
    ("1,5", "逗号"),
    ("1_0", "应为数字"),
    ("1e1", "应为数字"),
    ("+12", "正负号"),
    ("-0", "不能小于 0"),
    ("١٢", "应为数字"),
    ("1 2", "应为数字"),
    ("0x10", "应为数字"),
    ("NaN", "应为数字"),
    ("Infinity", "应为数字"),
    (".5", "应为数字"),
    ("5.", "应为数字"),
]


@pytest.mark.parametrize(("value", "reason"), BAD_NUMBERS)
def test_a_malformed_score_is_a_bad_row(estates, write_file, value, reason):
    rows = score_rows()
    rows[1][2] = value
    message, err = refused(
        "import_scores", write_file("s.csv", csv_bytes(SCORE_HEADER, rows)), "--month", "2025-01"
    )
    assert "row 3: 环境" in err and reason in err, err
    assert "row 2" not in err and "row 4" not in err
    assert "未写入任何数据" in message
    assert nothing_imported()


@pytest.mark.parametrize(("value", "reason"), BAD_NUMBERS)
def test_a_malformed_hotline_figure_is_a_bad_row(estates, write_file, value, reason):
    rows = hotline_rows()
    rows[0][1] = value
    _, err = refused(
        "import_hotline", write_file("h.csv", csv_bytes(HOTLINE_HEADER, rows)), "--month", "2025-01"
    )
    assert "row 2: 受理数（received）" in err and reason.replace("应为数字", "应为整数") in err, err
    assert nothing_imported()


@pytest.mark.parametrize(
    ("column", "value"), [(5, "1e30"), (5, "9" * 5000), (6, "1,5"), (6, "1e30"), (7, "+2008")]
)
def test_a_malformed_registry_number_is_a_bad_row(write_file, column, value):
    rows = good_rows()
    rows[1][column] = value
    _, err = refused("import_registry", write_file("r.csv", csv_bytes(REGISTRY_HEADER, rows)))
    assert "row 3: " in err and "row 2" not in err
    assert_nothing_written()


def test_a_huge_number_in_an_xlsx_cell_is_a_bad_row(estates, write_file):
    rows = hotline_rows()
    rows[0][1] = 1e30
    rows[1][1] = 10**30
    rows[2][1] = float("1e300")
    _, err = refused(
        "import_hotline", write_file("h.xlsx", xlsx_bytes(HOTLINE_HEADER, rows)), "--month", "2025-01"
    )
    assert "row 2: 受理数" in err and "row 3: 受理数" in err and "row 4: 受理数" in err, err
    assert nothing_imported()


def test_a_hotline_figure_beyond_what_the_database_holds_is_a_bad_row(estates, write_file):
    rows = hotline_rows()
    rows[0][1:] = ["9" * 12] * 5
    _, err = refused(
        "import_hotline", write_file("h.csv", csv_bytes(HOTLINE_HEADER, rows)), "--month", "2025-01"
    )
    assert "row 2: 受理数（received）不能大于" in err
    assert nothing_imported()


def test_full_width_digits_are_normalised(estates, write_file):
    rows = score_rows()
    rows[0][1:7] = ["１８．５", "１４", "９.５", "10", "10", "５"]
    hot = hotline_rows()
    hot[0][1:] = ["１２", "１２", "１１", "１０", "９"]
    run("import_scores", write_file("s.csv", csv_bytes(SCORE_HEADER, rows)), "--month", "2025-01")
    run("import_hotline", write_file("h.csv", csv_bytes(HOTLINE_HEADER, hot)), "--month", "2025-01")
    assert MonthlyScore.objects.get(estate__code="A1").scores["owner"] == "18.5"
    assert HotlineMonth.objects.get(estate__code="A1").received == 12


def test_a_negative_zero_never_becomes_minus_zero(estates, write_file):
    rows = score_rows()
    rows[0][1] = "-0.0"
    _, err = refused(
        "import_scores", write_file("s.csv", csv_bytes(SCORE_HEADER, rows)), "--month", "2025-01"
    )
    assert "row 2: 业主评价（owner）不能小于 0" in err
    rows[0][1] = "0.0"
    run("import_scores", write_file("s2.csv", csv_bytes(SCORE_HEADER, rows)), "--month", "2025-01")
    assert MonthlyScore.objects.get(estate__code="A1").scores["owner"] == "0.0"


@pytest.mark.parametrize("value", ["1e30", "9" * 5000, "1" + "0" * 30])
def test_a_huge_number_uploaded_in_the_admin_is_a_bad_row_not_an_error_page(estates, editor, value):
    rows = score_rows()
    rows[0][1] = value
    response = upload(signed_in(editor), csv_bytes(SCORE_HEADER, rows))
    assert response.status_code == 200
    assert "第 2 行：业主评价（owner）" in text(response)
    assert not ImportBatch.objects.exists() and nothing_imported()


# --- 12. concurrent imports -------------------------------------------------------------------


def test_a_busy_database_is_a_refusal_in_the_command(estates, write_file, monkeypatch):
    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("ratings.management.commands.import_hotline.Command.service", staticmethod(locked))
    message, _ = refused(
        "import_hotline", write_file("h.csv", csv_bytes(HOTLINE_HEADER, hotline_rows())), "--month", "2025-01"
    )
    assert "数据库正忙" in message and "未写入任何数据" in message
    assert nothing_imported()


def test_a_busy_database_is_a_refusal_in_the_admin_preview_and_confirmation(estates, editor, monkeypatch):
    from ratings.services import imports as admin_import

    client = signed_in(editor)
    upload(client, csv_bytes(HOTLINE_HEADER, hotline_rows()), name="h.csv", kind="hotline")
    batch = ImportBatch.objects.get()

    real = admin_import.hotline_import

    def locked(**kwargs):
        if not kwargs.get("dry_run"):
            HotlineMonth.objects.all().delete()  # some work done in the transaction, then the lock
        raise OperationalError("database is locked")

    monkeypatch.setattr(admin_import, "hotline_import", locked)
    page = text(client.get(reverse("ratings_imports:batch", args=[batch.pk])))
    assert "数据库正忙" in page
    response = client.post(reverse("ratings_imports:apply", args=[batch.pk]), follow=True)
    assert response.status_code == 200 and "数据库正忙" in text(response)
    batch.refresh_from_db()
    assert batch.applied_at is None and nothing_imported()
    monkeypatch.setattr(admin_import, "hotline_import", real)
    client.post(reverse("ratings_imports:apply", args=[batch.pk]))
    assert HotlineMonth.objects.count() == 3


def _subprocess_database_url(tmp_path) -> str:
    """A URL other processes can open for the test database (copied to a file for SQLite)."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "concurrent.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    if connection.vendor == "postgresql":
        user = database["USER"] or ""
        auth = f"{user}:{database['PASSWORD']}@" if database.get("PASSWORD") else (f"{user}@" if user else "")
        return f"postgres://{auth}{database['HOST'] or ''}:{database['PORT'] or 5432}/{database['NAME']}"
    pytest.skip(f"no subprocess access to a {connection.vendor} test database")


def _sqlite_rows(url: str, sql: str):
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        return db.execute(sql).fetchall()


# Each process sets Django up, says it is ready, then waits for the others: the four imports
# start together instead of one after the other as their start-up times would have it.
CONCURRENT_IMPORT = """
import pathlib, sys, time
import django
django.setup()
from django.core.management import execute_from_command_line
ready, go, *argv = sys.argv[1:]
pathlib.Path(ready).touch()
deadline = time.monotonic() + 120
while not pathlib.Path(go).exists() and time.monotonic() < deadline:
    time.sleep(0.005)
execute_from_command_line(["manage.py", *argv])
"""


def _registry_rows(prefix: str):
    from registry.credit_code import make_code

    firm = make_code(f"9111010{'6' if prefix == 'R' else '7'}MA01TRT0{'1' if prefix == 'R' else '2'}")
    return [
        [f"{prefix}{n}", f"{prefix}小区{n}", "并发街道", "并发社区", "商品房", "100", "5000", "2000",
         f"{prefix}物业有限公司", firm, "2024-01-01"]
        for n in range(15)
    ]  # fmt: skip


@pytest.fixture(scope="module")
def migrated_data_back(django_db_blocker):
    """Put the migrated data (root pages, schemes, groups…) back once this module's transactional
    tests are done: their flush empties the database, and transactional tests that come later
    without `serialized_rollback` (other modules) expect to find it."""
    yield
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contents)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("busy_timeout", ["30", "0"], ids=["waiting", "impatient"])
def test_four_concurrent_imports_end_in_success_or_a_clear_refusal(
    tmp_path, busy_timeout, migrated_data_back
):
    """Four imports at once: each one whole or refused with a message, never a traceback.

    With SQLite's busy timeout at 0 no import waits for another: the ones that find the database
    busy are refused (the refusal path, for real). PostgreSQL has no such timeout: they queue.
    """
    if busy_timeout == "0" and connection.vendor != "sqlite":
        pytest.skip("the busy timeout is SQLite's")
    made = [EstateFactory(code=f"C{n}") for n in range(30)]
    for estate in made:
        ServiceContractFactory(estate=estate)
    url = _subprocess_database_url(tmp_path)
    imports = []
    for prefix in ("R", "S"):  # two registries, each adding estates, firms and their pages
        path = tmp_path / f"registry-{prefix}.csv"
        path.write_bytes(csv_bytes(REGISTRY_HEADER, _registry_rows(prefix)))
        imports.append(["import_registry", str(path)])
    for standards in ("4", "3"):  # two score files for the same month
        path = tmp_path / f"scores-{standards}.csv"
        rows = [[e.code, "16", "12", "8", "8", "9", standards, "", ""] for e in made]
        path.write_bytes(csv_bytes(SCORE_HEADER, rows))
        imports.append(["import_scores", str(path), "--month", "2025-01"])
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "SQLITE_BUSY_TIMEOUT": busy_timeout,
    }
    go = tmp_path / "go"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", CONCURRENT_IMPORT, str(tmp_path / f"ready{n}"), str(go), *argv],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n, argv in enumerate(imports)
    ]
    try:
        for n in range(len(imports)):
            while not (tmp_path / f"ready{n}").exists() and processes[n].poll() is None:
                time.sleep(0.01)
        go.touch()
        outcomes = [(p.wait(timeout=300), *p.communicate()) for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    for code, out, err in outcomes:
        assert "Traceback" not in err, err
        if code == 0:
            assert "导入完成" in out, out
        else:
            assert "数据库正忙" in err and "未写入任何数据" in err, err
    done = [code == 0 for code, _, _ in outcomes]
    assert all(done) if busy_timeout != "0" else any(done)  # given time, every import waits its turn

    # All or nothing for each file, whatever the others did.
    def query(sql):
        if connection.vendor == "sqlite":
            return _sqlite_rows(url, sql)
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    for prefix, imported in zip(("R", "S"), done[:2], strict=True):
        estates = query(f"SELECT COUNT(*) FROM ratings_estate WHERE code LIKE '{prefix}%'")[0][0]
        pages = query(
            "SELECT COUNT(*) FROM portal_estatepage p JOIN ratings_estate e ON e.id = p.estate_id"
            f" WHERE e.code LIKE '{prefix}%'"
        )[0][0]
        assert (estates, pages) == ((15, 15) if imported else (0, 0)), (prefix, estates, pages)
    scores = query("SELECT scores FROM ratings_monthlyscore WHERE month = '2025-01'")
    if any(done[2:]):
        standards = {
            json.loads(row[0])["standards"] if isinstance(row[0], str) else row[0]["standards"]
            for row in scores
        }
        assert len(scores) == 30 and len(standards) == 1, standards  # one file's values, never a mix
    else:
        assert scores == []


# --- 13. thousands of bad rows ----------------------------------------------------------------


def many_bad_score_rows(count: int):
    return [[f"X{n}", "16", "12", "8", "8", "9", "4", "", ""] for n in range(count)]


def test_the_command_lists_the_first_bad_rows_and_counts_the_rest(estates, write_file):
    path = write_file("bad.csv", csv_bytes(SCORE_HEADER, many_bad_score_rows(2000)))
    message, err = refused("import_scores", path, "--month", "2025-01")
    listed = [line for line in err.splitlines() if line.startswith("row ")]
    assert len(listed) == 200 and listed[0].startswith("row 2: ") and listed[-1].startswith("row 201: ")
    assert "另有 1800 行错误未列出" in err
    assert "2000 行有错误" in message
    assert nothing_imported()


def test_the_cap_on_listed_rows_is_a_setting(estates, write_file, settings):
    settings.PORTAL_IMPORT_MAX_ERRORS_SHOWN = 3
    rows = many_bad_score_rows(5)
    rows[0][1] = "99"  # two reasons on one row: still one row
    _, err = refused(
        "import_scores", write_file("bad.csv", csv_bytes(SCORE_HEADER, rows)), "--month", "2025-01"
    )
    assert [line.split(":")[0] for line in err.splitlines() if line.startswith("row ")] == [
        "row 2",
        "row 2",
        "row 3",
        "row 4",
    ]
    assert "另有 2 行错误未列出" in err


def test_the_admin_page_lists_the_first_bad_rows_and_counts_the_rest(estates, editor):
    response = upload(signed_in(editor), csv_bytes(SCORE_HEADER, many_bad_score_rows(2000)))
    page = text(response)
    assert response.status_code == 200
    assert page.count("不在登记册中") == 200
    assert "第 201 行：" in page and "第 202 行：" not in page
    assert "另有 1800 行错误未列出" in page
    assert len(response.content) < 200_000
    assert not ImportBatch.objects.exists() and nothing_imported()


def test_a_refused_confirmation_message_is_capped_too(estates, editor, monkeypatch, settings):
    client = signed_in(editor)
    upload(client, csv_bytes(SCORE_HEADER, score_rows()))
    batch = ImportBatch.objects.get()
    for estate in estates:  # the file's rows no longer match the registry
        Estate.objects.filter(pk=estate.pk).update(code=f"GONE{estate.pk}")
    settings.PORTAL_IMPORT_MAX_ERRORS_SHOWN = 1
    response = client.post(reverse("ratings_imports:apply", args=[batch.pk]), follow=True)
    page = text(response)
    assert "第 2 行" in page and "第 3 行" not in page and "另有 2 行错误未列出" in page


# --- 15. control characters in text cells -----------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "label"),
    [
        (1, "枫林\x07雅园", "小区名称（estate_name）"),
        (1, "枫林\u202e园雅", "小区名称（estate_name）"),
        (2, "示例\u200b街道", "街道（street）"),
        (3, "枫林\x1b[31m社区", "社区（community）"),
        (8, "甲物业\u2066有限公司", "企业名称（firm_name）"),
    ],
)
def test_control_characters_in_registry_names_are_refused(write_file, column, value, label):
    rows = good_rows()
    rows[1][column] = value
    _, err = refused("import_registry", write_file("r.csv", csv_bytes(REGISTRY_HEADER, rows)))
    assert f"row 3: {label}含有不可见的控制字符" in err, err
    assert "row 2" not in err and "row 4" not in err
    assert_nothing_written()
    assert not Firm.objects.exists()


def test_control_characters_in_an_xlsx_name_are_refused(write_file):
    rows = good_rows()
    rows[0][1] = "\u202e园雅林枫"
    _, err = refused("import_registry", write_file("r.xlsx", xlsx_bytes(REGISTRY_HEADER, rows)))
    assert "row 2: 小区名称（estate_name）含有不可见的控制字符（U+202E）" in err
    assert_nothing_written()


def test_control_characters_in_a_veto_reason_are_refused(estates, write_file):
    rows = score_rows()
    rows[2][8] = "发生\u202e故事全安"
    _, err = refused(
        "import_scores", write_file("s.csv", csv_bytes(SCORE_HEADER, rows)), "--month", "2025-01"
    )
    assert "row 4: 否决原因（veto_reason）含有不可见的控制字符（U+202E）" in err
    assert nothing_imported()


def test_ordinary_whitespace_in_names_is_tidied_not_refused(write_file):
    rows = good_rows()
    rows[0][1] = " 枫林\t雅园\n"
    run("import_registry", write_file("r.csv", csv_bytes(REGISTRY_HEADER, rows)))
    assert Estate.objects.get(code="E001").name == "枫林 雅园"
