import pytest

from tests.cases.helpers import case_world


@pytest.fixture
def world(db):
    """Two firms (A with two users, B with one), one estate each, and an editor."""
    return case_world()
