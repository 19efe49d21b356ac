"""Imports in the admin (SPEC §9): upload → preview (nothing written) → confirm, once, by its uploader."""

import io

import pytest

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from wagtail.models import ModelLogEntry

from portal.roles import firm_account_group_ensure, roles_ensure
from ratings.models import HotlineMonth, ImportBatch, MonthlyScore
from registry.models import Estate
from tests.factories import EstateFactory, FirmFactory, ServiceContractFactory
from tests.helpers import csv_bytes, xlsx_bytes
from tests.ratings.helpers import HOTLINE_HEADER, SCORE_HEADER, signed_in, text, upload, user

pytestmark = pytest.mark.django_db

GOOD_SCORES = [
    ["A1", "18.5", "14", "9.5", "10", "10", "5", "", ""],
    ["A2", "16.0", "12.5", "8", "8.5", "9", "4.5", "1", "发生安全事故"],
]
FORM_URL = "ratings_imports:form"


@pytest.fixture
def roles():
    return roles_ensure()


@pytest.fixture
def estates():
    made = [EstateFactory(code=code) for code in ("A1", "A2")]
    for estate in made:
        ServiceContractFactory(estate=estate)
    return made


@pytest.fixture
def editor(roles):
    return user("editor", roles["editors"])


def apply(client, batch, **kwargs):
    return client.post(reverse("ratings_imports:apply", args=[batch.pk]), **kwargs)


# --- preview and confirmation -----------------------------------------------------------------


def test_the_preview_lists_the_changes_and_writes_nothing(estates, editor):
    response = upload(signed_in(editor), csv_bytes(SCORE_HEADER, GOOD_SCORES))
    assert response.status_code == 200
    page = text(response)
    assert "预览（尚未写入）" in page and "将新增 2 项" in page
    assert estates[0].name in page and estates[1].name in page and "新增 2 行" in page
    assert "确认导入" in page
    assert not MonthlyScore.objects.exists()
    assert not ModelLogEntry.objects.filter(content_type__model="monthlyscore").exists()
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.month, batch.applied_at, batch.uploaded_by) == (
        "scores",
        "2025-01",
        None,
        editor,
    )


def test_confirming_imports_the_previewed_file_and_records_who_and_what(estates, editor):
    client = signed_in(editor)
    upload(client, csv_bytes(SCORE_HEADER, GOOD_SCORES))
    batch = ImportBatch.objects.get()
    response = apply(client, batch)
    assert response.status_code == 302 and response["Location"] == reverse(FORM_URL)
    assert MonthlyScore.objects.filter(month="2025-01").count() == 2
    assert MonthlyScore.objects.get(estate__code="A2").veto_reason == "发生安全事故"
    batch.refresh_from_db()
    assert batch.applied_at is not None and "已新增 2 项" in batch.summary
    assert {e.user for e in ModelLogEntry.objects.filter(content_type__model="monthlyscore")} == {editor}
    assert any("已导入" in str(m) for m in get_messages(response.wsgi_request))
    # The batch page now says it was imported and offers no second confirmation.
    page = text(client.get(reverse("ratings_imports:batch", args=[batch.pk])))
    assert "已于" in page and "确认导入" not in page


def test_hotline_figures_preview_and_confirm_too(estates, editor):
    client = signed_in(editor)
    rows = [["A1", "12", "12", "11", "10", "9"], ["A2", "0", "0", "0", "0", "0"]]
    page = text(upload(client, xlsx_bytes(HOTLINE_HEADER, rows), kind="hotline", name="h.xlsx"))
    assert "将新增 2 项" in page and not HotlineMonth.objects.exists()
    apply(client, ImportBatch.objects.get())
    assert HotlineMonth.objects.filter(month="2025-01").count() == 2


def test_a_registry_file_previews_new_estates_without_creating_them(editor):
    from registry.credit_code import make_code

    header = ["estate_code", "estate_name", "street", "community", "group", "households", "floor_area",
              "build_year", "firm_name", "firm_credit_code", "contract_start"]  # fmt: skip
    row = ["N1", "新建家园", "测试街道", "新社区", "商品房", "300", "20000", "2010", "新物业服务有限公司",
           make_code("91110000QRTX99999"), "2024-01-01"]  # fmt: skip
    client = signed_in(editor)
    page = text(upload(client, csv_bytes(header, [row]), kind="registry", month=""))
    assert "新建家园" in page and "新增 1 行" in page and "新物业服务有限公司" in page
    assert not Estate.objects.filter(code="N1").exists()
    apply(client, ImportBatch.objects.get())
    assert Estate.objects.filter(code="N1").exists()


def test_a_registry_row_with_a_bad_credit_code_is_named(editor):
    header = ["estate_code", "estate_name", "street", "community", "group", "households", "floor_area",
              "build_year", "firm_name", "firm_credit_code", "contract_start"]  # fmt: skip
    row = ["N1", "新建家园", "测试街道", "新社区", "商品房", "300", "20000", "2010", "新物业服务有限公司",
           "911100000000000000", "2024-01-01"]  # fmt: skip
    page = text(upload(signed_in(editor), csv_bytes(header, [row]), kind="registry", month=""))
    assert "第 2 行：" in page and not Estate.objects.filter(code="N1").exists()


# --- refusals ---------------------------------------------------------------------------------


def test_a_bad_file_re_renders_the_form_naming_every_bad_row(estates, editor):
    rows = [
        ["A1", "18.5", "14", "9.5", "10", "10", "5", "", ""],
        ["NOPE", "18.5", "14", "9.5", "10", "10", "5", "", ""],
        ["A2", "25", "14", "9.5", "10", "10", "5", "", ""],
        ["A1", "18.5", "14", "9.5", "10", "10", "5", "1", ""],
    ]
    response = upload(signed_in(editor), csv_bytes(SCORE_HEADER, rows))
    page = text(response)
    assert response.status_code == 200 and 'name="file"' in page  # the form again
    assert "导入被拒绝，未写入任何数据" in page
    assert "第 3 行：小区编码 NOPE 不在登记册中" in page
    assert "第 4 行：业主评价（owner）不能大于 20" in page
    assert "第 5 行：" in page and "第 2 行：" not in page
    assert not ImportBatch.objects.exists() and not MonthlyScore.objects.exists()


def test_a_gbk_file_is_refused_with_a_message_naming_gbk(estates, editor):
    rows = [["A1", "18.5", "14", "9.5", "10", "10", "5", "1", "消防通道堵塞"]]
    page = text(upload(signed_in(editor), csv_bytes(SCORE_HEADER, rows, encoding="gbk")))
    assert "GBK" in page and "UTF-8" in page
    assert not ImportBatch.objects.exists() and not MonthlyScore.objects.exists()


def test_an_xlsx_that_is_really_a_png_is_refused_by_its_content(estates, editor):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
    page = text(upload(signed_in(editor), png, name="scores.xlsx"))
    assert "内容不是 Excel 工作簿" in page
    assert not ImportBatch.objects.exists()


def test_unknown_columns_are_refused_by_name(estates, editor):
    page = text(upload(signed_in(editor), csv_bytes([*SCORE_HEADER, "bonus"], [[*GOOD_SCORES[0], "1"]])))
    assert "未知的列：bonus" in page and not ImportBatch.objects.exists()


def test_a_file_over_the_size_cap_is_refused(estates, editor, settings):
    settings.PORTAL_IMPORT_MAX_BYTES = 100
    page = text(upload(signed_in(editor), csv_bytes(SCORE_HEADER, GOOD_SCORES * 3)))
    assert "文件过大" in page and not ImportBatch.objects.exists()


@pytest.mark.parametrize("month", ["", "2025-13", "202501"])
def test_scores_need_a_month_written_yyyy_mm(estates, editor, month):
    response = upload(signed_in(editor), csv_bytes(SCORE_HEADER, GOOD_SCORES), month=month)
    assert response.status_code == 200 and "月份" in text(response)
    assert not ImportBatch.objects.exists()


# --- who may import ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["committee", "firm"])
def test_only_editors_may_import(estates, roles, role):
    if role == "firm":
        account = user("firm1", roles["firms"], firm_account_group_ensure(firm=FirmFactory()))
    else:
        account = user("committee", roles["committee"])
    client = signed_in(account)
    for response in (
        client.get(reverse(FORM_URL)),
        upload(client, csv_bytes(SCORE_HEADER, GOOD_SCORES), follow=False),
    ):
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert not ImportBatch.objects.exists() and not MonthlyScore.objects.exists()
    # With an XHR header Wagtail answers a plain 403 instead of redirecting.
    assert client.get(reverse(FORM_URL), headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403


def test_a_batch_is_applied_only_once(estates, editor):
    client = signed_in(editor)
    upload(client, csv_bytes(SCORE_HEADER, GOOD_SCORES))
    batch = ImportBatch.objects.get()
    apply(client, batch)
    MonthlyScore.objects.filter(estate__code="A1").update(scores={"owner": "1.0"})  # changed since
    logs = ModelLogEntry.objects.count()
    response = apply(client, batch, follow=True)
    assert "已经导入过，不能重复导入" in text(response)
    assert MonthlyScore.objects.get(estate__code="A1").scores == {"owner": "1.0"}
    assert ModelLogEntry.objects.count() == logs


def test_another_editor_can_neither_see_nor_apply_my_batch_but_a_superuser_can(estates, editor, roles):
    upload(signed_in(editor), csv_bytes(SCORE_HEADER, GOOD_SCORES))
    batch = ImportBatch.objects.get()
    other = signed_in(user("editor2", roles["editors"]))
    for response in (other.get(reverse("ratings_imports:batch", args=[batch.pk])), apply(other, batch)):
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert not MonthlyScore.objects.exists()
    admin = signed_in(user("admin", superuser=True))
    assert apply(admin, batch).status_code == 302
    assert MonthlyScore.objects.count() == 2


def test_confirmation_needs_the_csrf_token(estates, editor):
    upload(signed_in(editor), csv_bytes(SCORE_HEADER, GOOD_SCORES))
    batch = ImportBatch.objects.get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert apply(client, batch).status_code == 403
    assert not MonthlyScore.objects.exists()


def test_reimporting_the_same_file_changes_nothing(estates, editor):
    client = signed_in(editor)
    data = csv_bytes(SCORE_HEADER, GOOD_SCORES)
    upload(client, data)
    apply(client, ImportBatch.objects.latest("pk"))
    page = text(upload(client, data))
    assert "2 项无变化" in page and "导入不会改变任何数据" in page


def test_the_upload_form_lists_my_recent_batches(estates, editor):
    client = signed_in(editor)
    upload(client, csv_bytes(SCORE_HEADER, GOOD_SCORES), name="一月得分.csv")
    page = text(client.get(reverse(FORM_URL)))
    assert "一月得分.csv" in page and "未确认" in page


def test_the_stored_batch_is_exactly_the_uploaded_bytes(estates, editor):
    import hashlib

    data = csv_bytes(SCORE_HEADER, GOOD_SCORES, bom=True)
    upload(signed_in(editor), data)
    batch = ImportBatch.objects.get()
    assert bytes(batch.data) == data and batch.sha256 == hashlib.sha256(data).hexdigest()
    assert io.BytesIO(bytes(batch.data)).read(3) == b"\xef\xbb\xbf"
