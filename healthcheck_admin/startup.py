"""The startup hook: once per web process, upsert the code-defined checks, then push what changed.

It starts on the first request a process serves (``request_started``; management
commands never serve one), once that request has finished (or after
``FIRST_REQUEST_GRACE`` seconds), or when gunicorn's ``post_worker_init`` calls
:func:`run_startup_hook`. The work runs in a daemon thread, so neither the request nor
the worker's start waits on the database or on Cronitor, and an error is only logged.

Across N workers starting together the work is done once per deploy, as told in
:mod:`healthcheck_admin.deploy` (migrate, mark, start, claim, push). With nothing changed
and no push left unfinished, no worker sends anything.

The hook never runs under tests (``setup_test_environment()`` was called); tests of
the hook call ``run_startup_hook(wait=True)``.
"""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass
from typing import Any

from django.db import connections

from healthcheck_admin import deploy
from healthcheck_admin.conf import app_settings
from healthcheck_admin.deploy import PUSH_DUE, RETRY_FAILED_PUSH_AFTER, mark_push_due
from healthcheck_admin.sync.report import PushReport
from healthcheck_admin.upsert import UpsertResult

logger = logging.getLogger(__name__)

__all__ = ["PUSH_DUE", "RETRY_FAILED_PUSH_AFTER", "StartupOutcome", "mark_push_due", "run_startup_hook"]

_lock = threading.Lock()
_started = False
_thread: threading.Thread | None = None
#: Set when a request of this process finishes: the hook waits for the first one, so that
#: its work never competes with that request for the interpreter.
_request_done = threading.Event()
FIRST_REQUEST_GRACE = 5.0
THREAD_NAME = "healthcheck-admin-startup"
last_outcome: StartupOutcome | None = None


@dataclass
class StartupOutcome:
    """What one run of the hook did."""

    upsert: UpsertResult | None = None
    push: PushReport | None = None
    error: str | None = None

    def summary(self) -> str:
        if self.error is not None:
            return f"failed: {self.error}"
        parts = [f"upsert: {self.upsert.summary()}" if self.upsert else "no upsert"]
        parts.append(f"push: {self.push.summary()}" if self.push is not None else "nothing to push")
        return "; ".join(parts)


def under_tests() -> bool:
    """Whether Django's test environment is set up in this process (``setup_test_environment()``).

    Read from ``sys.modules`` so that a web process never imports ``django.test``.
    """
    utils = sys.modules.get("django.test.utils")
    return utils is not None and hasattr(utils._TestState, "saved_data")


def on_request_started(sender: Any, **kwargs: Any) -> None:
    """``request_started`` receiver: on the first request of the process, start the hook.

    Only requests from a real server count: Django's test ``Client`` (the test suite,
    ``healthchecks run --in-process``) sends the signal from its ``ClientHandler``.
    """
    if _started or under_tests() or _from_test_client(sender):
        return
    if _claim_process():
        _spawn(after=_request_done)


def _from_test_client(sender: Any) -> bool:
    client = sys.modules.get("django.test.client")  # not imported: no test Client in this process
    if client is None or not isinstance(sender, type):
        return False
    return issubclass(sender, (client.ClientHandler, client.AsyncClientHandler))


def on_request_finished(sender: Any, **kwargs: Any) -> None:
    """``request_finished`` receiver: lets a hook waiting for the first request go."""
    if not _request_done.is_set():
        _request_done.set()


def run_startup_hook(*, wait: bool = False) -> StartupOutcome | None:
    """Run the hook now, e.g. from gunicorn's ``post_worker_init``.

    With ``wait=False`` it runs in a daemon thread and this returns ``None`` at once;
    with ``wait=True`` it runs in the calling thread and returns what it did. Either
    way the process counts as started, so its first request does not run it again.
    Never raises.
    """
    _claim_process()
    if wait:
        return _run_hook()
    _spawn()
    return None


def wait_for_startup(timeout: float | None = None) -> bool:
    """Join the hook's thread if one was started; ``True`` when it is no longer running."""
    thread = _thread
    if thread is None:
        return True
    thread.join(timeout)
    return not thread.is_alive()


def reset() -> None:
    """Forget that this process ran the hook, as if it had just started (for tests)."""
    global _started, _thread, last_outcome
    with _lock:
        _started = False
        _thread = None
        last_outcome = None
        _request_done.clear()


def _claim_process() -> bool:
    global _started
    with _lock:
        if _started:
            return False
        _started = True
        return True


def _spawn(after: threading.Event | None = None) -> None:
    global _thread
    thread = threading.Thread(
        target=_run_in_thread, args=(after,), name="healthcheck-admin-startup", daemon=True
    )
    _thread = thread
    thread.start()


def _run_in_thread(after: threading.Event | None) -> None:
    if after is not None:
        after.wait(FIRST_REQUEST_GRACE)
    try:
        _run_hook()
    finally:
        connections.close_all()


def _run_hook() -> StartupOutcome:
    global last_outcome
    outcome = StartupOutcome()
    try:
        outcome.upsert, outcome.push = deploy.start(push=app_settings.SYNC_ON_STARTUP)
        if app_settings.REFRESH_EVERY_SECONDS > 0:
            from healthcheck_admin.sync.tasks import schedule_refresh

            schedule_refresh()
    except Exception as exc:
        outcome.error = f"{type(exc).__name__}: {exc}"
        logger.exception(
            "Healthcheck startup hook failed; the next start or 'manage.py healthchecks push' retries"
        )
    else:
        logger.info("Healthcheck startup hook: %s", outcome.summary())
    last_outcome = outcome
    return outcome
