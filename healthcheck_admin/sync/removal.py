"""Removed checks: apply ``ON_REMOVE`` to code rows no longer declared, to deleted rows, and to
``put()`` rows removed with ``manage.py healthchecks remove`` (:func:`remove_put`).

``"pause"`` (default) pauses the monitor, ``"delete"`` deletes it (only when confirmed,
``push --yes``), ``"keep"`` leaves it alone. Only monitors whose *remote* copy still carries
this project's ownership tag are paused or deleted: the refresh before a push tells, else
``GET /monitors/<key>`` does (a 404 means nothing to do, any other error means "try again
later", never "missing"). Only a local backend, which cannot read Cronitor, trusts what we
pushed. Each pause, deletion and monitor left alone is written to the row's history.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from healthcheck_admin.backends.base import BaseBackend, CronitorError
from healthcheck_admin.conf import app_settings
from healthcheck_admin.models import SOURCE, HealthcheckDefinition, Tombstone, new_revision
from healthcheck_admin.sync.history import record_event
from healthcheck_admin.sync.report import PushReport

if TYPE_CHECKING:
    from healthcheck_admin.sync.refresh import RemoteState

logger = logging.getLogger(__name__)

STATUS = HealthcheckDefinition.STATUS
#: Outcomes of :func:`remove_remote` that finish a removal.
DONE = frozenset({"paused", "deleted", "gone", "kept", "not-owned"})


def record_deletion(row: HealthcheckDefinition) -> Tombstone:
    """Remember that ``row`` was deleted, so that its monitor is removed on the next push.

    Call it from ``post_delete``; :func:`healthcheck_admin.sync.service.remove_monitor` or
    the next ``push()`` applies ``ON_REMOVE`` and deletes the tombstone.
    """
    tombstone, _ = Tombstone.objects.update_or_create(
        key=row.key, defaults={"monitor_code": row.monitor_code or "", "last_error": ""}
    )
    return tombstone


def is_due(row: HealthcheckDefinition) -> bool:
    return row.removed_at is not None and row.status != STATUS.removed


def _owned(
    backend: BaseBackend, key: str, pushed: dict[str, Any] | None, remote: RemoteState | None
) -> str | None:
    """None when the monitor is ours to remove, else the outcome ("gone" or "not-owned")."""
    tag = app_settings.OWNERSHIP_TAG
    if remote is not None:
        owned = remote.owned(key)
        return "gone" if owned is None else (None if owned else "not-owned")
    if not backend.real_account and pushed and tag in (pushed.get("tags") or []):
        return None  # a local backend cannot read Cronitor: what we pushed is all it knows
    doc = backend.get_monitor(key)
    if doc is None:
        return "gone"
    return None if tag in (doc.get("tags") or []) else "not-owned"


def remove_remote(
    backend: BaseBackend,
    key: str,
    pushed: dict[str, Any] | None,
    *,
    confirm_delete: bool,
    remote: RemoteState | None = None,
) -> str:
    """Apply ``ON_REMOVE`` to one monitor; returns the outcome, raises :class:`CronitorError`.

    Outcomes: paused, deleted, gone (nothing there), kept, not-owned, pending (a deletion
    that waits for ``confirm_delete``).
    """
    policy = app_settings.ON_REMOVE
    if policy == "keep":
        return "kept"
    if policy == "delete" and not confirm_delete:
        return "pending"
    refused = _owned(backend, key, pushed, remote)
    if refused is not None:
        return refused
    try:
        if policy == "delete":
            backend.delete(key)
            return "deleted"
        backend.pause(key)
    except CronitorError as exc:
        if exc.status == 404:
            return "gone"
        raise
    return "paused"


def _note(report: PushReport, key: str, outcome: str) -> None:
    tag = app_settings.OWNERSHIP_TAG
    if outcome == "pending":
        report.pending_deletion.append(key)
    elif outcome == "not-owned":
        report.not_owned.append(key)
        message = f"Not ours, left alone: the monitor on Cronitor lacks the ownership tag {tag!r}"
        logger.warning("Monitor %r was not paused or deleted: it lacks the ownership tag %r.", key, tag)
        record_event(key, "left_alone", message, {"ownership_tag": tag})
    else:
        report.removed.append(key)
        if outcome in ("paused", "deleted"):
            kind = "pause" if outcome == "paused" else "delete"
            record_event(key, kind, f"Monitor {outcome} on Cronitor (ON_REMOVE={app_settings.ON_REMOVE!r})")


def remove_rows(
    backend: BaseBackend,
    rows: Iterable[HealthcheckDefinition],
    *,
    confirm_delete: bool,
    report: PushReport,
    remote: RemoteState | None = None,
) -> list[int]:
    """Remove the monitors of removed rows; returns the pks of rows edited meanwhile."""
    conflicts: list[int] = []
    for row in rows:
        try:
            outcome = remove_remote(
                backend, row.key, row.pushed_payload, confirm_delete=confirm_delete, remote=remote
            )
        except CronitorError as exc:
            report.failed[row.key] = exc.message
            values: dict[str, Any] = {"status": STATUS.failed, "last_error": exc.message}
        else:
            _note(report, row.key, outcome)
            if outcome == "pending":
                continue
            values = {"status": STATUS.removed, "last_error": ""}
            if outcome in ("deleted", "gone"):
                values.update(monitor_code="", pushed_fingerprint="", pushed_payload=None)
        if row.pk not in HealthcheckDefinition.objects.record([(row, values)]):
            conflicts.append(row.pk)
    return conflicts


def remove_tombstones(
    backend: BaseBackend,
    tombstones: Iterable[Tombstone],
    *,
    confirm_delete: bool,
    report: PushReport,
    remote: RemoteState | None = None,
) -> None:
    """Remove the monitors of deleted rows; a tombstone goes once its removal is done."""
    tombstones = list(tombstones)
    taken = set(
        HealthcheckDefinition.objects.filter(key__in=[t.key for t in tombstones]).values_list(
            "key", flat=True
        )
    )
    for tombstone in tombstones:
        if tombstone.key in taken:  # the key is in use again: its row owns the monitor now
            tombstone.delete()
            continue
        try:
            outcome = remove_remote(
                backend, tombstone.key, None, confirm_delete=confirm_delete, remote=remote
            )
        except CronitorError as exc:
            report.failed[tombstone.key] = exc.message
            Tombstone.objects.filter(pk=tombstone.pk).update(last_error=exc.message)
            continue
        _note(report, tombstone.key, outcome)
        if outcome in DONE:
            tombstone.delete()


class RemoveRefused(ValueError):
    """``remove_put`` was asked for a key that is not a ``put()`` row; nothing was changed."""


def _refusal(key: str, row: HealthcheckDefinition | None) -> str | None:
    if row is None:
        return f"no healthcheck has the key {key!r}; `manage.py healthchecks list` shows the keys"
    if row.removed_at is not None or row.source == SOURCE.put:
        return None
    if row.source == SOURCE.code:
        return f"{key!r} is declared in urls.py; remove its healthcheck= there and deploy"
    return f"{key!r} was created in the admin; delete it there instead"


def remove_put(keys: Iterable[str], *, confirm_delete: bool = False) -> PushReport:
    """Mark the ``put()`` rows with these keys removed, then apply ``ON_REMOVE`` to their monitors.

    Every key is checked first: an unknown key, a live urls.py row or an admin row raises
    :class:`RemoveRefused` naming them all, and nothing is changed. A row already removed is
    accepted (its removal is retried when it is still due). A Cronitor failure is kept on the
    row (status failed) and the next push retries it, as for any removed row.
    """
    from healthcheck_admin.sync.service import push

    wanted = list(dict.fromkeys(keys))
    rows = {row.key: row for row in HealthcheckDefinition.objects.filter(key__in=wanted)}
    refused = [text for key in wanted if (text := _refusal(key, rows.get(key))) is not None]
    if refused:
        raise RemoveRefused("; ".join(refused))
    live = [row.pk for row in rows.values() if row.removed_at is None]
    now = timezone.now()
    HealthcheckDefinition.objects.filter(pk__in=live, removed_at__isnull=True).update(
        removed_at=now, status=STATUS.pending, revision=new_revision(), modified=now
    )
    return push(HealthcheckDefinition.objects.filter(key__in=wanted), confirm_delete=confirm_delete)
