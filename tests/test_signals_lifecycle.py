"""Signals: pushes through Django's Tasks framework, post_delete tombstones and the post_migrate upsert."""

from __future__ import annotations

import importlib
import logging
import subprocess
import sys
import threading
from importlib.util import find_spec
from pathlib import Path

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import transaction

from healthcheck_admin.backends import locmem
from healthcheck_admin.models import HealthcheckDefinition, RegistryState, Tombstone
from healthcheck_admin.startup import PUSH_DUE
from healthcheck_admin.sync import tasks
from tests.utils import make_row, sent_keys

ROOT = Path(__file__).resolve().parent.parent
#: The Tasks framework in use: Django 6's own, else the django-tasks backport.
TASKS_PACKAGE = "django.tasks" if find_spec("django.tasks") else "django_tasks"
if TASKS_PACKAGE == "django_tasks":
    # Connects the backport's setting_changed receiver, so that settings.TASKS = ... takes effect.
    import django_tasks.signals  # noqa: F401


pytestmark = pytest.mark.usefixtures("empty_locmem_outbox")


# -- post_save through Django's Tasks framework ----------------------------------------------------


@pytest.mark.django_db
def test_with_a_queueing_tasks_backend_the_push_is_enqueued(settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": f"{TASKS_PACKAGE}.backends.dummy.DummyBackend"}}
    backend = importlib.import_module(TASKS_PACKAGE).task_backends["default"]
    backend.clear()
    row = make_row(key="adm-queued")
    with django_capture_on_commit_callbacks(execute=True):
        row.name = "Queued"
        row.save()
    [result] = [r for r in backend.results if r.args == [["adm-queued"]]]
    assert result.task.module_path == "healthcheck_admin.sync.tasks.push_monitors_task"
    assert locmem.outbox == []  # a queue runs it later, elsewhere
    # What the worker does with it: call the task.
    summary = result.task.call(*result.args, **result.kwargs)
    assert isinstance(summary, str)
    assert sent_keys() == ["adm-queued"]


@pytest.mark.django_db(transaction=True)
def test_with_the_immediate_tasks_backend_the_task_runs_off_the_saving_thread(settings):
    settings.TASKS = {"default": {"BACKEND": f"{TASKS_PACKAGE}.backends.immediate.ImmediateBackend"}}
    signals = __import__(f"{TASKS_PACKAGE}.signals", fromlist=["task_started"])
    ran_in = []

    def on_started(sender, task_result, **kwargs):
        ran_in.append(threading.current_thread())

    signals.task_started.connect(on_started, dispatch_uid="test-immediate")
    try:
        with transaction.atomic():
            make_row(key="adm-immediate")
        assert tasks.wait_for_background_pushes(timeout=10)
    finally:
        signals.task_started.disconnect(dispatch_uid="test-immediate")
    assert len(ran_in) == 1
    assert ran_in[0] is not threading.current_thread()
    assert sent_keys() == ["adm-immediate"]


def test_the_module_imports_without_any_tasks_framework():
    script = (
        "import sys; sys.modules['django_tasks'] = None; sys.modules['django.tasks'] = None\n"
        "import django; django.setup()\n"
        "from healthcheck_admin.sync import tasks\n"
        "assert not hasattr(tasks.push_monitors_task, 'enqueue')\n"
        "assert tasks._task() is None\n"
        "print('ok')\n"
    )
    env = {"DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT), "PATH": ""}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


# -- post_delete ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_deleting_a_row_records_a_tombstone_and_schedules_a_push(django_capture_on_commit_callbacks):
    row = make_row(key="adm-deleted")
    with django_capture_on_commit_callbacks() as callbacks:
        row.delete()
    assert Tombstone.objects.filter(key="adm-deleted").exists()
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_deleting_with_sync_on_save_false_still_records_the_tombstone(
    settings, django_capture_on_commit_callbacks
):
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "SYNC_ON_SAVE": False}
    row = make_row(key="adm-quiet")
    with django_capture_on_commit_callbacks() as callbacks:
        row.delete()
    assert Tombstone.objects.filter(key="adm-quiet").exists()
    assert callbacks == []


@pytest.mark.django_db(transaction=True)
def test_deleting_a_pushed_row_pauses_its_monitor_after_commit():
    row = make_row(key="adm-gone")
    assert tasks.wait_for_background_pushes(timeout=10)
    assert sent_keys() == ["adm-gone"]
    with transaction.atomic():
        row.delete()
        assert Tombstone.objects.filter(key="adm-gone").exists()
    assert tasks.wait_for_background_pushes(timeout=10)
    assert locmem.paused == ["adm-gone"]
    assert not Tombstone.objects.filter(key="adm-gone").exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_delete_leaves_no_tombstone_and_pushes_nothing():
    row = make_row(key="adm-kept")
    assert tasks.wait_for_background_pushes(timeout=10)
    with transaction.atomic():
        row.delete()
        transaction.set_rollback(True)
    assert tasks.wait_for_background_pushes(timeout=10)
    assert not Tombstone.objects.filter(key="adm-kept").exists()
    assert locmem.paused == []
    assert locmem.deleted == []


# -- post_migrate -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_post_migrate_upserts_and_marks_the_push_due():
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default", plan=[])
    assert HealthcheckDefinition.objects.code().update(spec_fingerprint="stale")
    RegistryState.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default", plan=[])
    assert not HealthcheckDefinition.objects.code().filter(spec_fingerprint="stale").exists()
    assert RegistryState.objects.filter(name=PUSH_DUE).exists()
    assert locmem.outbox == []  # migrate never sends anything


@pytest.mark.django_db
def test_flush_does_not_upsert():
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default", plan=[])
    assert HealthcheckDefinition.objects.code().update(spec_fingerprint="stale")
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # flush sends no plan
    assert HealthcheckDefinition.objects.code().filter(spec_fingerprint="stale").exists()


@pytest.mark.django_db
def test_post_migrate_survives_a_broken_urlconf(settings, caplog):
    settings.ROOT_URLCONF = "tests.urlconfs.does_not_exist"
    RegistryState.objects.all().delete()
    with caplog.at_level(logging.ERROR, logger="healthcheck_admin.signals"):
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default", plan=[])
    assert "Could not upsert the code-defined healthchecks after migrate" in caplog.text
    assert not RegistryState.objects.filter(name=PUSH_DUE).exists()
