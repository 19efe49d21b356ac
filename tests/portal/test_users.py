"""Deleting a user whose name is on kept records (a release they approved, an appeal, an import):
the admin says why it cannot, and deactivates the account instead (issue 8, item 14)."""

import pytest

from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse

from wagtail.models import ModelLogEntry

from portal.roles import COMMITTEE, EDITORS
from ratings.models import ImportBatch, Release
from ratings.services import publication

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw"))
    return client


@pytest.fixture
def approver(street, django_user_model):
    """A committee member who approved the 2025Q1 release."""
    editor = django_user_model.objects.create_user("ed", password="x")
    editor.groups.add(Group.objects.get(name=EDITORS))
    member = django_user_model.objects.create_user("co", password="x")
    member.groups.add(Group.objects.get(name=COMMITTEE))
    publication.quarter_submit(quarter="2025Q1", user=editor)
    publication.quarter_approve(quarter="2025Q1", user=member, comment="同意")
    assert Release.objects.get().approved_by == member
    return member


def importer(django_user_model, username="importer"):
    user = django_user_model.objects.create_user(username, password="x")
    ImportBatch.objects.create(
        kind="hotline", month="2025-02", filename="h.csv", data=b"", sha256="0" * 64, uploaded_by=user
    )
    return user


def texts(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def delete_url(user) -> str:
    return reverse("wagtailusers_users:delete", args=[user.pk])


def test_the_delete_page_of_an_approver_says_why_it_cannot_delete(admin_client, approver):
    response = admin_client.get(delete_url(approver))
    assert response.status_code == 200
    page = response.content.decode()
    assert "不能删除" in page and "发布版本" in page and "停用" in page


def test_deleting_an_approver_deactivates_them_instead_of_a_500(admin_client, approver, django_user_model):
    response = admin_client.post(delete_url(approver))
    assert response.status_code == 302
    approver.refresh_from_db()
    assert not approver.is_active
    assert Release.objects.get().approved_by == approver
    message = texts(response)
    assert "不能删除" in message and "已停用" in message
    assert ModelLogEntry.objects.filter(action="portal.user.deactivate", object_id=str(approver.pk)).exists()


def test_a_deactivated_approver_cannot_log_in(admin_client, approver, client):
    admin_client.post(delete_url(approver))
    client.logout()
    response = client.post("/admin/login/", {"username": "co", "password": "x"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_a_user_without_kept_records_is_deleted_as_before(admin_client, django_user_model):
    user = django_user_model.objects.create_user("temp", password="x")
    assert admin_client.post(delete_url(user)).status_code == 302
    assert not django_user_model.objects.filter(pk=user.pk).exists()


def test_bulk_delete_deactivates_the_users_with_records_and_deletes_the_rest(admin_client, django_user_model):
    keeper = importer(django_user_model)
    temp = django_user_model.objects.create_user("temp", password="x")
    url = reverse("wagtail_bulk_action", args=["auth", "user", "delete"]) + f"?id={keeper.pk}&id={temp.pk}"
    response = admin_client.post(url)
    assert response.status_code == 302
    assert not django_user_model.objects.filter(pk=temp.pk).exists()
    keeper.refresh_from_db()
    assert not keeper.is_active
    assert "importer" in texts(response) and "已停用" in texts(response)


def test_bulk_delete_of_users_without_records_is_unchanged(admin_client, django_user_model):
    users = [django_user_model.objects.create_user(f"temp{n}", password="x") for n in range(2)]
    url = reverse("wagtail_bulk_action", args=["auth", "user", "delete"]) + "".join(
        f"{'&' if n else '?'}id={u.pk}" for n, u in enumerate(users)
    )
    assert admin_client.post(url).status_code == 302
    assert not django_user_model.objects.filter(username__startswith="temp").exists()


def test_only_someone_who_may_delete_users_can_deactivate_this_way(client, approver, django_user_model):
    editor = django_user_model.objects.get(username="ed")
    client.force_login(editor)
    client.post(delete_url(approver))
    approver.refresh_from_db()
    assert approver.is_active
