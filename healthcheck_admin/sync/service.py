"""Push the table to Cronitor: the one service the commands, the admin, signals and tasks call.

With a refresh (the default) each row is decided three ways (:mod:`.threeway`, via
:mod:`.prepare`); without one, unchanged rows (same fingerprint and account, status synced)
are not sent. Bookkeeping goes through the named queryset methods of
:mod:`healthcheck_admin.bookkeeping` (a constant number of statements per batch, no
``post_save``, no lock held during HTTP), guarded by each row's ``revision``: a row edited
while it was in flight is not written, so it is read again and pushed again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet

from healthcheck_admin.backends import get_backend
from healthcheck_admin.backends.base import BaseBackend, BatchResult, CronitorError
from healthcheck_admin.bookkeeping import Outcome
from healthcheck_admin.conf import app_settings
from healthcheck_admin.models import HealthcheckDefinition, Tombstone
from healthcheck_admin.redaction import mask_monitor, secret_values
from healthcheck_admin.sync.account import may_record
from healthcheck_admin.sync.payload import PayloadError
from healthcheck_admin.sync.prepare import (
    Item,
    Options,
    Progress,
    confirmed_values,
    item_for,
    moving,
    needs_refresh,
    refresh_into,
    write_history,
)
from healthcheck_admin.sync.removal import is_due, record_deletion, remove_rows, remove_tombstones
from healthcheck_admin.sync.report import PushReport

__all__ = ["PushReport", "push", "push_keys", "record_deletion", "remove_monitor"]

logger = logging.getLogger(__name__)

STATUS = HealthcheckDefinition.STATUS
MAX_ROUNDS = 3


def push(
    rows: QuerySet[HealthcheckDefinition] | None = None,
    *,
    force: bool = False,
    dry_run: bool = False,
    validate: bool = False,
    confirm_delete: bool = False,
    progress: Progress | None = None,
    refresh: bool | None = None,
) -> PushReport:
    """Send what changed to the backend and record the outcome on each row.

    ``rows=None`` means every row, plus the tombstones of deleted rows. ``force`` resends
    unchanged rows. ``dry_run`` sends and writes nothing (see ``report.would_send``).
    ``validate`` sends with ``"rollback": true`` and writes nothing. ``confirm_delete``
    allows ``ON_REMOVE = "delete"`` to delete. ``progress(done, total)`` runs after each batch.
    ``refresh`` (default ``HEALTHCHECKS["REFRESH"]``, True) reads Cronitor first and decides
    three ways (see :mod:`.threeway`); a failed read sends nothing and sets ``report.error``.
    ``refresh=False`` is the fast path: it trusts the bookkeeping (``--no-refresh``).
    """
    refreshing = app_settings.REFRESH if refresh is None else refresh
    options = Options(force, dry_run, validate, confirm_delete, progress, refreshing)
    selected = list(HealthcheckDefinition.objects.all() if rows is None else rows)
    tombstones = list(Tombstone.objects.all()) if rows is None else []
    return _run(selected, tombstones, options)


def push_keys(
    keys: Sequence[str], *, force: bool = False, progress: Progress | None = None, refresh: bool | None = None
) -> PushReport:
    """Push the rows with these keys (and apply removal to tombstones among them); for tasks.

    No refresh by default (a save pushes one row, and a refresh lists every page), except
    for a never-pushed admin row when ``HEALTHCHECKS["REFRESH"]`` is on: only the refresh
    can tell whether its key already names someone else's monitor (see ``prepare.foreign``).
    """
    rows = list(HealthcheckDefinition.objects.filter(key__in=list(keys)))
    if refresh is None:
        refresh = app_settings.REFRESH and any(needs_refresh(row) for row in rows)
    options = Options(force, False, False, False, progress, refresh)
    tombstones = list(Tombstone.objects.filter(key__in=list(keys)))
    return _run(rows, tombstones, options)


def remove_monitor(key: str, monitor_code: str = "") -> None:
    """Apply ``ON_REMOVE`` to the monitor of a deleted row; for ``post_delete`` and tasks.

    A failure is logged and kept on the row's tombstone, so that the next push retries it.
    """
    tombstone, _ = Tombstone.objects.get_or_create(key=key, defaults={"monitor_code": monitor_code})
    report = _run([], [tombstone], Options(False, False, False, False, None))
    for failed_key, error in report.failed.items():
        logger.warning("Removing monitor %r failed: %s", failed_key, error)


def _run(rows: list[HealthcheckDefinition], tombstones: list[Tombstone], options: Options) -> PushReport:
    report = PushReport(dry_run=options.dry_run, validate=options.validate)
    with get_backend() as backend:
        try:
            try:
                refresh_into(backend, rows, tombstones, options)
            except CronitorError as exc:
                report.error = f"{exc.message}; nothing was sent (or use --no-refresh)"
                return report
            if options.dry_run:
                _dry_run(rows, tombstones, options, report)
                return report
            _rounds(backend, rows, tombstones, options, report)
        finally:
            report.requests = backend.request_count
    return report


def _rounds(
    backend: BaseBackend,
    rows: list[HealthcheckDefinition],
    tombstones: list[Tombstone],
    options: Options,
    report: PushReport,
) -> None:
    for round_number in range(MAX_ROUNDS):
        active = [row for row in rows if row.removed_at is None]
        conflicts = _push_rows(backend, active, options, report)
        if options.writes:
            due = [row for row in rows if is_due(row)]
            conflicts += remove_rows(
                backend, due, confirm_delete=options.confirm_delete, report=report, remote=options.remote
            )
        if not conflicts:
            break
        rows = _reread(conflicts, report)
        if round_number == MAX_ROUNDS - 1:
            keys = ", ".join(row.key for row in rows)
            logger.warning("Rows kept changing while being pushed; push them again: %s", keys)
        options.force = True
    if options.writes and tombstones:
        remove_tombstones(
            backend, tombstones, confirm_delete=options.confirm_delete, report=report, remote=options.remote
        )


def _reread(pks: list[int], report: PushReport) -> list[HealthcheckDefinition]:
    """Rows edited while in flight: forget what this round said about them and read them again."""
    rows = list(HealthcheckDefinition.objects.filter(pk__in=pks))
    for row in rows:
        report.failed.pop(row.key, None)
        for listing in (report.synced, report.removed):
            if row.key in listing:
                listing.remove(row.key)
    return rows


def _prepare(
    rows: Iterable[HealthcheckDefinition], options: Options, report: PushReport
) -> tuple[list[Item], list[int]]:
    """Build the monitors to send; rows that cannot be built fail now. Returns (items, conflicts).

    Rows whose remote copy already matches but whose bookkeeping is stale (adopted, another
    account) are recorded here without being sent.
    """
    items: list[Item] = []
    unbuildable: list[tuple[HealthcheckDefinition, str]] = []
    quiet: list[Item] = []
    for row in rows:
        try:
            item = item_for(row, options)
        except PayloadError as exc:
            unbuildable.append((row, str(exc)))
            continue
        if item is None or item.resolved is None:
            report.skipped += 1
            if item is not None:
                quiet.append(item)
        else:
            items.append(item)
    conflicts = _fail(unbuildable, options, report)
    if quiet and options.writes and options.backend is not None:
        codes = {item.row.key: item.code for item in quiet}
        conflicts += _record(quiet, BatchResult(codes=codes), options, report, options.backend)
    return items, conflicts


def _push_rows(
    backend: BaseBackend, rows: list[HealthcheckDefinition], options: Options, report: PushReport
) -> list[int]:
    """Send the changed rows in batches of ``BATCH_SIZE`` (the one place that cuts batches).

    Each batch is claimed first (``pushing``, with a lease), then sent, then its outcome is
    written: a process killed in between leaves the rows ``pushing`` until the lease runs
    out, and the next push claims them again. Nothing is marked synced before Cronitor
    confirmed it.
    """
    items, conflicts = _prepare(rows, options, report)
    size = max(1, app_settings.BATCH_SIZE)
    abort: str | None = None
    for start in range(0, len(items), size):
        chunk = items[start : start + size]
        if options.writes:
            claimed = HealthcheckDefinition.objects.claim([item.row for item in chunk])
            conflicts += [item.row.pk for item in chunk if item.row.pk not in claimed]
            chunk = [item for item in chunk if item.row.pk in claimed]
        for item in chunk:  # the backend scrubs these before it cuts any text a server sent
            backend.hide(secret_values(item.row.headers, item.row.cookies))
        if chunk and abort is not None:  # the API is unreachable or refused the key: do not try the rest
            conflicts += _record(chunk, BatchResult(error=abort, abort=True), options, report, backend)
        elif chunk:
            sent = [item.resolved for item in chunk if item.resolved is not None]
            result = backend.put_monitors(sent, rollback=options.validate)
            report.sent += len(chunk)
            abort = result.error if result.abort else None
            conflicts += _record(chunk, result, options, report, backend)
        if options.progress is not None:
            options.progress(min(start + size, len(items)), len(items))
    return conflicts


def _record(
    chunk: list[Item], result: BatchResult, options: Options, report: PushReport, backend: BaseBackend
) -> list[int]:
    """Write the batch's outcome (two statements); returns the pks of rows edited meanwhile.

    Server text is scrubbed of every secret the backend knows. A local backend leaves rows
    recorded for a real account as they are (see :mod:`.account`); the console and dummy
    backends store no monitor code. An unchanged row sent only because the account changed
    keeps its state when the new account cannot be reached.
    """
    outcomes: list[Outcome] = []
    confirmed: list[Item] = []
    failed: list[tuple[HealthcheckDefinition, str]] = []
    for item in chunk:
        row, code = item.row, result.codes.get(item.row.key)
        if code is None and result.abort and moving(item):
            report.skipped += 1
            outcomes.append((row, {"status": STATUS.synced, "lease_expires_at": None}))
        elif code is None:
            error = result.errors.get(row.key) or result.error or "Cronitor did not confirm this monitor"
            failed.append((row, backend.scrub(error)))
            outcomes.append((row, _failed(failed[-1][1])))
        elif not may_record(backend, options.account, row.account):
            report.unrecorded.append(row.key)
            outcomes.append((row, {"status": row.status, "lease_expires_at": None}))
        else:
            confirmed.append(item)
            outcomes.append((row, confirmed_values(item, code, result, options, backend)))
    written = _write(outcomes, options)
    for item in confirmed:
        if written is None or item.row.pk in written:
            report.synced.append(item.row.key)
            if item.row.key in result.disabled:
                report.disabled.append(item.row.key)
            if written is not None:
                write_history(item)
    for row, error in failed:
        if written is None or row.pk in written:
            report.failed[row.key] = error
    return [item.row.pk for item in chunk if written is not None and item.row.pk not in written]


def _failed(error: str) -> dict[str, Any]:
    return {"status": STATUS.failed, "last_error": error, "lease_expires_at": None}


def _fail(rows: list[tuple[HealthcheckDefinition, str]], options: Options, report: PushReport) -> list[int]:
    """Record failed rows; returns the pks of rows that changed meanwhile (they are pushed again)."""
    written = _write([(row, _failed(error)) for row, error in rows], options)
    for row, error in rows:
        if written is None or row.pk in written:
            report.failed[row.key] = error
    return [row.pk for row, _ in rows if written is not None and row.pk not in written]


def _write(outcomes: list[Outcome], options: Options) -> set[int] | None:
    """Bookkeeping for these rows unless edited since they were read: the pks written.

    ``None`` when this push writes nothing (``validate``).
    """
    if not options.writes:
        return None
    return HealthcheckDefinition.objects.record(outcomes)


def _dry_run(
    rows: list[HealthcheckDefinition], tombstones: list[Tombstone], options: Options, report: PushReport
) -> None:
    items, _ = _prepare([row for row in rows if row.removed_at is None], options, report)
    report.would_send = [mask_monitor(item.unresolved or item.monitor) for item in items]
    report.would_remove = [row.key for row in rows if is_due(row)] + [t.key for t in tombstones]
    if app_settings.ON_REMOVE == "delete" and not options.confirm_delete:
        report.pending_deletion = list(report.would_remove)
