"""Pushes, snoozes and the periodic refresh through a configured Tasks backend (no worker process).

The backport's ``DummyBackend`` keeps what was enqueued, in this thread, so a test reads the task
and its arguments and then runs it the way a worker would (``task.call``); the
``ImmediateBackend`` runs tasks in the enqueuing thread, so pushes go through a daemon thread.
"""

from __future__ import annotations

import logging
from importlib.util import find_spec

import pytest

from healthcheck_admin.backends import locmem
from healthcheck_admin.models import HealthcheckEvent, RegistryState
from healthcheck_admin.sync import progress, tasks
from tests.sync_utils import healthchecks, make_row
from tests.utils import sent_keys

PACKAGE = "django.tasks" if find_spec("django.tasks") else "django_tasks"
if PACKAGE == "django_tasks":
    # Connects the backport's setting_changed receiver, so that settings.TASKS = ... takes effect.
    import django_tasks.signals  # noqa: F401

DUMMY = {"default": {"BACKEND": f"{PACKAGE}.backends.dummy.DummyBackend"}}
IMMEDIATE = {"default": {"BACKEND": f"{PACKAGE}.backends.immediate.ImmediateBackend"}}

pytestmark = [pytest.mark.usefixtures("empty_locmem_outbox"), pytest.mark.django_db(transaction=True)]


def enqueued(task):
    """What the DummyBackend behind ``task`` holds, oldest first."""
    return list(task.get_backend().results)


def run(result):
    """Run an enqueued task as a worker would."""
    return result.task.call(*result.args, **result.kwargs)


def test_a_push_waits_in_a_task_backend_with_its_arguments_and_tracks_progress_when_run(settings):
    healthchecks(settings, SYNC_ON_SAVE=False)
    make_row("tb-tracked")
    settings.TASKS = DUMMY

    assert tasks.enqueue_push(["tb-tracked"], track=True) == "task"

    [result] = enqueued(tasks.push_monitors_task)
    assert list(result.args) == [["tb-tracked"], False, True]
    assert locmem.outbox == []  # nothing is sent until a worker runs it
    assert "1 synced" in run(result)
    assert sent_keys() == ["tb-tracked"]
    done = progress.current()
    assert done is not None
    assert (done.state, done.synced, done.failed) == ("done", 1, 0)


def test_a_plain_push_is_enqueued_with_the_keys_only(settings):
    healthchecks(settings, SYNC_ON_SAVE=False)
    settings.TASKS = DUMMY

    assert tasks.enqueue_push(["tb-a", "tb-b", "tb-a"]) == "task"

    [result] = enqueued(tasks.push_monitors_task)
    assert list(result.args) == [["tb-a", "tb-b"]]


def test_nothing_to_push_enqueues_nothing(settings):
    settings.TASKS = DUMMY

    assert tasks.enqueue_push([]) == ""

    assert enqueued(tasks.push_monitors_task) == []


def test_an_inline_backend_runs_the_push_in_a_thread_not_in_the_caller(settings):
    healthchecks(settings, SYNC_ON_SAVE=False)
    make_row("tb-inline")
    settings.TASKS = IMMEDIATE

    assert tasks.enqueue_push(["tb-inline"], force=True) == "thread"

    assert tasks.wait_for_background_pushes(timeout=30)
    assert sent_keys() == ["tb-inline"]


def test_the_backport_without_a_tasks_setting_is_not_used(settings):
    healthchecks(settings, SYNC_ON_SAVE=False)
    make_row("tb-no-setting")
    if hasattr(settings, "TASKS"):
        del settings.TASKS
    if PACKAGE != "django_tasks":
        pytest.skip("only the backport needs TASKS to be set")

    assert tasks._task() is None
    assert tasks.enqueue_push(["tb-no-setting"]) == "thread"
    assert tasks.wait_for_background_pushes(timeout=30)
    assert sent_keys() == ["tb-no-setting"]


def test_a_tracked_push_that_raises_marks_the_progress_crashed(settings, caplog):
    healthchecks(settings, BACKEND="no.such.Backend", SYNC_ON_SAVE=False)
    make_row("tb-crash")
    progress.start(total=1, user=0)
    caplog.set_level(logging.ERROR, logger="healthcheck_admin.sync.tasks")

    with pytest.raises(Exception, match=r"no\.such\.Backend"):
        tasks.push_monitors_task.call(["tb-crash"], False, True)

    crashed = progress.current()
    assert crashed is not None
    assert crashed.state == "crashed"
    assert "Push of 1 monitor(s) failed" in caplog.text


def test_a_push_that_cronitor_rejects_is_logged_as_a_warning(cronitor_settings, settings, caplog):
    healthchecks(settings, SYNC_ON_SAVE=False, MAX_RETRIES=1)
    make_row("tb-rejected")
    cronitor_settings.reject_monitor("tb-rejected")
    caplog.set_level(logging.INFO, logger="healthcheck_admin.sync.tasks")

    summary = tasks.push_monitors_task.call(["tb-rejected"])

    assert "1 failed" in summary
    assert "Push of 1 monitor(s) had failures" in caplog.text
    assert "tb-rejected" not in cronitor_settings.codes


def test_a_function_the_framework_refuses_stays_a_plain_function(caplog):
    def nested(keys: list[str]) -> str:  # not at module level: the framework refuses it
        return ",".join(keys)

    caplog.set_level(logging.WARNING, logger="healthcheck_admin.sync.tasks")

    for decorator in (tasks._task_decorator(), tasks._refresh_task_decorator()):
        plain = decorator(nested)
        assert plain is nested
        assert plain(["a", "b"]) == "a,b"
    assert caplog.text.count("The Tasks framework refused nested") == 2


def test_a_snooze_is_sent_to_cronitor_from_a_thread(cronitor_settings, settings):
    healthchecks(settings, SYNC_ON_SAVE=False)
    cronitor_settings.add_monitors(
        {"type": "check", "key": "tb-snooze", "request": {"url": "https://e.com/"}}
    )

    tasks.enqueue_snooze(["tb-snooze"], 3)
    tasks.enqueue_snooze([], 3)  # nothing to send: no thread, no request

    assert tasks.wait_for_background_pushes(timeout=30)
    assert [r.path for r in cronitor_settings.requests_to("GET", "/api/monitors/tb-snooze/pause")] == [
        "/api/monitors/tb-snooze/pause/3"
    ]
    assert cronitor_settings.paused_until("tb-snooze") is not None


def test_a_snooze_cronitor_refuses_is_written_to_the_history(cronitor_settings, settings):
    healthchecks(settings, SYNC_ON_SAVE=False, MAX_RETRIES=1)
    row = make_row("tb-snooze-fails")
    cronitor_settings.fail_next(404, body={"error": "no such monitor"})

    tasks.enqueue_snooze(["tb-snooze-fails"], 2)

    assert tasks.wait_for_background_pushes(timeout=30)
    [event] = HealthcheckEvent.objects.filter(definition=row, kind=HealthcheckEvent.KIND.snooze)
    assert event.message.startswith("the pause was not sent to Cronitor")


def test_the_periodic_refresh_reads_cronitor_and_schedules_the_next_one(cronitor_settings, settings):
    healthchecks(settings, SYNC_ON_SAVE=False, REFRESH_EVERY_SECONDS=600)
    settings.TASKS = DUMMY
    cronitor_settings.add_monitors(
        {"type": "check", "key": "tb-remote", "request": {"url": "https://e.com/"}}
    )

    summary = tasks.refresh_monitors_task.call()

    assert summary == "refreshed 1 remote monitor(s) in 1 request(s)"
    [scheduled] = enqueued(tasks.refresh_monitors_task)
    assert scheduled.task.run_after is not None
    mark = RegistryState.objects.get(name=tasks.REFRESH_MARK).value
    assert mark == scheduled.task.run_after.isoformat()


def test_a_failing_refresh_is_logged_and_the_next_one_is_still_scheduled(cronitor_settings, settings, caplog):
    healthchecks(settings, SYNC_ON_SAVE=False, REFRESH_EVERY_SECONDS=600, MAX_RETRIES=1)
    settings.TASKS = DUMMY
    cronitor_settings.fail_next(403, body={"error": "forbidden"})
    caplog.set_level(logging.ERROR, logger="healthcheck_admin.sync.tasks")

    with pytest.raises(Exception, match="403"):
        tasks.refresh_monitors_task.call()

    assert "Periodic refresh failed; the next one is still scheduled" in caplog.text
    assert len(enqueued(tasks.refresh_monitors_task)) == 1


def test_a_refresh_already_scheduled_is_not_scheduled_twice_unless_forced(settings):
    healthchecks(settings, REFRESH_EVERY_SECONDS=600)
    settings.TASKS = DUMMY

    assert tasks.schedule_refresh() is True
    assert tasks.schedule_refresh() is False  # another process already scheduled it
    assert len(enqueued(tasks.refresh_monitors_task)) == 1
    assert tasks.schedule_refresh(force=True) is True
    assert len(enqueued(tasks.refresh_monitors_task)) == 2


def test_the_refresh_is_not_scheduled_on_an_inline_backend(settings, caplog):
    healthchecks(settings, REFRESH_EVERY_SECONDS=600)
    settings.TASKS = IMMEDIATE
    caplog.set_level(logging.WARNING, logger="healthcheck_admin.sync.tasks")

    assert tasks.schedule_refresh() is False

    assert "REFRESH_EVERY_SECONDS needs a Tasks backend with a worker" in caplog.text
    assert not RegistryState.objects.filter(name=tasks.REFRESH_MARK).exists()


def test_the_refresh_is_not_scheduled_without_a_tasks_setting_or_a_period(settings):
    healthchecks(settings, REFRESH_EVERY_SECONDS=0)
    settings.TASKS = DUMMY
    assert tasks.schedule_refresh() is False

    healthchecks(settings, REFRESH_EVERY_SECONDS=600)
    del settings.TASKS
    if PACKAGE == "django_tasks":
        assert tasks.schedule_refresh() is False
    assert not RegistryState.objects.filter(name=tasks.REFRESH_MARK).exists()


def test_a_process_start_schedules_the_periodic_refresh_when_it_is_on(cronitor_settings, settings):
    from healthcheck_admin import startup

    healthchecks(settings, SYNC_ON_STARTUP=False, REFRESH_EVERY_SECONDS=600)
    settings.TASKS = DUMMY
    startup.reset()
    try:
        outcome = startup.run_startup_hook(wait=True)
    finally:
        startup.reset()

    assert outcome is not None
    assert outcome.error is None
    [scheduled] = enqueued(tasks.refresh_monitors_task)
    assert RegistryState.objects.get(name=tasks.REFRESH_MARK).value == scheduled.task.run_after.isoformat()
    assert cronitor_settings.requests == []  # scheduled, not run: no request to Cronitor yet
