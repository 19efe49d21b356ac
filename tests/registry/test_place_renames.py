"""A street, community or group made or renamed in the admin: the directory and home name it at
the next request, and its estates' pages (with their firms') are retired from the page cache and
indexed again by a background job, so that a reader sees the new name and search finds it."""

import pytest

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from core.models import BackgroundJob
from portal.roles import roles_ensure
from registry import services
from registry.models import EstateIndexPage, EstatePage, FirmPage, Group
from registry.tasks import PLACE_PAGES
from tests.factories import FirmFactory, GroupFactory, estates_with_pages
from tests.helpers import make_user
from tests.registry.helpers import fresh, kept, path_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 600


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(make_user("place-editor", roles_ensure()["editors"]))
    return client


def group_data(group, **changes) -> dict:
    return {"name": group.name, "description": group.description, "sort_order": group.sort_order, **changes}


def test_a_group_renamed_retires_its_estates_and_firms_pages_and_search_finds_the_new_name(
    editor_client, django_capture_on_commit_callbacks
):
    group = GroupFactory(name="老旧小区组")
    firm = FirmFactory(name="长青物业服务有限公司")
    estates = estates_with_pages(3, firm=firm, group=group)
    (other,) = estates_with_pages(1, firm=FirmFactory())
    reader = Client()
    estate_paths = [path_of(EstatePage.objects.get(estate=e)) for e in estates]
    firm_path = path_of(FirmPage.objects.get(firm=firm))
    other_path = path_of(EstatePage.objects.get(estate=other))
    for path in [*estate_paths, firm_path, other_path]:
        assert "焕新改造组" not in kept(reader, path)
    assert estates[0].name not in reader.get("/search/?q=焕新改造组").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("groups:edit", args=[group.pk]), group_data(group, name="焕新改造组")
        )
    assert response.status_code == 302

    for path in estate_paths:
        assert "焕新改造组" in fresh(reader, path)
    assert "焕新改造组" in fresh(reader, firm_path)
    kept(reader, other_path)  # an estate of another group keeps its cached page
    found = reader.get("/search/?q=焕新改造组").content.decode()
    assert all(estate.name in found for estate in estates)
    assert other.name not in found

    job = BackgroundJob.objects.get(kind=PLACE_PAGES)
    assert job.status == BackgroundJob.Status.SUCCEEDED
    assert job.subject.startswith(f"group:{group.pk}:")
    assert job.total == 4 and job.done == 4  # three estate pages and the firm's
    (message,) = [m for m in get_messages(response.wsgi_request) if "后台更新" in str(m)]
    assert "焕新改造组" in str(message)
    assert reverse("background_jobs:detail", args=[job.pk]) in str(message)  # the link to its progress


@pytest.mark.parametrize("changes", [{}, {"description": "只改说明", "sort_order": 7}])
def test_a_save_that_keeps_the_name_starts_no_job(changes, editor_client, django_capture_on_commit_callbacks):
    """A second click on 保存 changes nothing; a new description or order shows in the directory
    and on home only, which are retired at once."""
    group = GroupFactory(name="普通住宅组")
    estates_with_pages(2, group=group)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("groups:edit", args=[group.pk]), group_data(group, **changes))
    assert response.status_code == 302
    assert not BackgroundJob.objects.filter(kind=PLACE_PAGES).exists()


def test_a_place_without_estates_renamed_starts_no_job_but_the_directory_names_it(
    editor_client, django_capture_on_commit_callbacks
):
    estates_with_pages(1)
    reader = Client()
    directory = path_of(EstateIndexPage.objects.get())
    assert "空置新组" not in kept(reader, directory)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("groups:add"), {"name": "空置新组", "description": "", "sort_order": 9}
        )
    assert response.status_code == 302
    assert "空置新组" in fresh(reader, directory)
    group = Group.objects.get(name="空置新组")
    kept(reader, directory)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("groups:edit", args=[group.pk]), group_data(group, name="空置改名组"))
    assert "空置改名组" in fresh(reader, directory)
    assert not BackgroundJob.objects.filter(kind=PLACE_PAGES).exists()


@pytest.mark.parametrize("kind", ["streets", "communities"])
def test_a_street_or_community_renamed_shows_on_its_estates_pages(
    kind, editor_client, django_capture_on_commit_callbacks
):
    (estate,) = estates_with_pages(1)
    place = estate.street if kind == "streets" else estate.community
    reader = Client()
    estate_path = path_of(EstatePage.objects.get(estate=estate))
    assert "更名后的地名" not in kept(reader, estate_path)
    data = {"name": "更名后的地名"}
    if kind == "communities":
        data["street"] = place.street_id
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse(f"{kind}:edit", args=[place.pk]), data)
    assert response.status_code == 302
    assert "更名后的地名" in fresh(reader, estate_path)
    assert estate.name in reader.get("/search/?q=更名后的地名").content.decode()


def test_records_changed_indexes_in_chunks_and_reports_each(monkeypatch):
    monkeypatch.setattr(services, "INDEX_CHUNK", 2)
    firm = FirmFactory()
    estates = estates_with_pages(5, firm=firm)
    heard = []
    pages = services.records_changed(
        estate_ids=[e.pk for e in estates], progress=lambda done, total: heard.append((done, total))
    )
    assert pages == 6
    assert heard == [(2, 6), (4, 6), (5, 6), (6, 6)]


def test_a_firm_renamed_or_given_a_new_phone_reaches_its_estates_pages_and_search(
    editor_client, django_capture_on_commit_callbacks
):
    """An estate's page names its firm, with its code and phone; search finds it by its firm."""
    firm = FirmFactory(name="旧名物业服务有限公司", phone="010-11112222")
    estates = estates_with_pages(2, firm=firm)
    reader = Client()
    paths = [path_of(EstatePage.objects.get(estate=e)) for e in estates]
    for path in paths:
        assert "旧名物业" in kept(reader, path)
    data = {
        "name": "新名物业服务有限公司",
        "credit_code": firm.credit_code,
        "phone": "010-33334444",
        "address": firm.address,
        "account_group": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("firms:edit", args=[firm.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    for path in paths:
        body = fresh(reader, path)
        assert "新名物业" in body and "010-33334444" in body
    found = reader.get("/search/?q=新名物业").content.decode()
    assert all(estate.name in found for estate in estates)
    job = BackgroundJob.objects.get(kind=PLACE_PAGES)
    assert job.subject.startswith(f"firm:{firm.pk}:") and job.status == BackgroundJob.Status.SUCCEEDED

    # The same form sent again (a second click) lands on no new job: nothing changed.
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("firms:edit", args=[firm.pk]), data)
    assert BackgroundJob.objects.filter(kind=PLACE_PAGES).count() == 1


@pytest.mark.parametrize(
    ("kind", "place_of", "named"),
    [
        ("streets", lambda e: e.street, ["社区", "小区"]),
        ("communities", lambda e: e.community, ["小区"]),
        ("groups", lambda e: e.group, ["小区"]),
        ("estates", lambda e: e, ["服务合同"]),
        ("firms", lambda e: e.contracts.get().firm, ["服务合同"]),
    ],
)
def test_a_record_still_in_use_is_not_deleted_and_the_admin_says_why(kind, place_of, named):
    """on_delete=PROTECT: once a 500 (ProtectedError), now a message naming what still uses it.
    Wagtail's own usage check refuses only what its reference index knows; the index misses rows
    written in bulk (`bulk_create`) and a reference made after the confirmation page was shown:
    here it knows nothing."""
    from wagtail.models import ReferenceIndex

    (estate,) = estates_with_pages(1)
    record = place_of(estate)
    ReferenceIndex.objects.all().delete()
    admin = Client()
    admin.force_login(make_user("delete-admin", superuser=True))
    url = reverse(f"{kind}:delete", args=[record.pk])
    response = admin.post(url)
    assert response.status_code == 302 and response["Location"] == url
    assert type(record).objects.filter(pk=record.pk).exists()
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("不能删除") and all(f"个{name}" in message for name in named)


def test_a_group_no_estate_uses_is_deleted(editor_client, django_capture_on_commit_callbacks):
    estates_with_pages(1)
    group = GroupFactory(name="待删除的空组")
    admin = Client()
    admin.force_login(make_user("delete-admin", superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("groups:delete", args=[group.pk]))
    assert response.status_code == 302 and not Group.objects.filter(pk=group.pk).exists()
