"""Per row, what a push does: skip it, record it without sending, or send which monitor.

The decision logic of :mod:`healthcheck_admin.sync.service`: the refresh before a push,
the three-way decision (:mod:`.threeway`) or the fast path, and the history of adoptions
and of conflicts that code won.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from healthcheck_admin import expiry
from healthcheck_admin.backends.base import BaseBackend, BatchResult, RemoteUnknown
from healthcheck_admin.conf import app_settings
from healthcheck_admin.models import HealthcheckDefinition, Tombstone
from healthcheck_admin.redaction import mask_monitor
from healthcheck_admin.sync.account import account_for
from healthcheck_admin.sync.history import record_event
from healthcheck_admin.sync.payload import Monitor, PayloadError, fingerprint, monitor_for, resolve
from healthcheck_admin.sync.refresh import RemoteState, read_remote, store
from healthcheck_admin.sync.threeway import Decision, for_row, last_pushed, outgoing

STATUS = HealthcheckDefinition.STATUS
Progress = Callable[[int, int], None]


@dataclass
class Item:
    row: HealthcheckDefinition
    monitor: Monitor
    fingerprint: str
    resolved: Monitor | None  # None: nothing to send, only the bookkeeping to write
    decision: Decision | None = None
    code: str = ""
    unresolved: Monitor | None = None  # what is sent, before env: references are read


@dataclass
class Options:
    force: bool
    dry_run: bool
    validate: bool
    confirm_delete: bool
    progress: Progress | None
    refresh: bool = False
    account: str = ""
    remote: RemoteState | None = None
    backend: BaseBackend | None = None

    @property
    def writes(self) -> bool:
        return not (self.dry_run or self.validate)


def refresh_into(
    backend: BaseBackend, rows: list[HealthcheckDefinition], tombstones: list[Tombstone], options: Options
) -> None:
    """Read Cronitor and store what it holds on the rows; CronitorError when it cannot be read.

    A push that writes records the environment's first push first (its ``expires:`` date).
    """
    if options.writes:
        expiry.record_start()
    options.account = account_for(backend)
    options.backend = backend
    if not options.refresh:
        return
    try:
        options.remote = read_remote(backend, [row.key for row in rows] + [t.key for t in tombstones])
    except RemoteUnknown:
        return
    if options.writes:
        store(rows, options.remote)


def stale(row: HealthcheckDefinition, digest: str, account: str) -> bool:
    synced = row.status in (STATUS.synced, STATUS.disabled)
    return digest != row.pushed_fingerprint or row.account != account or not synced


def item_for(row: HealthcheckDefinition, options: Options) -> Item | None:
    """What to do with one row: None to skip it; ``resolved`` None to record without sending."""
    monitor = monitor_for(row)
    digest = fingerprint(monitor)
    remote = options.remote
    doc = remote.monitors.get(row.key) if remote is not None else None
    pushed = last_pushed(row, options.account)
    if doc is not None:
        decision = for_row(row, monitor, options.account, doc)
        refusal = foreign(row, decision, doc)
        if refusal:
            raise PayloadError(refusal)
        if decision.send is None and not options.force:
            if not stale(row, digest, options.account):
                return None
            code = str((doc.get("attributes") or {}).get("code") or row.monitor_code or "")
            return Item(row, monitor, digest, None, decision, code)
        send = decision.send or outgoing(monitor, pushed, list(doc.get("tags") or []))
        return Item(row, monitor, digest, resolve(send), decision, unresolved=send)
    unchanged = digest == row.pushed_fingerprint and row.status == STATUS.synced
    if remote is None and not options.force and unchanged and row.account == options.account:
        return None
    stored = row.remote_payload if remote is None and isinstance(row.remote_payload, dict) else None
    send = outgoing(monitor, pushed, list(stored.get("tags") or []) if stored else None)
    return Item(row, monitor, digest, resolve(send), unresolved=send)


def foreign(row: HealthcheckDefinition, decision: Decision, doc: dict[str, Any]) -> str | None:
    """Why a never-pushed admin row may not take over ``doc``, or None.

    A monitor with the row's key that lacks our ownership tag was made elsewhere (the
    dashboard, another project): an admin row takes it over only when it asked to adopt it
    (``adopt_remote``). Code rows are adopted (a declaration names the check it means).
    """
    if decision.action != "adopt" or row.is_code or row.adopt_remote:
        return None
    if app_settings.OWNERSHIP_TAG in (doc.get("tags") or []):
        return None
    return (
        f"a monitor with the key {row.key!r} already exists on Cronitor and is not managed by this "
        "project; tick 'adopt an existing Cronitor monitor' on the row to take it over (its dashboard "
        "settings are kept), or choose another key; nothing was sent"
    )


def needs_refresh(row: HealthcheckDefinition) -> bool:
    """A never-pushed admin row: only a refresh can tell whether its key is someone else's."""
    return not row.is_code and not row.adopt_remote and not (row.monitor_code or row.pushed_fingerprint)


def write_history(item: Item) -> None:
    """Adoptions and conflicts that code won go to the row's history."""
    decision, key = item.decision, item.row.key
    if decision is None:
        return
    if decision.action == "adopt":
        fields = ", ".join(decision.diff) or "nothing"
        record_event(
            key, "adopt", f"Adopted the existing monitor; changed {fields}", {"diff": shown(decision)}
        )
    for name, values in decision.conflicts.items():
        message = f"{name} was changed on the dashboard and in code; code won (the remote value is kept here)"
        record_event(key, "conflict", message, {"field": name, **values})


def shown(decision: Decision) -> dict[str, Any]:
    return {name: {"remote": old, "code": new} for name, (old, new) in decision.diff.items()}


def moving(item: Item) -> bool:
    """Unchanged and synced: sent only because the account changed (its state stays as it is)."""
    row = item.row
    return row.status == STATUS.synced and item.fingerprint == row.pushed_fingerprint


def confirmed_values(
    item: Item, code: str, result: BatchResult, options: Options, backend: BaseBackend
) -> dict[str, Any]:
    disabled = result.disabled.get(item.row.key)
    return {
        "status": STATUS.disabled if disabled else STATUS.synced,
        "last_error": backend.scrub(disabled) if disabled else "",
        "lease_expires_at": None,
        "monitor_code": code if backend.records_codes else "",
        "last_pushed_at": timezone.now(),
        "pushed_fingerprint": item.fingerprint,
        "pushed_payload": mask_monitor(item.monitor),
        "account": options.account,
    }
