"""Real Tasks workers: django-tasks-db's ``db_worker`` on PostgreSQL runs a post_save push and the
periodic refresh.

Three processes share the test database: a "web" process that edits a row (its post_save
enqueues the push after commit), the ``db_worker`` that runs the task against the
Cronitor emulator, and this test, which watches the row end synced.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from healthcheck_admin.models import HealthcheckDefinition

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent
TASK_TABLE = "django_tasks_database_dbtaskresult"

WEB_SIDE = """
import django
django.setup()
from django.db import transaction
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync import tasks
with transaction.atomic():
    row = HealthcheckDefinition.objects.get(key="adm-worker")
    row.name = "Edited in the web process"
    row.save()
print("saved; enqueued with", type(tasks._task()).__name__)
"""


SCHEDULE_SIDE = """
import django
django.setup()
from healthcheck_admin.sync.tasks import schedule_refresh
print("scheduled:", schedule_refresh())
"""


def environment(api_url: str, api_key: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.settings_tasks",
        "HEALTHCHECK_TEST_DB": "postgres",
        "PGDATABASE": connection.settings_dict["NAME"],
        "CRONITOR_API_URL": api_url,
        "CRONITOR_API_KEY": api_key,
    }


def django_admin(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def worker_env(cronitor_emulator) -> Iterator[dict[str, str]]:
    """The environment of the web and worker processes, with django-tasks-db's table migrated."""
    env = environment(cronitor_emulator.url, cronitor_emulator.api_key)
    done = django_admin(env, "migrate", "django_tasks_database", "--verbosity", "0")
    assert done.returncode == 0, done.stderr
    yield env
    # Its migrations are not reversible: drop what they made, so the test database stays as it was.
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TASK_TABLE} CASCADE")
        cursor.execute("DELETE FROM django_migrations WHERE app = 'django_tasks_database'")


@pytest.fixture
def worker(worker_env, tmp_path) -> Iterator[subprocess.Popen[bytes]]:
    log = (tmp_path / "worker.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "django", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env=worker_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield proc
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()


def wait_until_synced(key: str, timeout: float) -> HealthcheckDefinition:
    deadline = time.monotonic() + timeout
    while True:
        row = HealthcheckDefinition.objects.get(key=key)
        in_flight = (HealthcheckDefinition.STATUS.pending, HealthcheckDefinition.STATUS.pushing)
        if row.status not in in_flight or time.monotonic() > deadline:
            return row
        time.sleep(0.2)


def test_post_save_push_runs_in_a_db_worker(settings, cronitor_emulator, worker_env, worker, tmp_path):
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "SYNC_ON_SAVE": False}  # this process only watches
    HealthcheckDefinition.objects.create(key="adm-worker", name="Before", url="https://status.example.com/")

    web = subprocess.run(
        [sys.executable, "-c", WEB_SIDE],
        cwd=ROOT,
        env=worker_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert web.returncode == 0, web.stderr
    assert "saved; enqueued with Task" in web.stdout

    row = wait_until_synced("adm-worker", timeout=60)
    worker_log = (tmp_path / "worker.log").read_text(errors="replace")
    assert row.status == HealthcheckDefinition.STATUS.synced, worker_log
    assert row.monitor_code == cronitor_emulator.codes["adm-worker"]
    assert [m["key"] for m in cronitor_emulator.sent_monitors()] == ["adm-worker"]
    assert cronitor_emulator.sent_monitors()[0]["name"] == "Edited in the web process"
    deadline = time.monotonic() + 30  # the row is synced inside the task, which is marked done after
    while True:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT task_path, status, args_kwargs FROM {TASK_TABLE}")
            [(task_path, status, args_kwargs)] = cursor.fetchall()
        if status == "SUCCESSFUL" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert task_path == "healthcheck_admin.sync.tasks.push_monitors_task"
    assert status == "SUCCESSFUL"
    if isinstance(args_kwargs, str):
        args_kwargs = json.loads(args_kwargs)
    assert args_kwargs["args"] == [["adm-worker"]]
    assert worker.poll() is None, "the worker exited early"


def test_the_periodic_refresh_runs_in_a_db_worker_and_reads_health_back(
    cronitor_emulator, worker_env, worker
):
    """``REFRESH_EVERY_SECONDS`` enqueues the refresh as a task; the worker runs it and stores health."""
    HealthcheckDefinition.objects.bulk_create(  # no post_save: nothing is pushed from here
        [HealthcheckDefinition(key="adm-refreshed", url="https://status.example.com/")]
    )
    cronitor_emulator.add_monitors(
        {"type": "check", "key": "adm-refreshed", "request": {"url": "https://status.example.com/"}},
        probed=False,  # its first probe failed
    )

    web = subprocess.run(
        [sys.executable, "-c", SCHEDULE_SIDE],
        cwd=ROOT,
        env={**worker_env, "HC_REFRESH_EVERY_SECONDS": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert web.returncode == 0, web.stderr
    assert "scheduled: True" in web.stdout

    def finished() -> set[str]:  # the task is marked SUCCESSFUL after it returned
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT task_path FROM {TASK_TABLE} WHERE status = 'SUCCESSFUL'")
            return {path for (path,) in cursor.fetchall()}

    deadline = time.monotonic() + 60
    while not finished() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert finished() == {"healthcheck_admin.sync.tasks.refresh_monitors_task"}
    row = HealthcheckDefinition.objects.get(key="adm-refreshed")
    assert row.health == HealthcheckDefinition.HEALTH.failing
    assert row.health_read_at is not None
    assert worker.poll() is None, "the worker exited early"
