"""The registry tests' own fixtures; the small `registry` with pages is in the root conftest (the portal's
shell tests use it too)."""

from datetime import date

import pytest

from registry.models import Community, Group, ServiceContract, Street
from tests.registry.helpers import add_estate, add_firm


@pytest.fixture
def many_estates(db):
    """`many_estates(n)`: n estates in one community, each with a current firm and its page."""

    def make(count: int):
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
