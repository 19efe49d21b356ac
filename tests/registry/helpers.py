"""Helpers the registry tests share: a small registry with public pages made with the plain ORM
(invented names only; the `registry` fixture of the root conftest), and the registry import file
(also used by the import-contract tests of tests/core) with what the import writes; and reading a
public page as an anonymous reader through the page cache (kept, or fresh after a purge)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from wagtail.models import ModelLogEntry

from core import pagecache
from registry.credit_code import make_code
from registry.models import (
    Community,
    Estate,
    EstateIndexPage,
    EstatePage,
    Firm,
    FirmIndexPage,
    FirmPage,
    Group,
    ServiceContract,
    Street,
)


def add_firm(name: str, serial: int, *, page: bool = True) -> Firm:
    firm = Firm.objects.create(
        name=name, credit_code=make_code(f"91110105MA{serial:07d}"), phone="010-6000 0000"
    )
    if page:
        FirmIndexPage.objects.get().add_child(instance=FirmPage(title=name, slug=f"firm-{serial}", firm=firm))
    return firm


def add_estate(code: str, name: str, *, community: Community, group: Group, households: int = 500) -> Estate:
    estate = Estate.objects.create(
        code=code,
        name=name,
        street=community.street,
        community=community,
        group=group,
        households=households,
        floor_area="45210.50",
        build_year=2003,
    )
    EstateIndexPage.objects.get().add_child(instance=EstatePage(title=name, slug=code.lower(), estate=estate))
    return estate


@dataclass
class Registry:
    east: Street
    west: Street
    maple: Estate  # 枫林雅园: east street, 商品房, managed by sunrise since a handover from willow
    garden: Estate  # 翠湖花园: east street, 老旧小区, managed by sunrise
    pine: Estate  # 松柏新村: west street, 房改房, managed by willow
    sunrise: Firm
    willow: Firm
    handover_day: date


def small_registry() -> Registry:
    """Two streets, three estates with their pages, two firms (one handover): see `Registry`."""
    east = Street.objects.create(name="东风街道")
    west = Street.objects.create(name="西山街道")
    east_community = Community.objects.create(street=east, name="晨光社区")
    west_community = Community.objects.create(street=west, name="松林社区")
    commercial = Group.objects.get(name="商品房")
    old = Group.objects.get(name="老旧小区")
    reform = Group.objects.get(name="房改房")

    sunrise = add_firm("晨曦物业服务有限公司", 1)
    willow = add_firm("青柳物业管理有限公司", 2)

    maple = add_estate("DF-001", "枫林雅园", community=east_community, group=commercial, households=1280)
    garden = add_estate("DF-002", "翠湖花园", community=east_community, group=old)
    pine = add_estate("XS-001", "松柏新村", community=west_community, group=reform)

    today = timezone.localdate()
    handover = today - timedelta(days=200)
    ServiceContract.objects.create(
        estate=maple, firm=willow, start=date(2018, 1, 1), end=handover - timedelta(days=1)
    )
    ServiceContract.objects.create(estate=maple, firm=sunrise, start=handover)
    ServiceContract.objects.create(estate=garden, firm=sunrise, start=date(2019, 3, 1))
    ServiceContract.objects.create(estate=pine, firm=willow, start=date(2016, 7, 1))
    return Registry(
        east=east,
        west=west,
        maple=maple,
        garden=garden,
        pine=pine,
        sunrise=sunrise,
        willow=willow,
        handover_day=handover,
    )


# --------------------------------------------------------------------------- the import file

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


# --- public pages through the page cache -----------------------------------------------------


def path_of(page) -> str:
    return pagecache.public_path(page.url_path)


def kept(client, path) -> str:
    """Read `path` until it comes from the cache; its body."""
    client.get(path)
    response = client.get(path)
    assert response["X-Page-Cache"] == "hit", path
    return response.content.decode()


def fresh(client, path) -> str:
    """Read `path`, which a purge must have retired: rendered again; its body."""
    response = client.get(path)
    assert response.status_code == 200 and response["X-Page-Cache"] == "miss", path
    return response.content.decode()
