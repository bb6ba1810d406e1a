"""Background pushes when things go wrong: a broken Tasks setting, a failing push, a failing task."""

from __future__ import annotations

import logging
from importlib.util import find_spec

import pytest

from healthcheck_admin.backends import locmem
from healthcheck_admin.sync import tasks
from tests.utils import make_row, sent_keys

TASKS_PACKAGE = "django.tasks" if find_spec("django.tasks") else "django_tasks"
if TASKS_PACKAGE == "django_tasks":
    # Connects the backport's setting_changed receiver, so that settings.TASKS = ... takes effect.
    import django_tasks.signals  # noqa: F401

pytestmark = [pytest.mark.usefixtures("empty_locmem_outbox"), pytest.mark.django_db(transaction=True)]


def test_a_tasks_backend_that_cannot_load_falls_back_to_a_thread_and_still_pushes(settings, caplog):
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "SYNC_ON_SAVE": False}
    make_row(key="tf-broken-tasks")
    settings.TASKS = {"default": {"BACKEND": "no.such.tasks.Backend"}}
    caplog.set_level(logging.ERROR, logger="healthcheck_admin.sync.tasks")

    tasks.enqueue_push(["tf-broken-tasks", "tf-broken-tasks"])

    assert tasks.wait_for_background_pushes(timeout=20)
    assert sent_keys() == ["tf-broken-tasks"]
    assert "Could not enqueue a push of 1 monitor(s); pushing in a thread instead" in caplog.text


def test_a_background_push_that_raises_is_logged_and_the_thread_ends(settings, caplog):
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "SYNC_ON_SAVE": False}
    calls: list[list[str]] = []

    def failing(keys: list[str]) -> None:
        calls.append(keys)
        raise RuntimeError("backend exploded")

    caplog.set_level(logging.ERROR, logger="healthcheck_admin.sync.tasks")
    tasks._start_thread(failing, ["tf-one", "tf-two"]).join(timeout=20)

    assert calls == [["tf-one", "tf-two"]]
    assert "Background push of 2 monitor(s) failed" in caplog.text
    assert "backend exploded" in caplog.text
    assert tasks.wait_for_background_pushes(timeout=1)
    assert locmem.outbox == []


def test_the_task_logs_a_push_that_raises_and_raises_it(settings, caplog):
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "BACKEND": "no.such.Backend", "SYNC_ON_SAVE": False}
    make_row(key="tf-bad-backend")
    run = getattr(tasks.push_monitors_task, "call", tasks.push_monitors_task)
    caplog.set_level(logging.ERROR, logger="healthcheck_admin.sync.tasks")

    with pytest.raises(Exception, match=r"no\.such\.Backend"):
        run(["tf-bad-backend"])

    assert "Push of 1 monitor(s) failed" in caplog.text
