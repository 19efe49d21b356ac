"""import_scores / import_hotline (SPEC §9): every bad-row kind named, nothing written, idempotent."""

import io
from decimal import Decimal

import pytest

from django.core.management import CommandError, call_command

from wagtail.models import ModelLogEntry

from ratings.models import HotlineMonth, MonthlyScore
from tests.helpers import csv_bytes, xlsx_bytes
from tests.ratings.helpers import HOTLINE_HEADER, SCORE_HEADER, hotline_rows, score_rows

pytestmark = pytest.mark.django_db


def run(command, path, month="2025-01", *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(command, path, "--month", month, *args, stdout=out, stderr=err)
    return out.getvalue()


def refused(command, path, month="2025-01"):
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command(command, path, "--month", month, stdout=io.StringIO(), stderr=err)
    return str(info.value), err.getvalue()


def test_scores_are_stored_with_the_firm_of_the_month(estates, write_file):
    run("import_scores", write_file("s.csv", csv_bytes(SCORE_HEADER, score_rows())))
    stored = MonthlyScore.objects.get(estate__code="A1", month="2025-01")
    assert stored.scores == {
        "owner": "18.5",
        "environment": "14.0",
        "civility": "9.5",
        "sanitation": "10.0",
        "safety": "10.0",
        "standards": "5.0",
    }
    assert stored.firm == estates[0].contracts.get().firm
    vetoed = MonthlyScore.objects.get(estate__code="A3")
    assert vetoed.veto and vetoed.veto_reason == "发生重大安全事故"
    assert (
        ModelLogEntry.objects.filter(action="wagtail.create", content_type__model="monthlyscore").count() == 3
    )


def test_xlsx_and_csv_scores_give_the_same_values(estates, write_file):
    run("import_scores", write_file("s.xlsx", xlsx_bytes(SCORE_HEADER, score_rows())))
    from_xlsx = sorted(MonthlyScore.objects.values_list("estate__code", "scores", "veto", "veto_reason"))
    MonthlyScore.objects.all().delete()
    run("import_scores", write_file("s.csv", csv_bytes(SCORE_HEADER, score_rows())))
    assert (
        sorted(MonthlyScore.objects.values_list("estate__code", "scores", "veto", "veto_reason")) == from_xlsx
    )


def test_reimporting_scores_changes_nothing_and_a_change_is_logged_old_to_new(estates, write_file):
    path = write_file("s.csv", csv_bytes(SCORE_HEADER, score_rows()))
    run("import_scores", path)
    logs = ModelLogEntry.objects.count()
    out = run("import_scores", path)
    assert "3 项无变化" in out and ModelLogEntry.objects.count() == logs
    rows = score_rows()
    rows[0][1] = "17.0"
    run("import_scores", write_file("s2.csv", csv_bytes(SCORE_HEADER, rows)))
    entry = ModelLogEntry.objects.filter(action="wagtail.edit").get()
    old, new = entry.data["changes"]["scores"]
    assert (old["owner"], new["owner"]) == ("18.5", "17.0")


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["A2", "20.1", "12", "8", "8", "9", "4", "", ""], "不能大于 20"),
        (["A2", "-1", "12", "8", "8", "9", "4", "", ""], "不能小于 0"),
        (["A2", "16", "12", "8", "8", "9", "5.5", "", ""], "不能大于 5"),
        (["A2", "16.25", "12", "8", "8", "9", "4", "", ""], "最多保留 1 位小数"),
        (["A2", "好", "12", "8", "8", "9", "4", "", ""], "应为数字"),
        (["A2", "", "12", "8", "8", "9", "4", "", ""], "不能为空"),
        (["ZZ9", "16", "12", "8", "8", "9", "4", "", ""], "小区编码 ZZ9 不在登记册中"),
        (["A1", "16", "12", "8", "8", "9", "4", "", ""], "在第 2 行已出现"),
        (["A2", "16", "12", "8", "8", "9", "4", "1", ""], "必须填写否决原因"),
        (["A2", "16", "12", "8", "8", "9", "4", "是", "x"], "veto 只能为空、0 或 1"),
    ],
)
def test_each_bad_score_row_is_named_and_nothing_is_written(estates, write_file, row, reason):
    rows = score_rows()
    rows[1] = row
    message, err = refused("import_scores", write_file("bad.csv", csv_bytes(SCORE_HEADER, rows)))
    assert "row 3: " in err and reason in err, err
    assert "未写入任何数据" in message
    assert not MonthlyScore.objects.exists()
    assert not ModelLogEntry.objects.exists()


def test_scores_file_with_a_missing_criterion_column_is_refused_by_name(estates, write_file):
    header = [c for c in SCORE_HEADER if c != "safety"] + ["bonus"]
    rows = [r[:5] + r[6:] + ["1"] for r in score_rows()]
    message, _ = refused("import_scores", write_file("bad.csv", csv_bytes(header, rows)))
    assert "未知的列：bonus" in message and "缺少必需的列：safety" in message


def test_gbk_scores_file_is_refused_naming_the_encoding(estates, write_file):
    message, _ = refused(
        "import_scores", write_file("gbk.csv", csv_bytes(SCORE_HEADER, score_rows(), encoding="gbk"))
    )
    assert "GBK" in message


def test_a_bad_month_argument_is_refused(estates, write_file):
    path = write_file("s.csv", csv_bytes(SCORE_HEADER, score_rows()))
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("import_scores", path, "--month", "2025-13", stdout=io.StringIO())


def test_hotline_figures_are_stored_and_reimport_changes_nothing(estates, write_file):
    path = write_file("h.csv", csv_bytes(HOTLINE_HEADER, hotline_rows()))
    run("import_hotline", path)
    stored = HotlineMonth.objects.get(estate__code="A3")
    assert (stored.received, stored.responded, stored.resolved, stored.surveyed, stored.satisfied) == (
        30,
        28,
        20,
        20,
        12,
    )
    assert "3 项无变化" in run("import_hotline", path)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["A2", "10", "11", "5", "5", "5"], "响应数"),
        (["A2", "10", "10", "11", "5", "5"], "解决数"),
        (["A2", "10", "10", "10", "11", "5"], "回访数"),
        (["A2", "10", "10", "10", "5", "6"], "满意数"),
        (["A2", "10", "10", "10", "5", "-1"], "不能小于 0"),
        (["A2", "10.5", "10", "10", "5", "5"], "应为整数"),
        (["A2", "十", "10", "10", "5", "5"], "应为整数"),
        (["NOPE", "1", "1", "1", "1", "1"], "不在登记册中"),
        (["A1", "1", "1", "1", "1", "1"], "在第 2 行已出现"),
    ],
)
def test_each_bad_hotline_row_is_named_and_nothing_is_written(estates, write_file, row, reason):
    rows = hotline_rows()
    rows[1] = row
    _, err = refused("import_hotline", write_file("bad.csv", csv_bytes(HOTLINE_HEADER, rows)))
    assert "row 3: " in err and reason in err, err
    assert not HotlineMonth.objects.exists()


def test_dry_run_of_scores_writes_nothing(estates, write_file):
    out = run(
        "import_scores", write_file("s.csv", csv_bytes(SCORE_HEADER, score_rows())), "2025-01", "--dry-run"
    )
    assert "预览（未写入）" in out and "将新增 3 项" in out
    assert not MonthlyScore.objects.exists()


def test_scores_keep_decimal_precision(estates, write_file):
    run("import_scores", write_file("s.csv", csv_bytes(SCORE_HEADER, score_rows())))
    total = sum(Decimal(v) for v in MonthlyScore.objects.get(estate__code="A1").scores.values())
    assert total == Decimal("67.0")
