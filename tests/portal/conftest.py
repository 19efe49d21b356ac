"""A small registry with public pages, made with the plain ORM (invented names only)."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from django.utils import timezone

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


@pytest.fixture
def registry(db) -> Registry:
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


@pytest.fixture
def many_estates(db):
    """`many_estates(n)`: n estates in one community, each with a current firm."""

    def make(count: int) -> list[Estate]:
        street = Street.objects.create(name="南湖街道")
        community = Community.objects.create(street=street, name="南湖社区")
        group = Group.objects.get(name="商品房")
        firm = add_firm("南湖物业服务有限公司", 9)
        estates = []
        for number in range(1, count + 1):
            estate = add_estate(f"NH-{number:03d}", f"南湖{number:03d}号院", community=community, group=group)
            ServiceContract.objects.create(estate=estate, firm=firm, start=date(2020, 1, 1))
            estates.append(estate)
        return estates

    return make
