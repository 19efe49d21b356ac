"""A large confirmed import runs as a background job (issue 13): all or nothing as before, once per
batch (a second confirmation lands on the job under way), and small files stay in the request."""

import pytest

from django.urls import reverse

from core.models import BackgroundJob
from portal.roles import roles_ensure
from ratings.models import ImportBatch, MonthlyScore
from ratings.tasks import IMPORT_APPLY
from tests.factories import EstateFactory, ServiceContractFactory
from tests.helpers import csv_bytes
from tests.ratings.helpers import SCORE_HEADER, signed_in, upload, user

pytestmark = pytest.mark.django_db

GOOD = [
    ["B1", "18.5", "14", "9.5", "10", "10", "5", "", ""],
    ["B2", "16.0", "12.5", "8", "8.5", "9", "4.5", "", ""],
]
UNKNOWN = [
    ["B1", "18.5", "14", "9.5", "10", "10", "5", "", ""],
    ["NOPE", "16", "12.5", "8", "8.5", "9", "4.5", "", ""],
]


@pytest.fixture
def editor():
    for code in ("B1", "B2"):
        ServiceContractFactory(estate=EstateFactory(code=code))
    return user("bg-editor", roles_ensure()["editors"])


@pytest.fixture
def large(settings):
    settings.PORTAL_IMPORT_BACKGROUND_BYTES = 10  # every test file counts as large


def confirm(client, batch, **kwargs):
    return client.post(reverse("ratings_imports:apply", args=[batch.pk]), **kwargs)


def test_a_large_import_runs_as_a_job_and_links_back_to_its_batch(editor, large):
    client = signed_in(editor)
    upload(client, csv_bytes(SCORE_HEADER, GOOD))
    batch = ImportBatch.objects.get()
    response = confirm(client, batch)
    job = BackgroundJob.objects.get(kind=IMPORT_APPLY, subject=str(batch.pk))
    assert response["Location"] == reverse("background_jobs:detail", args=[job.pk])
    assert job.status == "succeeded", job.error
    assert job.message.startswith("已导入“scores.csv”") and (job.done, job.total) == (1, 1)
    assert job.result_url == reverse("ratings_imports:batch", args=[batch.pk])
    assert MonthlyScore.objects.filter(month="2025-01").count() == 2
    batch.refresh_from_db()
    assert batch.applied_at is not None

    again = confirm(client, batch, follow=True)  # the batch is applied: refused, no second job
    assert "已经导入过" in again.content.decode()
    assert BackgroundJob.objects.filter(kind=IMPORT_APPLY).count() == 1


def test_a_refused_large_import_fails_its_job_and_writes_nothing(editor, large):
    client = signed_in(editor)
    upload(client, csv_bytes(SCORE_HEADER, GOOD))
    batch = ImportBatch.objects.get()
    # The file's estate leaves the registry between the preview and the confirmation.
    ImportBatch.objects.filter(pk=batch.pk).update(data=csv_bytes(SCORE_HEADER, UNKNOWN))
    confirm(client, batch)
    job = BackgroundJob.objects.get(kind=IMPORT_APPLY)
    assert job.status == "failed"
    assert job.error.startswith("导入被拒绝，未写入任何数据") and "NOPE" in job.error
    assert not MonthlyScore.objects.exists()
    batch.refresh_from_db()
    assert batch.applied_at is None  # may be confirmed again once fixed


def test_a_second_confirmation_lands_on_the_job_under_way(editor, large):
    client = signed_in(editor)
    upload(client, csv_bytes(SCORE_HEADER, GOOD))
    batch = ImportBatch.objects.get()
    running = BackgroundJob.objects.create(
        kind=IMPORT_APPLY, subject=str(batch.pk), label="导入", started_by=editor, status="running"
    )
    response = confirm(client, batch)
    assert response["Location"] == reverse("background_jobs:detail", args=[running.pk])
    assert not MonthlyScore.objects.exists()


def test_a_small_import_is_applied_at_once_without_a_job(editor):
    client = signed_in(editor)
    upload(client, csv_bytes(SCORE_HEADER, GOOD))
    response = confirm(client, ImportBatch.objects.get())
    assert response["Location"] == reverse("ratings_imports:form")
    assert MonthlyScore.objects.count() == 2 and not BackgroundJob.objects.exists()
