"""A registry change retires the cached pages that show it (core.pagecache): a handover imported,
or a contract made, changed or deleted in the admin, shows on the estate's and the firms' pages at
the next request, not when the page cache times out."""

import io

import pytest

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from portal.roles import roles_ensure
from registry.models import Estate, EstatePage, Firm, FirmPage, ServiceContract
from tests.factories import FirmFactory, estates_with_pages
from tests.helpers import csv_bytes, make_user, needs_concurrent_writers, post_at_once, run_at_once
from tests.registry.helpers import FIRM_B, HEADER, fresh, good_rows, kept, path_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 600


def test_a_handover_imported_retires_the_estate_page_and_both_firms_pages(
    write_file, django_capture_on_commit_callbacks
):
    call_command("import_registry", write_file("r.csv", csv_bytes(HEADER, good_rows())), stdout=io.StringIO())
    estate = Estate.objects.get(code="E001")
    old_firm = estate.contracts.get().firm
    client = Client()
    estate_path = path_of(EstatePage.objects.get(estate=estate))
    old_firm_path = path_of(FirmPage.objects.get(firm=old_firm))
    assert "乙物业有限公司" not in kept(client, estate_path)
    assert estate.name in kept(client, old_firm_path)

    rows = good_rows()
    rows[0][8:11] = ["乙物业有限公司", FIRM_B, "2025-08-16"]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_registry", write_file("r2.csv", csv_bytes(HEADER, rows)), stdout=io.StringIO())

    assert "乙物业有限公司" in fresh(client, estate_path)
    fresh(client, old_firm_path)
    new_firm_path = path_of(FirmPage.objects.get(firm=Firm.objects.get(credit_code=FIRM_B)))
    assert estate.name in client.get(new_firm_path).content.decode()


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(make_user("purge-editor", roles_ensure()["editors"]))
    return client


def test_a_contract_changed_or_deleted_in_the_admin_retires_the_pages_that_show_it(
    editor_client, django_capture_on_commit_callbacks
):
    first, second = FirmFactory(name="前任物业服务有限公司"), FirmFactory(name="接任物业服务有限公司")
    (estate,) = estates_with_pages(1, firm=first)
    contract = ServiceContract.objects.get(estate=estate)
    reader = Client()
    estate_path = path_of(EstatePage.objects.get(estate=estate))
    assert "前任物业" in kept(reader, estate_path)

    # The editor hands the estate over: the old contract ends, a new one begins.
    url = reverse("contracts:edit", args=[contract.pk])
    data = {"estate": estate.pk, "firm": first.pk, "start": "2020-01-01", "end": "2025-06-30", "note": ""}
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(url, data).status_code == 302
    kept(reader, estate_path)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("contracts:add"),
            {"estate": estate.pk, "firm": second.pk, "start": "2025-07-01", "end": "", "note": ""},
        )
        assert response.status_code == 302
    assert "接任物业" in fresh(reader, estate_path)

    kept(reader, estate_path)
    new = ServiceContract.objects.get(estate=estate, firm=second)
    admin = Client()  # editors may not delete a contract; an administrator may
    admin.force_login(make_user("purge-admin", superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(reverse("contracts:delete", args=[new.pk])).status_code == 302
    assert not ServiceContract.objects.filter(pk=new.pk).exists()
    assert "接任物业" not in fresh(reader, estate_path)


def test_an_estate_saved_in_the_admin_retires_its_page(editor_client, django_capture_on_commit_callbacks):
    (estate,) = estates_with_pages(1, firm=FirmFactory())
    reader = Client()
    estate_path = path_of(EstatePage.objects.get(estate=estate))
    assert "4,321" not in kept(reader, estate_path)
    data = {
        "code": estate.code,
        "name": estate.name,
        "street": estate.street_id,
        "community": estate.community_id,
        "group": estate.group_id,
        "households": 4321,
        "floor_area": estate.floor_area,
        "build_year": estate.build_year,
        "active": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("estates:edit", args=[estate.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert "4,321" in fresh(reader, estate_path)


def contract_form(estate, firm, start, end="") -> dict:
    return {"estate": estate.pk, "firm": firm.pk, "start": start, "end": end, "note": ""}


@needs_concurrent_writers
def test_two_editors_adding_the_same_contract_at_once_make_one_and_see_why_not_the_other():
    """A double click on 保存, or two editors at once: the form's checks ran before either saved."""
    firm = FirmFactory()
    (estate,) = estates_with_pages(1, firm=FirmFactory())
    ServiceContract.objects.filter(estate=estate).update(end="2024-12-31")
    editor = make_user("contract-twice", roles_ensure()["editors"])
    statuses = post_at_once(reverse("contracts:add"), editor, contract_form(estate, firm, "2025-01-01"))
    assert sorted(statuses) == [200, 302]  # the second form shown again with its error, not a 500
    assert ServiceContract.objects.filter(estate=estate, firm=firm).count() == 1


@needs_concurrent_writers
def test_two_overlapping_contracts_saved_at_once_cannot_both_stand():
    first, second = FirmFactory(), FirmFactory()
    (estate,) = estates_with_pages(1, firm=FirmFactory())
    ServiceContract.objects.filter(estate=estate).update(end="2024-12-31")
    editor = make_user("contract-overlap", roles_ensure()["editors"])

    def add(firm, start):
        def post():
            client = Client()
            client.force_login(editor)
            response = client.post(reverse("contracts:add"), contract_form(estate, firm, start))
            return response.status_code, (response.content.decode() if response.status_code == 200 else "")

        return post

    posts = iter([add(first, "2025-01-01"), add(second, "2025-03-01")])
    results = run_at_once(lambda: next(posts)())
    assert sorted(status for status, _ in results) == [200, 302]
    (refused,) = [body for status, body in results if status == 200]
    assert "同一小区的服务合同期限不能重叠" in refused
    assert ServiceContract.objects.filter(estate=estate, end__isnull=True).count() == 1


def test_a_contract_that_became_overlapping_while_the_form_was_checked_is_refused(editor_client, monkeypatch):
    """The check made again under the estate's lock sees what another save wrote in between."""
    from registry import admin as registry_admin

    firm, rival = FirmFactory(), FirmFactory()
    (estate,) = estates_with_pages(1, firm=FirmFactory())
    ServiceContract.objects.filter(estate=estate).update(end="2024-12-31")
    checked = registry_admin._checked_under_lock

    def another_save_first(contract, *, estate_ids):
        ServiceContract.objects.create(estate=estate, firm=rival, start="2025-02-01")
        checked(contract, estate_ids=estate_ids)

    monkeypatch.setattr(registry_admin, "_checked_under_lock", another_save_first)
    response = editor_client.post(reverse("contracts:add"), contract_form(estate, firm, "2025-01-01"))
    assert response.status_code == 200
    assert "同一小区的服务合同期限不能重叠" in response.content.decode()
    assert not ServiceContract.objects.filter(estate=estate, firm=firm).exists()
