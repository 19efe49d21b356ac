"""The import preview shows what will be written (SPEC §9): each row's estate by name and code, its
values (old → new for a change), counts of new, changed and unchanged rows, a page at a time for
long files; and the blank template files the importer accepts, in CSV and XLSX."""

import csv
import io
import re

import openpyxl
import pytest

from django.db import reset_queries
from django.urls import reverse
from django.utils import timezone

from portal.roles import roles_ensure
from ratings.models import HotlineMonth, ImportBatch, MonthlyScore
from registry.credit_code import make_code
from registry.models import Estate
from tests.factories import EstateFactory, ServiceContractFactory
from tests.helpers import csv_bytes
from tests.ratings.helpers import HOTLINE_HEADER, SCORE_HEADER, signed_in, text, text_of, upload, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles():
    return roles_ensure()


@pytest.fixture
def editor(roles):
    return user("editor", roles["editors"])


def estates_with_contracts(count, prefix="A"):
    made = [EstateFactory(code=f"{prefix}{i}", name=f"预览家园{prefix}{i}") for i in range(1, count + 1)]
    for estate in made:
        ServiceContractFactory(estate=estate)
    return made


def score_row(code, owner="18.5", veto="", reason=""):
    return [code, owner, "14", "9.5", "10", "10", "5", veto, reason]


def stored_scores(estate, owner="17.0"):
    MonthlyScore.objects.create(
        estate=estate,
        firm=estate.contracts.get().firm,
        month="2025-01",
        scores={"owner": owner, "environment": "14.0", "civility": "9.5", "sanitation": "10.0",
                "safety": "10.0", "standards": "5.0"},
        imported_at=timezone.now(),
    )  # fmt: skip


def preview_text(client, data, **kwargs) -> str:
    return text_of(text(upload(client, data, **kwargs)))


def test_the_preview_shows_each_estate_by_name_with_old_and_new_values(editor):
    a1, a2, a3 = estates_with_contracts(3)
    stored_scores(a1, owner="17.0")  # will change: 17.0 → 18.5
    stored_scores(a2, owner="18.5")  # the same as the file
    rows = [score_row("A1"), score_row("A2"), score_row("A3", owner="12", veto="1", reason="消防通道堵塞")]
    page = preview_text(signed_in(editor), csv_bytes(SCORE_HEADER, rows))
    assert "文件共 3 行： 新增 1 行 ， 更新 1 行 ，1 行与现有数据相同" in page
    assert "预览家园A1 A1 更新" in page and "原值 17.0 → 新值 18.5" in page
    assert "预览家园A3 A3 新增 12.0 14.0 9.5 10.0 10.0 5.0 是 消防通道堵塞" in page
    assert "预览家园A2" not in page  # unchanged rows are counted, not listed
    for criterion in (
        "业主评价",
        "环境建设",
        "创城",
        "创卫",
        "安全生产",
        "规范化建设",
        "一票否决",
        "否决原因",
    ):
        assert criterion in page
    assert MonthlyScore.objects.get(estate=a1).scores["owner"] == "17.0"  # nothing written yet


def test_the_hotline_preview_shows_the_five_figures(editor):
    (a1,) = estates_with_contracts(1)
    HotlineMonth.objects.create(
        estate=a1, month="2025-01", received=10, responded=10, resolved=8, surveyed=8, satisfied=7,
        imported_at=timezone.now(),
    )  # fmt: skip
    rows = [["A1", "12", "12", "11", "10", "9"]]
    page = preview_text(signed_in(editor), csv_bytes(HOTLINE_HEADER, rows), kind="hotline")
    assert "受理数 响应数 解决数 回访数 满意数" in page
    assert "原值 10 → 新值 12" in page and "原值 8 → 新值 11" in page and "原值 7 → 新值 9" in page


def test_the_registry_preview_shows_the_fields_and_a_changed_firm(editor):
    estate = EstateFactory(code="R1", name="旧名家园", households=500)
    ServiceContractFactory(estate=estate, firm__name="原物业有限公司")
    header = ["estate_code", "estate_name", "street", "community", "group", "households", "floor_area",
              "build_year", "firm_name", "firm_credit_code", "contract_start"]  # fmt: skip
    row = ["R1", "新名家园", estate.street.name, estate.community.name, estate.group.name, "600", "40000",
           "2005", "新物业服务有限公司", make_code("91110000QRTX77777"), "2025-06-01"]  # fmt: skip
    page = preview_text(signed_in(editor), csv_bytes(header, [row]), kind="registry", month="")
    assert "原值 旧名家园 → 新值 新名家园" in page and "原值 500 → 新值 600" in page
    assert "原值 原物业有限公司 → 新值 新物业服务有限公司" in page
    assert Estate.objects.get(code="R1").name == "旧名家园"


def test_a_contract_history_preview_shows_each_contract_with_its_estate(editor):
    import datetime as dt

    estate = EstateFactory(code="H1", name="历史家园")
    contract = ServiceContractFactory(estate=estate, firm__name="甲物业有限公司", start=dt.date(2020, 1, 1))
    header = ["estate_code", "firm_credit_code", "contract_start", "contract_end", "note"]
    rows = [["H1", contract.firm.credit_code, "2020-01-01", "2024-12-31", "合同期满"]]
    page = preview_text(signed_in(editor), csv_bytes(header, rows), kind="registry", month="")
    assert "历史家园 H1 更新 甲物业有限公司 2020-01-01 原值 （空） → 新值 2024-12-31" in page
    contract.refresh_from_db()
    assert contract.end is None


def test_a_long_preview_is_shown_a_page_at_a_time_and_confirms_every_row(editor, monkeypatch):
    monkeypatch.setattr("ratings.admin.imports.PREVIEW_ROWS_PER_PAGE", 2)
    estates_with_contracts(5)
    client = signed_in(editor)
    rows = [score_row(f"A{i}") for i in range(1, 6)]
    first = preview_text(client, csv_bytes(SCORE_HEADER, rows))
    assert "每页列出 2 行" in first and "确认导入会写入全部 5 行" in first
    assert "预览家园A1" in first and "预览家园A3" not in first
    batch = ImportBatch.objects.get()
    third = text_of(text(client.get(reverse("ratings_imports:batch", args=[batch.pk]), {"p": 3})))
    assert "预览家园A5" in third and "预览家园A1" not in third
    client.post(reverse("ratings_imports:apply", args=[batch.pk]))
    assert MonthlyScore.objects.filter(month="2025-01").count() == 5


def test_the_preview_reads_a_fixed_number_of_queries_whatever_the_rows(editor, django_assert_max_num_queries):
    client = signed_in(editor)

    def batch_page_for(count, prefix):
        made = estates_with_contracts(count, prefix)
        for estate in made[: count // 2]:
            stored_scores(estate)
        upload(client, csv_bytes(SCORE_HEADER, [score_row(e.code) for e in made]), follow=False)
        return reverse("ratings_imports:batch", args=[ImportBatch.objects.latest("pk").pk])

    small = batch_page_for(4, "S")
    client.get(small)
    reset_queries()  # the query log holds 9,000 entries: a full log would count nothing
    with django_assert_max_num_queries(60) as few:
        assert client.get(small).status_code == 200
    small_count = len(few.captured_queries)  # now: the log is a window that later queries move
    large = batch_page_for(40, "L")  # within one batch of audit entries (SQLite: 90 a statement)
    client.get(large)
    reset_queries()
    with django_assert_max_num_queries(small_count):
        assert client.get(large).status_code == 200


# --- templates --------------------------------------------------------------------------------


def download(client, kind, fmt, month="2025-01"):
    response = client.get(reverse("ratings_imports:template", args=[kind, fmt]), {"month": month})
    assert response.status_code == 200
    return b"".join(response.streaming_content), response


def template_header(data: bytes, fmt: str) -> list[str]:
    if fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the UTF-8 with its BOM
        return next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [cell.value for cell in next(sheet.iter_rows(max_row=1))]


def fill(data: bytes, fmt: str, row: list[str]) -> bytes:
    """The template as an editor fills it in: one row under the header."""
    if fmt == "csv":
        return data + (",".join(row) + "\r\n").encode("utf-8")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXPECTED_COLUMNS = {
    "scores": SCORE_HEADER,
    "hotline": HOTLINE_HEADER,
    "registry": ["estate_code", "estate_name", "street", "community", "group", "households", "floor_area",
                 "build_year", "firm_name", "firm_credit_code", "contract_start"],
}  # fmt: skip


def good_row(kind, estate):
    if kind == "scores":
        return score_row(estate.code)
    if kind == "hotline":
        return [estate.code, "12", "12", "11", "10", "9"]
    return ["N7", "新建家园", estate.street.name, estate.community.name, estate.group.name, "300", "20000.5",
            "2010", "新物业服务有限公司", make_code("91110000QRTX99999"), "2024-01-01"]  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["scores", "hotline", "registry"])
def test_each_template_has_exactly_the_importers_columns_and_imports_once_filled(editor, kind, fmt):
    (estate,) = estates_with_contracts(1)
    client = signed_in(editor)
    data, response = download(client, kind, fmt)
    assert "attachment" in response["Content-Disposition"] and f".{fmt}" in response["Content-Disposition"]
    assert template_header(data, fmt) == EXPECTED_COLUMNS[kind]
    filled = fill(data, fmt, good_row(kind, estate))
    page = text(upload(client, filled, kind=kind, month="" if kind == "registry" else "2025-01",
                       name=f"filled.{fmt}"))  # fmt: skip
    assert "导入被拒绝" not in page and "新增 1 行" in page
    client.post(reverse("ratings_imports:apply", args=[ImportBatch.objects.get().pk]))
    assert ImportBatch.objects.get().applied_at is not None
    if kind == "registry":
        assert Estate.objects.filter(code="N7", name="新建家园").exists()
    else:
        model = MonthlyScore if kind == "scores" else HotlineMonth
        assert model.objects.filter(estate=estate, month="2025-01").exists()


def test_the_scores_template_follows_the_months_scheme(editor):
    from ratings.models import Scheme, SchemeCriterion

    scheme = Scheme.objects.for_quarter("2025Q1")
    SchemeCriterion.objects.filter(scheme=scheme, code="standards").update(code="norms")
    data, _ = download(signed_in(editor), "scores", "csv")
    assert "norms" in template_header(data, "csv") and "standards" not in template_header(data, "csv")


def test_the_form_links_the_templates_and_a_month_without_a_scheme_is_refused(editor):
    client = signed_in(editor)
    page = text(client.get(reverse("ratings_imports:form"), {"kind": "hotline", "month": "2025-02"}))
    assert reverse("ratings_imports:template", args=["scores", "xlsx"]) + "?month=2025-02" in page
    assert reverse("ratings_imports:template", args=["registry", "csv"]) in page
    assert 'value="2025-02"' in page and re.search(r'value="hotline"[^>]*checked', page)
    response = client.get(reverse("ratings_imports:template", args=["scores", "csv"]), {"month": "1999-01"})
    assert response.status_code == 302
    assert client.get(reverse("ratings_imports:template", args=["other", "csv"])).status_code == 404


@pytest.mark.parametrize("role", ["committee", "firms"])
def test_only_editors_download_templates(roles, role):
    client = signed_in(user("someone", roles[role]))
    response = client.get(reverse("ratings_imports:template", args=["scores", "csv"]))
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
