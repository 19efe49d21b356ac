"""load_demo (SPEC §10): the invented street, loaded through the real services, idempotent."""

import io
from collections import Counter

import pytest

from django.contrib.auth import get_user_model
from django.core.management import call_command

from wagtail.models import ModelLogEntry, PageLogEntry

from portal.models import PortalSettings
from ratings.models import Appeal, QuarterPage, Release
from registry.models import Community, Estate, EstatePage, Firm, FirmPage, Group, ServiceContract

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Estate,
            Firm,
            Community,
            ServiceContract,
            EstatePage,
            FirmPage,
            Release,
            Appeal,
            ModelLogEntry,
            PageLogEntry,
        )
    }


def test_demo_registry_has_the_shape_of_the_seed_street(demo):
    assert (Estate.objects.count(), Firm.objects.count(), Community.objects.count()) == (23, 8, 15)
    assert set(Estate.objects.values_list("group__name", flat=True)) == set(
        Group.objects.values_list("name", flat=True)
    )
    assert EstatePage.objects.live().count() == 23 and FirmPage.objects.live().count() == 8
    changed = [e for e in Estate.objects.all() if e.contracts.count() > 1]
    assert len(changed) == 1  # one firm change during the period
    assert PortalSettings.objects.get().demo_data


def test_loading_the_demo_twice_changes_nothing(demo):
    before = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == before


def test_demo_accounts_exist_one_per_firm_in_credit_code_order(demo):
    User = get_user_model()
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="editor").groups.filter(name="编辑").exists()
    assert User.objects.get(username="committee").groups.filter(name="考评委员会").exists()
    firms = list(Firm.objects.order_by("credit_code"))
    for number, firm in enumerate(firms, start=1):
        user = User.objects.get(username=f"firm{number}")
        assert user.check_password("demo")
        assert user.groups.filter(pk=firm.account_group_id).exists()


def test_demo_publication_tells_the_whole_story(demo):
    releases = list(Release.objects.defer("document").order_by("sequence"))
    assert [r.version for r in releases if r.quarter == "2026Q2"] == [1, 2]  # one corrected quarter
    latest = Release.objects.filter(quarter="2026Q2", version=2).get().document
    bands = Counter(row["band"] for release in Release.objects.all() for row in release.document["estates"])
    assert {"green", "blue", "yellow", "red"} <= set(bands)
    assert latest["correction_note"]
    assert sorted(Appeal.objects.values_list("status", flat=True)) == ["open", "rejected"]
    in_review = QuarterPage.objects.get(quarter="2026Q3")
    assert not in_review.live and in_review.workflow_in_progress
    assert any(r.document["exit_warnings"] for r in Release.objects.all())


def test_demo_logins_are_printed(demo):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for name in ("admin", "editor", "committee", "firm1 … firm8", "demo"):
        assert name in text


def test_demo_names_are_not_the_real_ones_from_the_seeds(demo):
    from pathlib import Path

    seeds = (
        "".join(p.read_text() for p in (Path(__file__).parents[3] / "shared" / "seeds").glob("*.txt"))
        if (Path(__file__).parents[3] / "shared" / "seeds").exists()
        else ""
    )
    if not seeds:
        pytest.skip("../shared/seeds is not beside this checkout")
    for name in list(Estate.objects.values_list("name", flat=True)) + list(
        Firm.objects.values_list("name", flat=True)
    ):
        assert name not in seeds, name
