"""设置 → 搜索索引: editors and superusers rebuild the search index as a background job, which
reports one step per indexed model and ends with the index whole again."""

import pytest

from django.core.management import call_command
from django.urls import reverse

from wagtail.search.models import IndexEntry

from core.models import BackgroundJob
from portal.roles import roles_ensure
from registry.services import directory_pages_sync
from search.tasks import SEARCH_REBUILD
from tests.helpers import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    roles = roles_ensure()
    return {
        "editor": make_user("ix-editor", roles["editors"]),
        "committee": make_user("ix-committee", roles["committee"]),
        "firm": make_user("ix-firm", roles["firms"]),
        "admin": make_user("ix-admin", superuser=True),
    }


def test_an_editor_rebuilds_the_index_in_the_background_and_lands_on_the_job(client, people, estates):
    directory_pages_sync(estates=estates, firms=[])
    call_command("update_index", verbosity=0)
    indexed = IndexEntry.objects.count()
    assert indexed
    IndexEntry.objects.all().delete()
    client.force_login(people["editor"])
    assert "重建搜索索引" in client.get(reverse("search_index:index")).content.decode()

    response = client.post(reverse("search_index:index"))
    job = BackgroundJob.objects.get(kind=SEARCH_REBUILD)
    assert response["Location"] == reverse("background_jobs:detail", args=[job.pk])
    assert job.status == "succeeded", job.error
    assert job.total and job.done == job.total and job.started_by == people["editor"]
    assert IndexEntry.objects.count() == indexed
    assert (
        reverse("background_jobs:detail", args=[job.pk])
        in client.get(reverse("search_index:index")).content.decode()
    )


def test_only_editors_and_superusers_reach_the_index_page(client, people):
    for who, allowed in (("editor", True), ("admin", True), ("committee", False), ("firm", False)):
        client.force_login(people[who])
        assert (client.get(reverse("search_index:index")).status_code == 200) is allowed, who
        if not allowed:
            assert client.post(reverse("search_index:index")).status_code in (302, 403), who
            home = client.get(reverse("wagtailadmin_home")).content.decode("unicode_escape")
            assert reverse("search_index:index") not in home, who
    assert not BackgroundJob.objects.filter(started_by__in=[people["committee"], people["firm"]]).exists()
