"""factory_boy factories for the registry. Pages are made through the real sync service."""

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from registry.credit_code import make_code
from registry.models import Community, Estate, Firm, Group, ServiceContract, Street


class StreetFactory(DjangoModelFactory):
    class Meta:
        model = Street
        django_get_or_create = ("name",)

    name = "测试街道"


class CommunityFactory(DjangoModelFactory):
    class Meta:
        model = Community
        django_get_or_create = ("street", "name")

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试{n}社区")


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("name",)

    name = "商品房"


class FirmFactory(DjangoModelFactory):
    class Meta:
        model = Firm

    name = factory.Sequence(lambda n: f"测试第{n}物业服务有限公司")
    credit_code = factory.Sequence(lambda n: make_code(f"91110000QRTX{n:05d}"))


class EstateFactory(DjangoModelFactory):
    class Meta:
        model = Estate

    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"测试家园{n}号院")
    community = factory.SubFactory(CommunityFactory)
    street = factory.SelfAttribute("community.street")
    group = factory.SubFactory(GroupFactory)
    households = 500
    floor_area = Decimal("40000.00")
    build_year = 2005


class ServiceContractFactory(DjangoModelFactory):
    class Meta:
        model = ServiceContract

    estate = factory.SubFactory(EstateFactory)
    firm = factory.SubFactory(FirmFactory)
    start = dt.date(2020, 1, 1)
    end = None


def estates_with_pages(count: int, *, firm=None, group=None, community=None) -> list[Estate]:
    """`count` estates, each managed by `firm` (or a new firm each), with their public pages."""
    from registry.services import directory_pages_sync

    kwargs = {k: v for k, v in {"group": group, "community": community}.items() if v is not None}
    estates = EstateFactory.create_batch(count, **kwargs)
    firms = []
    for estate in estates:
        contract = ServiceContractFactory(estate=estate, **({"firm": firm} if firm else {}))
        firms.append(contract.firm)
    directory_pages_sync(estates=estates, firms=firms)
    return estates
