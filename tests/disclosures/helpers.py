"""Helpers the disclosure tests share: the edit form of a DisclosurePage as the admin posts it."""

from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield


def statement(
    *, advertising="12000.00", parking="30000.00", spent=(("绿化补植", "8000.00"),), balance="34000.00"
):
    return {
        "period_start": "2025-01-01",
        "period_end": "2025-06-30",
        "income_advertising": advertising,
        "income_parking": parking,
        "income_venue": "0",
        "income_other": "0",
        "expenditures": streamfield(
            [("expenditure", {"item": item, "amount": amount}) for item, amount in spent]
        ),
        "stated_balance": balance,
    }


def edit_form(*, statements=None, **fields) -> dict:
    data = {
        "service_level": "二级",
        "service_standards": "公共区域每日清扫两次；电梯每月维保一次。",
        "responsibilities": streamfield([("item", "公共区域清洁"), ("item", "秩序维护")]),
        "fee_items": inline_formset(
            [
                {
                    "name": "物业服务费",
                    "price": "2.50",
                    "unit": "元/㎡·月",
                    "pricing_basis": "government",
                    "effective_date": "2025-01-01",
                    "is_property_fee": "on",
                }
            ]
        ),
        "revenue_statements": inline_formset([statement()] if statements is None else statements),
        "fund_uses": inline_formset([]),
        "project_manager": "王建国",
        "manager_phone": "138 0013 8000",
        "hotline": "（010）6201 2345",
        "complaint_channels": inline_formset([{"name": "街道物业办", "phone": "010-62019876"}]),
        "comments": inline_formset([]),
    }
    data.update(fields)
    return nested_form_data(data)


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])
