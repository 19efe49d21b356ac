"""`manage.py serve` (make run, make dev): a db_worker beside the server only when tasks are queued
in the database, stopped with the server as a whole process group."""

import subprocess
import sys
from pathlib import Path

import pytest

from django.test import override_settings

from portal.management.commands import serve

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_worker_is_needed_only_with_the_database_backend():
    assert not serve.needs_worker()  # the test settings run tasks immediately
    with override_settings(TASKS=DATABASE_TASKS):
        assert serve.needs_worker()


def test_the_worker_is_started_with_its_own_id_in_its_own_session(monkeypatch):
    started = {}

    def fake_popen(command, **kwargs):
        started.update(command=command, **kwargs)
        return "worker"

    monkeypatch.setattr(serve.subprocess, "Popen", fake_popen)
    assert serve.start_worker() == "worker"
    assert started["command"][-3:] == ["db_worker", "--worker-id", serve.worker_id()]
    assert started["start_new_session"] is True


def test_stopping_the_worker_ends_its_whole_process_group():
    # A stand-in worker with a child of its own, as db_worker has under DEBUG (its reloader).
    code = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)"
    worker = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    serve.stop_worker(worker)
    assert worker.poll() is not None
    assert not _alive_in_group(worker.pid)  # the child went too


def _alive_in_group(pgid: int) -> list[str]:
    """Processes of the group that still run (zombies left for init to reap do not count)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if fields[2] == str(pgid) and fields[0] != "Z":  # state, ppid, pgrp …
            alive.append(stat.parent.name)
    return alive


@pytest.mark.django_db
def test_the_server_runs_without_a_worker_when_tasks_run_immediately(monkeypatch):
    from django.core.management import call_command

    calls = []
    monkeypatch.setattr(serve, "call_command", lambda *args: calls.append(args))
    monkeypatch.setattr(serve, "start_worker", lambda: pytest.fail("no worker with the immediate backend"))
    call_command("serve", "127.0.0.1:8999")
    assert calls == [("runserver", "127.0.0.1:8999")]
