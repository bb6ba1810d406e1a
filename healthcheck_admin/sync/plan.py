"""What a push would do, row by row, without sending anything.

With a refresh (the default), each row is compared three ways (declared, last pushed,
remote; see :mod:`healthcheck_admin.sync.threeway`). Without one (``refresh=False``, or a
backend that cannot read Cronitor) the plan compares each row with what was last pushed:
the fingerprint says *whether* it changed, the stored ``pushed_payload`` *which fields*.
Either way a row recorded for another account is pending.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from healthcheck_admin.backends import get_backend
from healthcheck_admin.backends.base import RemoteUnknown
from healthcheck_admin.conf import app_settings
from healthcheck_admin.models import HealthcheckDefinition, Tombstone
from healthcheck_admin.redaction import MASK, mask_monitor
from healthcheck_admin.sync.account import account_for
from healthcheck_admin.sync.payload import Monitor, PayloadError, diff, fingerprint, monitor_for
from healthcheck_admin.sync.plan_warnings import warnings_for
from healthcheck_admin.sync.prepare import foreign
from healthcheck_admin.sync.refresh import RemoteState, read_remote
from healthcheck_admin.sync.removal import is_due
from healthcheck_admin.sync.threeway import for_row

ACTIONS = ("create", "update", "adopt", "conflict", "unchanged", "disabled", "remove", "delete")
CHANGES = frozenset({"create", "update", "adopt", "conflict", "remove", "delete"})
STATUS = HealthcheckDefinition.STATUS
NOT_OURS = "not ours, left alone: the monitor on Cronitor lacks the ownership tag {tag!r}"


@dataclass
class PlanItem:
    """One row (or deleted row): its ``action`` and, for changes, ``diff`` = {field: (old, new)}.

    ``old`` is the remote value after a refresh, else the last pushed one; values are masked.
    ``sources`` says per field whether the change came from "code", the "dashboard" or "both"
    (a conflict: code wins). ``error`` says why the row cannot be pushed as it is, ``note``
    anything else worth knowing (a monitor left alone, a look-alike remote monitor), ``warnings``
    what may page nobody or too often (:mod:`healthcheck_admin.sync.plan_warnings`).
    """

    key: str
    action: str
    diff: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    error: str = ""
    source: str = ""
    sources: dict[str, str] = field(default_factory=dict)
    note: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return self.action in CHANGES

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "action": self.action,
            "source": self.source,
            "diff": {name: list(values) for name, values in self.diff.items()},
            "sources": self.sources,
            "error": self.error,
            "note": self.note,
            "warnings": self.warnings,
        }


def _removal_action() -> str:
    return "delete" if app_settings.ON_REMOVE == "delete" else "remove"


def _never_pushed(row: HealthcheckDefinition, account: str) -> bool:
    return not (row.monitor_code or row.pushed_fingerprint) or row.account not in ("", account)


def _removal(key: str, source: str, due: bool, remote: RemoteState | None) -> PlanItem:
    if not due:
        return PlanItem(key, "unchanged", source=source)
    if remote is not None and app_settings.ON_REMOVE != "keep":
        owned = remote.owned(key)
        if owned is None:
            return PlanItem(key, "unchanged", source=source, note="already gone from Cronitor")
        if not owned:
            note = NOT_OURS.format(tag=app_settings.OWNERSHIP_TAG)
            return PlanItem(key, "unchanged", source=source, note=note)
    return PlanItem(key, _removal_action(), source=source)


def _lookalike(monitor: Monitor, remote: RemoteState) -> str:
    request = monitor.get("request") or {}
    other = remote.lookalikes.get((str(request.get("method", "GET")).upper(), str(request.get("url"))))
    if other is None:
        return ""
    return (
        f"looks like the existing remote monitor {other!r} (same URL and method, different key): "
        "if django_auto_healthchecks made it, set HEALTHCHECKS['KEY_STRATEGY'] = 'legacy'; "
        f"or adopt it with 'healthchecks import --key {other}'"
    )


def _two_way(row: HealthcheckDefinition, monitor: Monitor, account: str, item: PlanItem) -> PlanItem:
    digest = fingerprint(monitor)
    if digest == row.pushed_fingerprint and row.status == STATUS.synced and row.account == account:
        item.action = "unchanged"
        return item
    if item.action == "create":
        item.diff = diff(None, mask_monitor(monitor))
        return item
    changed = diff(row.pushed_payload, mask_monitor(monitor))
    if not changed and digest != row.pushed_fingerprint:  # only a masked value changed
        changed = {"request": (MASK, f"{MASK} (a masked header or cookie changed)")}
    elif not changed and row.account != account:
        changed = {"account": (row.account, account)}
    elif not changed:
        changed = {"status": (str(row.status), str(STATUS.synced))}
    item.diff = changed
    return item


def plan_row(row: HealthcheckDefinition, account: str = "", remote: RemoteState | None = None) -> PlanItem:
    """The action for one row; ``remote`` (from a refresh) turns on the three-way comparison."""
    if row.removed_at is not None:
        return _removal(row.key, str(row.source), is_due(row), remote)
    item = _active(row, account, remote)
    item.warnings = warnings_for(row, None if remote is None else remote.monitors.get(row.key))
    return item


def _active(row: HealthcheckDefinition, account: str, remote: RemoteState | None) -> PlanItem:
    source = str(row.source)
    action = "create" if _never_pushed(row, account) else "update"
    item = PlanItem(row.key, action, source=source, error=str(row.last_error or ""))
    try:
        monitor = monitor_for(row)
    except PayloadError as exc:
        item.error = str(exc)
        return item
    if remote is None:
        return _two_way(row, monitor, account, item)
    doc = remote.monitors.get(row.key)
    if doc is None:
        item.action, item.diff = "create", diff(None, mask_monitor(monitor))
        item.note = _lookalike(monitor, remote)
        return item
    decision = for_row(row, monitor, account, doc)
    item.action, item.diff, item.sources = decision.action, decision.diff, decision.sources
    if doc.get("disabled") and decision.action != "disabled":
        item.note = "Cronitor holds this monitor disabled"
    item.error = foreign(row, decision, doc) or item.error
    if item.action in ("unchanged", "disabled"):
        item.error = ""
    return item


def refreshed(rows: list[HealthcheckDefinition], refresh: bool) -> tuple[str, RemoteState | None]:
    """(current account, remote state or None when not refreshed / the backend cannot read)."""
    with get_backend() as backend:
        account = account_for(backend)
        if not refresh:
            return account, None
        try:
            return account, read_remote(backend, [row.key for row in rows])
        except RemoteUnknown:
            return account, None


def plan(
    rows: QuerySet[HealthcheckDefinition] | None = None, *, refresh: bool | None = None
) -> list[PlanItem]:
    """One :class:`PlanItem` per row (every row and tombstone when ``rows`` is None).

    ``refresh`` reads Cronitor first; a failed read raises
    :class:`~healthcheck_admin.backends.base.CronitorError`. The plan writes nothing.
    """
    selected = list(HealthcheckDefinition.objects.all() if rows is None else rows)
    tombstones = list(Tombstone.objects.all()) if rows is None else []
    wanted = selected + [HealthcheckDefinition(key=t.key) for t in tombstones]
    account, remote = refreshed(wanted, app_settings.REFRESH if refresh is None else refresh)
    items = [plan_row(row, account, remote) for row in selected]
    taken = {item.key for item in items}
    items += [_removal(t.key, "deleted", True, remote) for t in tombstones if t.key not in taken]
    return items


def warning_count(items: list[PlanItem]) -> int:
    return sum(len(item.warnings) for item in items)


def counts(items: list[PlanItem]) -> dict[str, int]:
    """How many items per action, every action present."""
    result = dict.fromkeys(ACTIONS, 0)
    for item in items:
        result[item.action] += 1
    return result


def summary(items: list[PlanItem]) -> str:
    """``Plan: 1 to create, 2 to update, 5 unchanged, 0 to remove, 0 to delete.`` (+ adopt, conflicts)."""
    c = counts(items)
    extra = [
        text
        for count, text in (
            (c["adopt"], f"{c['adopt']} to adopt"),
            (c["conflict"], f"{c['conflict']} conflict{'' if c['conflict'] == 1 else 's'} (code wins)"),
            (c["disabled"], f"{c['disabled']} disabled on Cronitor"),
        )
        if count
    ]
    return (
        f"Plan: {c['create']} to create, {c['update']} to update, {c['unchanged']} unchanged, "
        f"{c['remove']} to remove, {c['delete']} to delete" + "".join(f", {text}" for text in extra) + "."
    )
