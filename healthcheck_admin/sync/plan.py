"""What a push would do, row by row, without sending anything.

The plan compares each row's monitor with what was last pushed: the fingerprint says
*whether* it changed, and the stored ``pushed_payload`` (masked) says *which fields*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from healthcheck_admin.conf import app_settings
from healthcheck_admin.models import HealthcheckDefinition, Tombstone
from healthcheck_admin.redaction import MASK, mask_monitor
from healthcheck_admin.sync.payload import PayloadError, diff, fingerprint, monitor_for
from healthcheck_admin.sync.removal import is_due

ACTIONS = ("create", "update", "unchanged", "remove", "delete")
CHANGES = frozenset({"create", "update", "remove", "delete"})
STATUS = HealthcheckDefinition.STATUS


@dataclass
class PlanItem:
    """One row (or deleted row): its ``action`` and, for updates, ``diff`` = {field: (old, new)}.

    Values in ``diff`` are masked. ``error`` says why the row cannot be pushed as it is.
    """

    key: str
    action: str
    diff: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    error: str = ""
    source: str = ""

    @property
    def changes(self) -> bool:
        return self.action in CHANGES

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "action": self.action,
            "source": self.source,
            "diff": {name: list(values) for name, values in self.diff.items()},
            "error": self.error,
        }


def _removal_action() -> str:
    return "delete" if app_settings.ON_REMOVE == "delete" else "remove"


def _never_pushed(row: HealthcheckDefinition) -> bool:
    return not (row.monitor_code or row.pushed_fingerprint)


def plan_row(row: HealthcheckDefinition) -> PlanItem:
    """The action for one row."""
    source = str(row.source)
    if row.removed_at is not None:
        return PlanItem(row.key, _removal_action() if is_due(row) else "unchanged", source=source)
    action = "create" if _never_pushed(row) else "update"
    try:
        monitor = monitor_for(row)
    except PayloadError as exc:
        return PlanItem(row.key, action, error=str(exc), source=source)
    digest = fingerprint(monitor)
    if digest == row.pushed_fingerprint and row.status == STATUS.synced:
        return PlanItem(row.key, "unchanged", source=source)
    error = str(row.last_error or "")
    if action == "create":
        return PlanItem(row.key, action, diff(None, mask_monitor(monitor)), error=error, source=source)
    changed = diff(row.pushed_payload, mask_monitor(monitor))
    if not changed and digest != row.pushed_fingerprint:  # only a masked value changed
        changed = {"request": (MASK, f"{MASK} (a masked header or cookie changed)")}
    elif not changed:
        changed = {"status": (str(row.status), str(STATUS.synced))}
    return PlanItem(row.key, action, changed, error=error, source=source)


def plan(rows: QuerySet[HealthcheckDefinition] | None = None) -> list[PlanItem]:
    """One :class:`PlanItem` per row (every row and tombstone when ``rows`` is None)."""
    selected = HealthcheckDefinition.objects.all() if rows is None else rows
    items = [plan_row(row) for row in selected]
    if rows is None:
        taken = {item.key for item in items}
        action = _removal_action()
        items += [
            PlanItem(t.key, action, source="deleted") for t in Tombstone.objects.all() if t.key not in taken
        ]
    return items


def counts(items: list[PlanItem]) -> dict[str, int]:
    """How many items per action, every action present."""
    result = dict.fromkeys(ACTIONS, 0)
    for item in items:
        result[item.action] += 1
    return result


def summary(items: list[PlanItem]) -> str:
    """``Plan: 1 to create, 2 to update, 5 unchanged, 0 to remove, 0 to delete.``"""
    c = counts(items)
    return (
        f"Plan: {c['create']} to create, {c['update']} to update, {c['unchanged']} unchanged, "
        f"{c['remove']} to remove, {c['delete']} to delete."
    )
