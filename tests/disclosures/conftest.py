"""Two firms, each managing one estate with its disclosure (made by the registry's page sync),
their users, an editor and a committee member."""

from dataclasses import dataclass

import pytest

from disclosures.models import DisclosurePage
from portal.roles import firm_account_group_ensure, roles_ensure
from registry.models import Estate, Firm
from tests.factories import FirmFactory, estates_with_pages
from tests.helpers import make_user


@dataclass
class World:
    firm_a: Firm
    firm_b: Firm
    estate_a: Estate
    estate_b: Estate
    page_a: DisclosurePage
    page_b: DisclosurePage
    user_a: object
    user_b: object
    editor: object
    committee: object


@pytest.fixture
def world(db) -> World:
    roles = roles_ensure()
    firm_a, firm_b = FirmFactory(name="甲方物业服务有限公司"), FirmFactory(name="乙方物业服务有限公司")
    (estate_a,) = estates_with_pages(1, firm=firm_a)
    (estate_b,) = estates_with_pages(1, firm=firm_b)
    return World(
        firm_a=firm_a,
        firm_b=firm_b,
        estate_a=estate_a,
        estate_b=estate_b,
        page_a=DisclosurePage.objects.get(estate=estate_a),
        page_b=DisclosurePage.objects.get(estate=estate_b),
        user_a=make_user("firm_a", roles["firms"], firm_account_group_ensure(firm=firm_a)),
        user_b=make_user("firm_b", roles["firms"], firm_account_group_ensure(firm=firm_b)),
        editor=make_user("editor", roles["editors"]),
        committee=make_user("committee", roles["committee"]),
    )
