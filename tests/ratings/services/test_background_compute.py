"""Computing a quarter from the admin runs as a background job (issue 13): it reports its progress
step by step and ends with exactly what `manage.py compute_quarter` stores; a second click lands on
the job under way; locks hold inside the task; the database backend's worker really runs it."""

import io

import pytest

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from core.models import BackgroundJob
from portal.roles import roles_ensure
from ratings.models import QuarterComputation, QuarterGrade
from ratings.services import publication
from ratings.services.quarters import COMPUTE_STEPS
from ratings.tasks import QUARTER_COMPUTE, quarter_compute_start, quarter_compute_task
from tests.helpers import make_user

pytestmark = pytest.mark.django_db

Q = "2025Q1"


@pytest.fixture
def editor():
    return make_user("editor-bg", roles_ensure()["editors"])


def stored(quarter=Q) -> dict:
    """What a computation leaves in the database, without its time and author."""
    computation = QuarterComputation.objects.get(quarter=quarter)
    grades = QuarterGrade.objects.filter(quarter=quarter).order_by("estate_id")
    return {
        "document": computation.document,
        "document_digest": computation.document_digest,
        "inputs_digest": computation.inputs_digest,
        "scheme": computation.scheme_id,
        "grades": list(
            grades.values_list(
                "estate_id", "firm_id", "band", "score", "rank_in_group", "rank_overall", "vetoed", "row"
            )
        ),
    }


def run_command(quarter=Q):
    call_command("compute_quarter", quarter, stdout=io.StringIO(), stderr=io.StringIO())


def test_a_background_compute_reports_progress_and_stores_what_the_command_stores(
    street, editor, monkeypatch
):
    import ratings.tasks

    seen = []
    real = ratings.tasks.quarter_compute

    def recording(**kwargs):
        report = kwargs.pop("progress")

        def progress(done, total=None, message=""):
            report(done, total, message)
            job = BackgroundJob.objects.get(kind=QUARTER_COMPUTE, subject=Q)  # as the job page reads it
            seen.append((job.status, job.done, job.total, job.message))

        return real(progress=progress, **kwargs)

    monkeypatch.setattr(ratings.tasks, "quarter_compute", recording)
    job, created = quarter_compute_start(quarter=Q, user=editor)
    job.refresh_from_db()
    background = stored()

    assert created and job.status == BackgroundJob.Status.SUCCEEDED, job.error
    assert [done for _, done, _, _ in seen] == list(range(COMPUTE_STEPS + 1))  # 0, 1 … total
    assert {status for status, *_ in seen} == {BackgroundJob.Status.RUNNING}
    assert {total for _, _, total, _ in seen} == {COMPUTE_STEPS}
    assert all(message for *_, message in seen)
    assert (job.done, job.total, job.percent) == (COMPUTE_STEPS, COMPUTE_STEPS, 100)
    assert job.message == f"已计算 {Q} 的暂定结果：4 个小区（尚未公开）"
    assert job.result_url == reverse("ratings_quarters:index")
    assert job.started_by == editor and job.started_at and job.finished_at and job.task_result_id
    assert QuarterComputation.objects.get(quarter=Q).computed_by == editor

    run_command()
    assert stored() == background  # the synchronous command stores exactly the same result


def test_starting_a_quarter_already_being_computed_returns_the_job_under_way(street, editor):
    running = BackgroundJob.objects.create(
        kind=QUARTER_COMPUTE, subject=Q, label="计算", started_by=editor, status=BackgroundJob.Status.RUNNING
    )
    job, created = quarter_compute_start(quarter=Q, user=editor)
    assert (job.pk, created) == (running.pk, False)
    assert BackgroundJob.objects.filter(kind=QUARTER_COMPUTE).count() == 1
    assert not QuarterComputation.objects.filter(quarter=Q).exists()  # nothing was enqueued

    running.status = BackgroundJob.Status.SUCCEEDED
    running.save()
    again, created = quarter_compute_start(quarter=Q, user=editor)  # once it ended, a new one
    assert created and again.pk != running.pk


def test_the_admin_button_lands_on_the_job_and_a_second_click_on_the_same_job(street, editor, client):
    client.force_login(editor)
    url = reverse("ratings_quarters:compute", args=[Q])
    response = client.post(url)
    job = BackgroundJob.objects.get(kind=QUARTER_COMPUTE, subject=Q)
    assert response.status_code == 302 and response["Location"] == reverse(
        "background_jobs:detail", args=[job.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "已计算 2025Q1 的暂定结果" in page and "<progress" in page

    BackgroundJob.objects.filter(pk=job.pk).update(status=BackgroundJob.Status.RUNNING)
    second = client.post(url, follow=True)
    assert second.redirect_chain[-1][0] == reverse("background_jobs:detail", args=[job.pk])
    assert "已在计算中" in second.content.decode()
    assert BackgroundJob.objects.filter(kind=QUARTER_COMPUTE).count() == 1


def test_a_quarter_locked_before_the_worker_starts_fails_the_job_with_the_lock_reason(street, editor):
    run_command()
    job = BackgroundJob.objects.create(kind=QUARTER_COMPUTE, subject=Q, label="计算", started_by=editor)
    publication.quarter_submit(quarter=Q, user=editor)  # with the committee meanwhile: locked
    before = stored()
    quarter_compute_task.call(job_id=job.pk, quarter=Q, user_id=editor.pk)  # as a worker would
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED and job.finished_at
    assert Q in job.error and "审批" in job.error  # the lock's own message, in Chinese
    assert stored() == before  # nothing written


def test_a_locked_quarter_is_refused_at_the_button_without_a_job(street, editor, client):
    run_command()
    publication.quarter_submit(quarter=Q, user=editor)
    client.force_login(editor)
    response = client.post(reverse("ratings_quarters:compute", args=[Q]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("ratings_quarters:index")
    assert not BackgroundJob.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_worker_runs_a_queued_compute(street, editor):
    """With the database backend the click only queues the job; `db_worker` runs it."""
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        from django_tasks_db.models import DBTaskResult

        job, created = quarter_compute_start(quarter=Q, user=editor)
        job.refresh_from_db()
        assert created and job.status == BackgroundJob.Status.QUEUED
        assert DBTaskResult.objects.filter(id=job.task_result_id, status="READY").exists()
        assert not QuarterComputation.objects.filter(quarter=Q).exists()

        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

        job.refresh_from_db()
        assert job.status == BackgroundJob.Status.SUCCEEDED, job.error
        assert (job.done, job.total) == (COMPUTE_STEPS, COMPUTE_STEPS)
        assert DBTaskResult.objects.get(id=job.task_result_id).status == "SUCCESSFUL"
    background = stored()
    run_command()
    assert stored() == background


def test_the_quarter_list_links_to_the_computation_under_way(street, editor, client):
    run_command()  # the quarter has data and a computation: it is listed
    job = BackgroundJob.objects.create(kind=QUARTER_COMPUTE, subject=Q, label="计算", status="running")
    client.force_login(editor)
    page = client.get(reverse("ratings_quarters:index")).content.decode()
    assert (
        f'href="{reverse("background_jobs:detail", args=[job.pk])}">正在计算（进行中）：查看进度</a>' in page
    )
