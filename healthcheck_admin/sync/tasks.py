"""Run pushes off the request thread: through Django's Tasks framework, else in a daemon thread.

:func:`enqueue_push` is what the ``post_save``/``post_delete`` receivers call (after
commit). Where the push runs:

1. Django 6.x: the built-in ``django.tasks``, on whatever backend ``TASKS`` names.
2. Django 5.2: the ``django-tasks`` backport, when it is installed *and* ``TASKS`` is set.
3. Otherwise, a daemon thread of this process.

A backend that runs tasks at once in the calling thread (``ImmediateBackend``, the
default of ``django.tasks``) would run the push inside the request that saved the
row, so for such a backend the task is enqueued from a daemon thread instead. Every
error is logged and none reaches the caller.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from functools import partial
from types import ModuleType
from typing import Any

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

_threads: set[threading.Thread] = set()
_threads_lock = threading.Lock()


def _framework() -> ModuleType | None:
    """``django.tasks`` (Django 6+), else the ``django_tasks`` backport, else ``None``."""
    for name in ("django.tasks", "django_tasks"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


def _push_now(keys: list[str], force: bool = False, track: bool = False) -> str:
    """Push ``keys``; ``track`` records how far it got for the admin (:mod:`.progress`)."""
    from healthcheck_admin.sync import progress
    from healthcheck_admin.sync.service import push_keys

    try:
        report = push_keys(keys, force=force, progress=progress.advance if track else None)
    except BaseException:
        if track:
            progress.crash()
        raise
    if track:
        progress.finish(report)
    summary = str(report.summary())
    if report.ok:
        logger.info("Pushed %d monitor(s): %s", len(keys), summary)
    else:
        logger.warning("Push of %d monitor(s) had failures: %s", len(keys), summary)
    return summary


def _task_decorator() -> Callable[[Callable[..., str]], Any]:
    """The framework's ``@task``, guarded: without a framework (or if it refuses), the plain function."""
    framework = _framework()

    def decorate(func: Callable[..., str]) -> Any:
        if framework is None:
            return func
        try:
            return framework.task(func)
        except Exception:
            logger.warning(
                "The Tasks framework refused %s; pushes run in a thread", func.__name__, exc_info=True
            )
            return func

    return decorate


@_task_decorator()
def push_monitors_task(keys: list[str], force: bool = False, track: bool = False) -> str:
    """The task: push the rows (or tombstones) with these keys; returns the push summary."""
    try:
        return _push_now(keys, force, track)
    except Exception:
        logger.exception("Push of %d monitor(s) failed", len(keys))
        raise


def _is_backport(task: Any) -> bool:
    return type(task).__module__.startswith("django_tasks")


def _task() -> Any | None:
    """The task to enqueue, or ``None`` when no Tasks framework is in use."""
    if not hasattr(push_monitors_task, "enqueue"):
        return None
    if _is_backport(push_monitors_task) and not hasattr(settings, "TASKS"):
        return None  # the backport is used only when the project configured it
    return push_monitors_task


def _runs_inline(task: Any) -> bool:
    """Whether the task's backend runs it right away, in the thread that enqueues it."""
    package = "django_tasks" if _is_backport(task) else "django.tasks"
    immediate = importlib.import_module(f"{package}.backends.immediate").ImmediateBackend
    return isinstance(task.get_backend(), immediate)


def enqueue_push(keys: list[str], *, force: bool = False, track: bool = False) -> str:
    """Push these keys in the background. Never raises and never blocks on the network.

    ``force`` resends unchanged rows; ``track`` records progress for the admin. Returns
    where the push runs: ``"task"`` (a Tasks backend's worker), ``"thread"`` or ``""`` (nothing to do).
    """
    keys = list(dict.fromkeys(keys))
    if not keys:
        return ""
    try:
        task = _task()
        if task is not None and not _runs_inline(task):
            task.enqueue(*([keys, force, track] if force or track else [keys]))
            return "task"
        if task is not None:
            target: Callable[[list[str]], object] = partial(task.enqueue, force=force, track=track)
        else:
            target = partial(_push_now, force=force, track=track)
    except Exception:
        logger.exception("Could not enqueue a push of %d monitor(s); pushing in a thread instead", len(keys))
        target = partial(_push_now, force=force, track=track)
    _start_thread(target, keys)
    return "thread"


def enqueue_snooze(keys: list[str], hours: int) -> None:
    """Pause these monitors on Cronitor for ``hours`` hours, in a daemon thread (small and rare)."""
    from healthcheck_admin.sync.snooze import pause_remote

    if keys:
        _start_thread(partial(pause_remote, hours=hours), list(keys))


def _start_thread(target: Callable[[list[str]], object], keys: list[str]) -> threading.Thread:
    thread = threading.Thread(target=_run, args=(target, keys), name="healthcheck-admin-push", daemon=True)
    with _threads_lock:
        _threads.add(thread)
    thread.start()
    return thread


def _run(target: Callable[[list[str]], object], keys: list[str]) -> None:
    try:
        target(keys)
    except Exception:
        logger.exception("Background push of %d monitor(s) failed", len(keys))
    finally:
        connections.close_all()
        with _threads_lock:
            _threads.discard(threading.current_thread())


def wait_for_background_pushes(timeout: float | None = None) -> bool:
    """Join the push threads started by :func:`enqueue_push`; ``True`` when none is left running.

    Useful in tests and in scripts that exit right after saving a row.
    """
    with _threads_lock:
        pending = list(_threads)
    for thread in pending:
        thread.join(timeout)
    return not any(thread.is_alive() for thread in pending)


# -- periodic refresh (HEALTHCHECKS["REFRESH_EVERY_SECONDS"]) ------------------------------------
REFRESH_MARK = "refresh-next"


def _refresh_now() -> str:
    from healthcheck_admin.sync.refresh import refresh

    state = refresh()
    return f"refreshed {state.listed} remote monitor(s) in {state.requests} request(s)"


def _refresh_task_decorator() -> Callable[[Callable[[], str]], Any]:
    framework = _framework()

    def decorate(func: Callable[[], str]) -> Any:
        if framework is None:
            return func
        try:
            return framework.task(func)
        except Exception:
            logger.warning("The Tasks framework refused %s", func.__name__, exc_info=True)
            return func

    return decorate


@_refresh_task_decorator()
def refresh_monitors_task() -> str:
    """The periodic task: refresh remote copy and health, then schedule the next run."""
    try:
        return _refresh_now()
    except Exception:
        logger.exception("Periodic refresh failed; the next one is still scheduled")
        raise
    finally:
        schedule_refresh(force=True)


def schedule_refresh(*, force: bool = False) -> bool:
    """Enqueue the next periodic refresh, ``REFRESH_EVERY_SECONDS`` from now; True when enqueued.

    Does nothing when the setting is 0, no Tasks framework is configured, or its backend runs
    tasks inline (that would refresh forever in the caller). Without ``force`` a refresh already
    scheduled (by another process) is not scheduled twice.
    """
    import datetime as dt

    from django.utils import timezone

    from healthcheck_admin.conf import app_settings
    from healthcheck_admin.models import RegistryState

    period = app_settings.REFRESH_EVERY_SECONDS
    task = refresh_monitors_task
    if period <= 0 or not hasattr(task, "enqueue"):
        return False
    if _is_backport(task) and not hasattr(settings, "TASKS"):
        return False
    if _runs_inline(task):
        logger.warning("REFRESH_EVERY_SECONDS needs a Tasks backend with a worker, not one that runs inline")
        return False
    now = timezone.now()
    mark = RegistryState.objects.filter(name=REFRESH_MARK).values_list("value", flat=True).first()
    if not force and mark and dt.datetime.fromisoformat(mark) > now:
        return False
    run_after = now + dt.timedelta(seconds=period)
    task.using(run_after=run_after).enqueue()
    RegistryState.objects.update_or_create(name=REFRESH_MARK, defaults={"value": run_after.isoformat()})
    return True
