"""Helpers the registry tests share: the registry import file (also used by the import-contract
tests of tests/core) and what the import writes."""

from wagtail.models import ModelLogEntry

from registry.credit_code import make_code
from registry.models import Community, Estate, EstatePage, Firm, FirmPage, ServiceContract, Street

HEADER = [
    "estate_code", "estate_name", "street", "community", "group", "households", "floor_area",
    "build_year", "firm_name", "firm_credit_code", "contract_start",
]  # fmt: skip
FIRM_A = make_code("91110106MA01TRT01")
FIRM_B = make_code("91110106MA01TRT02")


def good_rows():
    return [
        ["E001", "枫林雅园", "示例街道", "枫林社区", "商品房", "1200", "98000.50", "2008", "甲物业有限公司", FIRM_A, "2021-01-01"],
        ["E002", "柳荫小区", "示例街道", "柳荫社区", "老旧小区", "800", "41000", "1985", "乙物业有限公司", FIRM_B, "2021-01-01"],
        ["E003", "松涛苑", "示例街道", "枫林社区", "保障房", "640", "52000", "", "甲物业有限公司", FIRM_A, "2022-03-01"],
    ]  # fmt: skip


def snapshot():
    return {
        "estates": sorted(Estate.objects.values_list("code", "name", "households", "floor_area", "build_year", "group__name", "community__name")),
        "firms": sorted(Firm.objects.values_list("credit_code", "name")),
        "contracts": sorted(ServiceContract.objects.values_list("estate__code", "firm__credit_code", "start", "end")),
        "pages": sorted(EstatePage.objects.values_list("slug", "title")) + sorted(FirmPage.objects.values_list("slug", "title")),
    }  # fmt: skip


def assert_nothing_written():
    assert not Estate.objects.exists()
    assert not Firm.objects.exists()
    assert not Street.objects.exists()
    assert not Community.objects.exists()
    assert not ServiceContract.objects.exists()
    assert not EstatePage.objects.exists()
    assert not ModelLogEntry.objects.exists()
