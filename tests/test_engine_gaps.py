"""Gaps left by the engine work: ``UPSERT_ON_MIGRATE = False`` and SQLite's lock retry, for real."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from healthcheck_admin.deploy import PUSH_DUE, after_migrate
from healthcheck_admin.models import HealthcheckDefinition, RegistryState
from healthcheck_admin.upsert import STATE_NAME
from tests.sync_utils import healthchecks, make_row

STATUS = HealthcheckDefinition.STATUS
#: Bound on every wait below: far above what any step needs, so only a real hang fails.
WAIT_SECONDS = 30.0


@pytest.mark.django_db
def test_upsert_on_migrate_false_makes_post_migrate_skip_the_upsert(settings):
    healthchecks(settings, UPSERT_ON_MIGRATE=False)

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default", plan=[])

    assert after_migrate("default") is None
    assert not HealthcheckDefinition.objects.exists()
    assert not RegistryState.objects.filter(name__in=[PUSH_DUE, STATE_NAME]).exists()

    healthchecks(settings, UPSERT_ON_MIGRATE=True)  # the same signal upserts once it is on again
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default", plan=[])
    assert HealthcheckDefinition.objects.code().exists()
    assert RegistryState.objects.filter(name=PUSH_DUE).exists()


class _LockHolder(threading.Thread):
    """A second sqlite3 connection that holds the write lock until told to let it go."""

    def __init__(self, path: str) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.holding = threading.Event()
        self.release = threading.Event()
        self.released = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            other = sqlite3.connect(self.path, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                self.holding.set()
                self.release.wait(WAIT_SECONDS)
                other.execute("COMMIT")
            finally:
                other.close()
        except BaseException as exc:  # reported by the test, never lost in the thread
            self.error = exc
        finally:
            self.holding.set()
            self.released.set()


class _OnRetry(logging.Handler):
    """When bookkeeping says it retries, let the lock go and wait until it is gone."""

    def __init__(self, holder: _LockHolder) -> None:
        super().__init__(logging.DEBUG)
        self.holder = holder
        self.retries = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "bookkeeping retries" in record.getMessage():
            self.retries += 1
            self.holder.release.set()
            self.holder.released.wait(WAIT_SECONDS)


@pytest.fixture
def no_busy_wait() -> Iterator[None]:
    """Make Django's connection fail at once on a lock (the test settings wait 30 s); SQLite only."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: the lock retry is for SQLite's database-wide write lock")
    connection.ensure_connection()
    with connection.cursor() as cursor:
        (before,) = cursor.execute("PRAGMA busy_timeout").fetchone()
        cursor.execute("PRAGMA busy_timeout = 0")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(before)}")


@pytest.mark.django_db(transaction=True)
def test_bookkeeping_waits_for_another_writer_and_then_succeeds(settings, no_busy_wait):
    path = str(connection.settings_dict["NAME"])
    assert path not in ("", ":memory:")
    assert "mode=memory" not in path
    healthchecks(settings, SYNC_ON_SAVE=False)
    row = make_row("locked-bookkeeping")
    holder = _LockHolder(path)
    handler = _OnRetry(holder)
    logger = logging.getLogger("healthcheck_admin.bookkeeping")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    holder.start()
    try:
        assert holder.holding.wait(WAIT_SECONDS)
        assert holder.error is None, holder.error

        written = HealthcheckDefinition.objects.record_synced([row], [{"monitor_code": "locked-abc"}])
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        holder.release.set()
        holder.join(WAIT_SECONDS)

    assert holder.error is None, holder.error
    assert handler.retries == 1  # the first attempt met the lock; the second one wrote
    assert written == {row.pk}
    row.refresh_from_db()
    assert (row.status, row.monitor_code, row.last_error) == (STATUS.synced, "locked-abc", "")


@pytest.mark.django_db(transaction=True)
def test_without_the_retry_the_same_lock_fails_the_write(no_busy_wait):
    """The control: the lock held above really makes a write fail when nothing retries."""
    from django.db import OperationalError

    holder = _LockHolder(str(connection.settings_dict["NAME"]))
    holder.start()
    try:
        assert holder.holding.wait(WAIT_SECONDS)
        with pytest.raises(OperationalError, match="locked"), connection.cursor() as cursor:
            cursor.execute("BEGIN IMMEDIATE")
    finally:
        holder.release.set()
        holder.join(WAIT_SECONDS)
    assert holder.error is None, holder.error
