"""Fixtures the rating tests share."""

import pytest

from portal.roles import roles_ensure


@pytest.fixture
def people(django_user_model):
    """An editor and a committee member, in the groups the data migration makes."""
    roles = roles_ensure()
    editor = django_user_model.objects.create_user("ed", password="x")
    editor.groups.add(roles["editors"])
    committee = django_user_model.objects.create_user("co", password="x")
    committee.groups.add(roles["committee"])
    return {"editor": editor, "committee": committee}
