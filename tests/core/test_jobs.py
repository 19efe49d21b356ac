"""Background jobs (core.jobs, core.job_views): a job ends failed with a message in Chinese when
its task is refused or crashes; a second start of the same subject returns the job under way; the
job pages show a user their own jobs only (editors and superusers see all), with a progress bar
and a JSON status that the page polls."""

import json

import pytest
from django_tasks import task

from django.urls import reverse

from core.errors import ActionRefused
from core.jobs import CRASH_MESSAGE, JobOutcome, job_run, job_start
from core.models import BackgroundJob
from portal.roles import roles_ensure
from tests.helpers import make_user

pytestmark = pytest.mark.django_db


@task()
def sample_task(*, job_id: int, outcome: str) -> dict:
    def work(report):
        report(1, 2, "第一步")
        if outcome == "refused":
            raise ActionRefused("2025Q1 正在审批中，不能重新计算")
        if outcome == "crash":
            raise ZeroDivisionError("division by zero")
        report(2, 2, "第二步")
        return JobOutcome(message="完成了", result_url="/admin/", result_label="回到首页")

    return job_run(job_id=job_id, work=work)


def start(user, outcome="ok", subject="s1"):
    return job_start(
        task=sample_task, kind="tests.sample", subject=subject, label="测试任务", user=user, outcome=outcome
    )


@pytest.fixture
def roles():
    return roles_ensure()


@pytest.fixture
def editor(roles):
    return make_user("job-editor", roles["editors"])


def test_a_job_that_succeeds_keeps_its_progress_message_and_result(editor):
    job, created = start(editor)
    job.refresh_from_db()
    assert created
    assert (job.status, job.done, job.total, job.percent) == ("succeeded", 2, 2, 100)
    assert (job.message, job.result_url, job.result_label) == ("完成了", "/admin/", "回到首页")
    assert job.started_at <= job.finished_at and job.error == ""


def test_a_refused_task_fails_the_job_with_the_refusal_in_chinese(editor):
    job, _ = start(editor, "refused")
    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at
    assert job.error == "2025Q1 正在审批中，不能重新计算"
    assert (job.done, job.total) == (1, 2)  # how far it got


def test_a_crashing_task_fails_the_job_with_a_general_message_and_the_backend_records_it(editor, caplog):
    job, _ = start(editor, "crash")
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == CRASH_MESSAGE.format(name="ZeroDivisionError")
    assert "division by zero" not in job.error  # no internals shown to the user
    assert "background job" in caplog.text  # …but logged for the administrator


def test_a_second_start_of_the_same_subject_returns_the_active_job_and_another_subject_starts(editor):
    active = BackgroundJob.objects.create(
        kind="tests.sample", subject="s1", label="测试任务", status="queued"
    )
    job, created = start(editor)
    assert (job.pk, created) == (active.pk, False)
    other, created = start(editor, subject="s2")
    assert created and other.pk != active.pk


def test_a_job_runs_once_even_if_its_task_is_delivered_twice(editor):
    job, _ = start(editor)
    assert job_run(job_id=job.pk, work=lambda report: JobOutcome("again")) == {"status": "skipped"}
    job.refresh_from_db()
    assert job.message == "完成了"


def test_at_most_one_active_job_per_subject_in_the_database(editor):
    from django.db import IntegrityError, transaction

    BackgroundJob.objects.create(kind="k", subject="x", label="a", status="running")
    with pytest.raises(IntegrityError), transaction.atomic():
        BackgroundJob.objects.create(kind="k", subject="x", label="b", status="queued")
    BackgroundJob.objects.create(kind="k", subject="x", label="c", status="failed")  # ended: fine


# --- the pages ---------------------------------------------------------------------------------


@pytest.fixture
def people(roles, editor):
    firm_user = make_user("job-firm", roles["firms"])
    committee = make_user("job-committee", roles["committee"])
    admin = make_user("job-admin", superuser=True)
    return {"editor": editor, "firm": firm_user, "committee": committee, "admin": admin}


def test_everyone_sees_their_own_jobs_and_only_editors_and_superusers_see_all(client, people):
    mine, _ = start(people["firm"], subject="firm")
    theirs, _ = start(people["editor"], subject="editor")
    for who, visible, hidden in (
        ("firm", [mine], [theirs]),
        ("committee", [], [mine, theirs]),
        ("editor", [mine, theirs], []),
        ("admin", [mine, theirs], []),
    ):
        client.force_login(people[who])
        listing = client.get(reverse("background_jobs:index")).content.decode()
        for job in visible:
            assert reverse("background_jobs:detail", args=[job.pk]) in listing, who
            assert client.get(reverse("background_jobs:detail", args=[job.pk])).status_code == 200
            assert client.get(reverse("background_jobs:status", args=[job.pk])).status_code == 200
        for job in hidden:
            assert reverse("background_jobs:detail", args=[job.pk]) not in listing, who
            assert client.get(reverse("background_jobs:detail", args=[job.pk])).status_code == 404
            assert client.get(reverse("background_jobs:status", args=[job.pk])).status_code == 404


def test_the_job_pages_need_a_login(client, people):
    job, _ = start(people["editor"])
    for name, args in (("index", []), ("detail", [job.pk]), ("status", [job.pk])):
        response = client.get(reverse(f"background_jobs:{name}", args=args))
        assert response.status_code == 302 and reverse("wagtailadmin_login") in response["Location"]


def test_the_job_page_shows_an_accessible_progress_bar_and_a_refresh_link_while_it_runs(client, people):
    job = BackgroundJob.objects.create(
        kind="k",
        label="计算 2025Q1",
        started_by=people["editor"],
        status="running",
        done=1,
        total=3,
        message="正在评级",
    )
    client.force_login(people["editor"])
    page = client.get(reverse("background_jobs:detail", args=[job.pk])).content.decode()
    bar = f'<progress id="job-progress-{job.pk}" data-job-progress max="3" value="1">33%</progress>'
    assert bar in page
    assert 'role="status" aria-live="polite"' in page
    assert "第 1 / 3 步（33%）" in page and "正在评级" in page
    assert (
        f'href="{reverse("background_jobs:detail", args=[job.pk])}">刷新本页</a>' in page
    )  # without scripts
    assert "js/job-progress.js" in page

    status = json.loads(client.get(reverse("background_jobs:status", args=[job.pk])).content)
    assert status == {
        "id": job.pk, "status": "running", "status_label": "进行中", "active": True, "done": 1, "total": 3,
        "percent": 33, "message": "正在评级", "error": "", "result_url": "", "result_label": "查看结果",
    }  # fmt: skip


def test_a_failed_job_shows_its_error_and_a_finished_one_its_result(client, people):
    failed, _ = start(people["editor"], "refused", subject="f")
    done, _ = start(people["editor"], subject="d")
    client.force_login(people["editor"])
    page = client.get(reverse("background_jobs:detail", args=[failed.pk])).content.decode()
    assert "任务失败" in page and "2025Q1 正在审批中，不能重新计算" in page and "刷新本页" not in page
    page = client.get(reverse("background_jobs:detail", args=[done.pk])).content.decode()
    assert 'href="/admin/">回到首页</a>' in page and "完成了" in page


def test_the_menu_shows_jobs_to_editors_and_to_those_who_started_one(client, people):
    def menu(who) -> str:
        client.force_login(people[who])
        return client.get(reverse("wagtailadmin_home")).content.decode("unicode_escape")  # JSON props

    label = reverse("background_jobs:index")
    assert label in menu("editor")
    assert label not in menu("firm")
    start(people["firm"])
    assert label in menu("firm")


def test_the_jobs_of_a_killed_worker_are_marked_failed_so_that_they_can_start_again(editor):
    from core.jobs import INTERRUPTED_MESSAGE, jobs_interrupted

    stuck = BackgroundJob.objects.create(
        kind="tests.sample", subject="s1", label="测试任务", status="running", task_result_id="t-1"
    )
    other = BackgroundJob.objects.create(
        kind="k", subject="x", label="b", status="running", task_result_id="t-2"
    )
    assert jobs_interrupted(task_result_ids=["t-1"]) == 1
    stuck.refresh_from_db()
    other.refresh_from_db()
    assert (stuck.status, stuck.error) == ("failed", INTERRUPTED_MESSAGE) and other.status == "running"
    assert start(editor)[1]  # the subject is free again


def test_a_job_whose_task_failed_before_it_could_report_is_shown_failed(client, people):
    from django_tasks_db.models import DBTaskResult

    from django.test import override_settings

    from core.jobs import LOST_MESSAGE

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        job, _ = start(people["editor"])
        DBTaskResult.objects.filter(id=job.task_result_id).update(status="FAILED")  # e.g. an ImportError
        client.force_login(people["editor"])
        status = json.loads(client.get(reverse("background_jobs:status", args=[job.pk])).content)
    assert (status["status"], status["active"], status["error"]) == ("failed", False, LOST_MESSAGE)
    assert start(people["editor"])[1]  # the subject is free again
