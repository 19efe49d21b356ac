"""import_registry (SPEC §9): all or nothing, every bad row named, idempotent, CSV == XLSX."""

import datetime as dt
import io
import zipfile
from contextlib import redirect_stderr

import pytest

from django.core.management import CommandError, call_command

from wagtail.models import ModelLogEntry

from registry.credit_code import make_code
from registry.models import Community, Estate, EstatePage, Firm, FirmPage, ServiceContract, Street
from tests.helpers import csv_bytes, xlsx_bytes
from tests.registry.helpers import FIRM_A, FIRM_B, HEADER, assert_nothing_written, good_rows, snapshot

pytestmark = pytest.mark.django_db


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_registry", path, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(path):
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("import_registry", path, stdout=io.StringIO(), stderr=err)
    return str(info.value), err.getvalue()


def test_a_good_file_creates_estates_firms_contracts_and_pages(write_file):
    out, _ = run(write_file("r.csv", csv_bytes(HEADER, good_rows())))
    assert Estate.objects.count() == 3
    assert Firm.objects.count() == 2
    assert Community.objects.count() == 2
    estate = Estate.objects.get(code="E001")
    assert (estate.households, str(estate.floor_area), estate.build_year) == (1200, "98000.50", 2008)
    assert Estate.objects.get(code="E003").build_year is None
    assert estate.contracts.get().firm.credit_code == FIRM_A
    page = EstatePage.objects.get(estate=estate)
    assert page.live and page.slug == "fenglinyayuan" and page.url_path.endswith("/estates/fenglinyayuan/")
    assert FirmPage.objects.count() == 2
    assert "新增 " in out and "导入完成" in out


def test_csv_with_bom_and_xlsx_give_the_same_result_as_plain_csv(write_file, django_db_blocker):
    results = []
    for name, data in [
        ("plain.csv", csv_bytes(HEADER, good_rows())),
        ("bom.csv", csv_bytes(HEADER, good_rows(), bom=True)),
        ("book.xlsx", xlsx_bytes(HEADER, good_rows())),
    ]:
        run(write_file(name, data))
        results.append(snapshot())
        for model in (ServiceContract, EstatePage, FirmPage, Estate, Firm, Community, Street):
            model.objects.all().delete()
    assert results[0] == results[1] == results[2]
    assert len(results[0]["estates"]) == 3


def test_reimporting_the_same_file_changes_nothing(write_file):
    path = write_file("r.csv", csv_bytes(HEADER, good_rows()))
    run(path)
    before, logs = snapshot(), ModelLogEntry.objects.count()
    out, _ = run(path)
    assert snapshot() == before
    assert ModelLogEntry.objects.count() == logs
    assert "新增 0 项，已更新 0 项，3 项无变化" in out


def test_a_changed_firm_closes_the_old_contract_and_opens_a_new_one(write_file):
    run(write_file("r.csv", csv_bytes(HEADER, good_rows())))
    rows = good_rows()
    rows[0][8:11] = ["乙物业有限公司", FIRM_B, "2025-08-16"]
    run(write_file("r2.csv", csv_bytes(HEADER, rows)))
    contracts = list(Estate.objects.get(code="E001").contracts.order_by("start"))
    assert [(c.firm.credit_code, c.start, c.end) for c in contracts] == [
        (FIRM_A, dt.date(2021, 1, 1), dt.date(2025, 8, 15)),
        (FIRM_B, dt.date(2025, 8, 16), None),
    ]
    run(write_file("r3.csv", csv_bytes(HEADER, rows)))  # and again: idempotent after a change
    assert Estate.objects.get(code="E001").contracts.count() == 2


def test_a_renamed_estate_keeps_its_slug_and_its_page_title_follows(write_file):
    run(write_file("r.csv", csv_bytes(HEADER, good_rows())))
    rows = good_rows()
    rows[0][1] = "枫林雅园（东区）"
    run(write_file("r2.csv", csv_bytes(HEADER, rows)))
    page = EstatePage.objects.get(estate__code="E001")
    assert (page.slug, page.title) == ("fenglinyayuan", "枫林雅园（东区）")
    entry = ModelLogEntry.objects.filter(action="wagtail.edit").get()
    assert entry.data["changes"]["name"] == ["枫林雅园", "枫林雅园（东区）"]


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        (9, make_code("91110106MA01TRT01")[:-1] + "0", "校验位"),
        (9, "1234", "18位"),
        (5, "一千二", "户数应为整数"),
        (5, "-3", "户数不能小于 0"),
        (6, "abc", "建筑面积应为数字"),
        (4, "", "分组不能为空"),
        (4, "别墅", "分组“别墅”不存在"),
        (10, "2021-13-01", "合同开始日期应为日期"),
        (7, "1800", "建成年份不能小于 1900"),
        (1, "", "小区名称不能为空"),
    ],
)
def test_each_kind_of_bad_row_is_named_and_nothing_is_written(write_file, column, value, reason):
    rows = good_rows()
    rows[1][column] = value
    message, err = refused(write_file("bad.csv", csv_bytes(HEADER, rows)))
    assert "row 3: " in err and reason in err
    assert "row 2" not in err and "row 4" not in err
    assert "未写入任何数据" in message
    assert_nothing_written()


def test_a_duplicate_estate_code_in_one_file_is_a_bad_row(write_file):
    rows = good_rows()
    rows[2][0] = "E001"
    _, err = refused(write_file("dup.csv", csv_bytes(HEADER, rows)))
    assert "row 4: 小区编码 E001 与第 2 行重复" in err
    assert_nothing_written()


def test_every_bad_row_is_reported_not_just_the_first(write_file):
    rows = good_rows()
    rows[0][5] = "x"
    rows[2][9] = "bad"
    _, err = refused(write_file("bad.csv", csv_bytes(HEADER, rows)))
    assert err.index("row 2:") < err.index("row 4:")
    assert_nothing_written()


def test_bad_rows_in_xlsx_are_numbered_like_the_spreadsheet(write_file):
    rows = good_rows()
    rows[2][5] = "很多"
    _, err = refused(write_file("bad.xlsx", xlsx_bytes(HEADER, rows)))
    assert "row 4: 户数应为整数" in err
    assert_nothing_written()


def test_a_gbk_file_is_refused_naming_the_encoding(write_file):
    message, _ = refused(write_file("gbk.csv", csv_bytes(HEADER, good_rows(), encoding="gbk")))
    assert "GBK" in message and "UTF-8" in message
    assert_nothing_written()


def test_unknown_and_missing_columns_are_refused_by_name(write_file):
    header = [c if c != "households" else "hh" for c in HEADER]
    message, _ = refused(write_file("cols.csv", csv_bytes(header, good_rows())))
    assert "未知的列：hh" in message and "缺少必需的列：households" in message
    assert_nothing_written()


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused(write_file):
    message, _ = refused(write_file("fake.xlsx", csv_bytes(HEADER, good_rows())))
    assert "内容不是 Excel 工作簿" in message


def test_a_legacy_xls_file_is_refused_with_advice(write_file):
    message, _ = refused(write_file("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600))
    assert ".xls" in message and "另存为" in message


def test_an_xlsx_whose_uncompressed_size_is_absurd_is_refused(write_file, settings):
    settings.PORTAL_XLSX_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<" + "a" * (5 * 1024 * 1024) + "/>")
    message, _ = refused(write_file("bomb.xlsx", buffer.getvalue()))
    assert "解压后过大" in message
    assert_nothing_written()


def test_dry_run_reports_changes_and_writes_nothing(write_file):
    out, _ = run(write_file("r.csv", csv_bytes(HEADER, good_rows())), "--dry-run")
    assert "预览（未写入）" in out and "将新增" in out and "新增小区 E001 枫林雅园" in out
    assert_nothing_written()


def test_a_refused_import_exits_with_a_non_zero_status(write_file):
    from django.core.management import execute_from_command_line

    rows = good_rows()
    rows[0][5] = "x"
    path = write_file("bad.csv", csv_bytes(HEADER, rows))
    with redirect_stderr(io.StringIO()) as err, pytest.raises(SystemExit) as info:
        execute_from_command_line(["manage.py", "import_registry", path])
    assert info.value.code != 0
    assert "row 2: 户数应为整数" in err.getvalue()


# --- contract history -------------------------------------------------------------------------

CONTRACT_HEADER = ["estate_code", "firm_credit_code", "contract_start", "contract_end", "note"]


def test_contract_history_rows_add_past_contracts(write_file):
    rows = good_rows()
    rows[0][10] = "2023-01-01"
    run(write_file("r.csv", csv_bytes(HEADER, rows)))
    run(
        write_file(
            "c.csv", csv_bytes(CONTRACT_HEADER, [["E001", FIRM_B, "2019-01-01", "2022-12-31", "到期"]])
        )
    )
    history = list(
        Estate.objects.get(code="E001").contracts.order_by("start").values_list("firm__credit_code", "end")
    )
    assert history == [(FIRM_B, dt.date(2022, 12, 31)), (FIRM_A, None)]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["E999", FIRM_A, "2019-01-01", "2019-12-31", ""], "小区编码 E999 不在登记册中"),
        (["E001", make_code("91110106MA01TRT09"), "2019-01-01", "", ""], "对应的企业不在登记册中"),
        (["E001", FIRM_B, "2020-06-01", "2021-06-30", ""], "期限重叠"),
        (["E001", FIRM_B, "2019-06-01", "2019-01-01", ""], "结束日期不能早于开始日期"),
    ],
)
def test_bad_contract_rows_are_named_and_nothing_is_written(write_file, row, reason):
    run(write_file("r.csv", csv_bytes(HEADER, good_rows())))
    before = snapshot()
    _, err = refused(write_file("c.csv", csv_bytes(CONTRACT_HEADER, [row])))
    assert "row 2: " in err and reason in err
    assert snapshot() == before
