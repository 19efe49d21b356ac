"""The data of the publication tests (the publication and trust modules); `people` is in
tests/ratings/conftest.py."""

import pytest

from portal.roles import firm_account_group_ensure
from ratings.models import MonthlyScore


@pytest.fixture
def quarter_data(street):
    return street


@pytest.fixture
def firm_users(quarter_data, django_user_model):
    """An account for each firm; E1–E3's months are firm A's, as the import would have stored them."""
    MonthlyScore.objects.filter(estate__code__in=["E1", "E2", "E3"]).update(firm=quarter_data["firm_a"])
    users = {}
    for key in ("firm_a", "firm_b"):
        user = django_user_model.objects.create_user(key, password="x")
        user.groups.add(firm_account_group_ensure(firm=quarter_data[key]))
        users[key] = user
    return users
