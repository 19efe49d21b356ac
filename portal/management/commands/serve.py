"""`make run` and `make dev`: Django's development server with a background-task worker beside it.

Background jobs (core.jobs) are queued in the database and run by `manage.py db_worker`. This
command starts one worker in its own process group, then runs `runserver`; when the server stops
(Ctrl-C, an error, a port already taken) the worker is stopped too: asked to finish its current
task (SIGTERM), killed after WORKER_STOP_SECONDS, and the job it was running is marked failed
(its transaction is rolled back) so that it can be started again. runserver's autoreloader runs
this command again in a child process (RUN_MAIN=true); only the parent starts a worker. With
TASKS_BACKEND=immediate no worker is needed, and none is started.
"""

import os
import signal
import subprocess
import sys

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from core.jobs import jobs_interrupted

WORKER_STOP_SECONDS = 30


class Command(BaseCommand):
    help = "启动开发服务器，并在旁边启动后台任务进程（db_worker）；服务器停止时后台任务进程一并停止。"

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="", help="地址和端口，如 127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")

    def handle(self, *args, addrport: str, no_worker: bool, **options):
        worker = None
        if not no_worker and needs_worker() and os.environ.get("RUN_MAIN") != "true":
            worker = start_worker()
            self.stdout.write(f"==> 后台任务进程已启动（db_worker，进程号 {worker.pid}），随服务器一起停止")
        try:
            call_command("runserver", *([addrport] if addrport else []))
        finally:
            if worker is not None:
                stop_worker(worker)


def needs_worker() -> bool:
    """Tasks queued in the database need a worker; the immediate backend runs them in the request."""
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def worker_id() -> str:
    return f"serve-{os.getpid()}"


def start_worker() -> subprocess.Popen:
    # Its own session: Ctrl-C reaches the server, and the worker (with its reloader's child, under
    # DEBUG) is stopped here as one process group, after the server.
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "db_worker", "--worker-id", worker_id()]
    return subprocess.Popen(command, start_new_session=True)


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        return
    try:
        os.killpg(worker.pid, signal.SIGTERM)  # finish the current task, then exit
        worker.wait(timeout=WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        jobs_interrupted(task_result_ids=[str(r.id) for r in running if worker_id() in r.worker_ids])
    except ProcessLookupError:
        pass
