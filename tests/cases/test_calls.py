"""Calls for cases (征集, SPEC §6): editors open them; a firm submits a case into an open one."""

import datetime as dt

import pytest

from django.urls import reverse
from django.utils import timezone

from cases.models import CaseCall, CaseIndexPage, CasePage
from cases.selectors import open_calls
from tests.cases.helpers import case_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls():
    today = timezone.localdate()
    return {
        "open": CaseCall.objects.create(
            theme="暖心过冬", description="-", deadline=today + dt.timedelta(days=10)
        ),
        "today": CaseCall.objects.create(theme="今日截止", description="-", deadline=today),
        "closed": CaseCall.objects.create(
            theme="已截止", description="-", deadline=today - dt.timedelta(days=1)
        ),
    }


def test_open_calls_are_those_whose_deadline_has_not_passed(calls):
    assert open_calls() == [calls["today"], calls["open"]]
    assert open_calls(on=timezone.localdate() + dt.timedelta(days=11)) == []


def test_editors_manage_calls_and_firms_do_not(world, client, calls):
    add = reverse("wagtailsnippets_cases_casecall:add")
    client.force_login(world.editor)
    assert client.get(add).status_code == 200
    client.force_login(world.user_a)
    assert client.get(add).status_code in (302, 403)


def test_a_firm_submits_into_an_open_call_only(world, client, calls):
    client.force_login(world.user_a)
    url = reverse("wagtailadmin_pages:add", args=["cases", "casepage", CaseIndexPage.objects.get().pk])
    offered = client.get(url).context["form"].fields["call"].queryset
    assert set(offered) == {calls["open"], calls["today"]}

    data = case_form_data(
        firm=world.firm_a, estate=world.estate_a, slug="into-closed", call=calls["closed"].pk
    )
    data["action-submit"] = "提交审核"
    assert client.post(url, data).status_code == 200  # refused: the call has closed
    data = case_form_data(firm=world.firm_a, estate=world.estate_a, slug="into-open", call=calls["open"].pk)
    data["action-submit"] = "提交审核"
    assert client.post(url, data).status_code == 302
    assert CasePage.objects.get(slug="into-open").call == calls["open"]
