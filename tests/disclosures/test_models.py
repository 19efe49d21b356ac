"""The content of a disclosure is checked (SPEC §5): revenue statements add up to the fen, phone
numbers are phone numbers (stored in one form, dialled by `tel:` links), one property fee per
estate and per ㎡·月."""

import datetime as dt
from decimal import Decimal

import pytest

from django.core.exceptions import ValidationError

from disclosures.models import FeeItem, RevenueStatement
from disclosures.phones import phone_normalize, tel_href
from tests.disclosures.helpers import edit_form, edit_url, statement


def make_statement(**fields):
    values = {
        "period_start": dt.date(2025, 1, 1),
        "period_end": dt.date(2025, 6, 30),
        "income_advertising": Decimal("12000.00"),
        "income_parking": Decimal("30000.50"),
        "income_venue": Decimal("0"),
        "income_other": Decimal("0"),
        "expenditures": [("expenditure", {"item": "绿化补植", "amount": Decimal("8000.00")})],
        "stated_balance": Decimal("34000.50"),
    }
    values.update(fields)
    return RevenueStatement(**values)


def test_a_balanced_statement_passes():
    s = make_statement()
    s.clean()
    assert s.income_total == Decimal("42000.50") and s.expenditure_total == Decimal("8000.00")


def test_an_unbalanced_statement_is_refused_with_the_difference_named():
    with pytest.raises(ValidationError) as caught:
        make_statement(stated_balance=Decimal("35000.00")).clean()
    message = caught.value.messages[0]
    assert message == (
        "收支不平：收入合计 42,000.50 元，支出合计 8,000.00 元，"
        "结余应为 34,000.50 元，填写为 35,000.00 元，相差 999.50 元。"
    )


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValidationError):
        make_statement(period_end=dt.date(2024, 12, 31)).clean()


def test_the_admin_refuses_an_unbalanced_statement_and_saves_nothing(world, client):
    client.force_login(world.user_a)
    before = world.page_a.latest_revision_id
    response = client.post(edit_url(world.page_a), edit_form(statements=[statement(balance="1.00")]))
    assert response.status_code == 200
    assert "收支不平" in response.content.decode() and "相差 -33,999.00 元" in response.content.decode()
    world.page_a.refresh_from_db()
    assert world.page_a.latest_revision_id == before


def test_only_one_fee_is_the_property_fee(world, client):
    from wagtail.test.utils.form_data import inline_formset

    fee = {
        "name": "物业服务费",
        "price": "2.50",
        "unit": "元/㎡·月",
        "pricing_basis": "government",
        "effective_date": "2025-01-01",
        "is_property_fee": "on",
    }
    client.force_login(world.user_a)
    response = client.post(
        edit_url(world.page_a), edit_form(fee_items=inline_formset([fee, {**fee, "name": "二期"}]))
    )
    assert response.status_code == 200 and "只能有一个收费项目标记为物业服务费" in response.content.decode()


def test_the_property_fee_is_priced_per_square_metre_and_month():
    fee = FeeItem(name="物业服务费", price=Decimal("2"), unit="元/月", is_property_fee=True)
    with pytest.raises(ValidationError):
        fee.clean()


@pytest.mark.parametrize(
    ("raw", "stored", "href"),
    [
        ("13800138000", "13800138000", "tel:+8613800138000"),
        ("+86 138-0013-8000", "13800138000", "tel:+8613800138000"),
        ("１３８００１３８０００", "13800138000", "tel:+8613800138000"),
        ("010-62012345", "010-62012345", "tel:+861062012345"),
        ("（010）6201 2345", "010-62012345", "tel:+861062012345"),
        ("0755 2345678", "0755-2345678", "tel:+867552345678"),
        ("+86 10 6201 2345", "010-62012345", "tel:+861062012345"),
        ("010-62012345转801", "010-62012345转801", "tel:+861062012345;ext=801"),
        ("12345", "12345", "tel:12345"),
        ("400 812 3456", "4008123456", "tel:4008123456"),
    ],
)
def test_phone_numbers_are_stored_in_one_form_and_dialled_by_tel_links(raw, stored, href):
    assert phone_normalize(raw) == stored
    assert tel_href(stored) == href


@pytest.mark.parametrize(
    "raw",
    [
        "6201 2345",
        "1380013800",
        "138001380001",
        "12800138000",
        "010-123",
        "000-62012345",
        "电话",
        "tel:110",
        "<b>",
    ],
)
def test_what_is_not_a_phone_number_is_refused_in_chinese(raw):
    with pytest.raises(ValidationError) as caught:
        phone_normalize(raw)
    assert "请填写有效的电话号码" in caught.value.messages[0]


def test_the_admin_stores_phone_numbers_normalised(world, client):
    client.force_login(world.user_a)
    assert client.post(edit_url(world.page_a), edit_form()).status_code == 302
    world.page_a.refresh_from_db()
    draft = world.page_a.get_latest_revision_as_object()
    assert draft.hotline == "010-62012345" and draft.manager_phone == "13800138000"
    assert [c.phone for c in draft.complaint_channels.all()] == ["010-62019876"]
    response = client.post(edit_url(world.page_a), edit_form(hotline="62012345"))
    assert response.status_code == 200 and "请填写有效的电话号码" in response.content.decode()
