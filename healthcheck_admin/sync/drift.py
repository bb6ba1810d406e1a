"""Compare the remote monitors that carry our ownership tag with the table.

The remote list is read in full (every page). A list error raises
:class:`~healthcheck_admin.backends.base.CronitorError`: it is never read as "nothing there".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from healthcheck_admin.backends import get_backend
from healthcheck_admin.backends.base import CronitorError
from healthcheck_admin.conf import app_settings
from healthcheck_admin.limits import schedule_seconds
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.redaction import secret_values
from healthcheck_admin.sync.payload import PayloadError, flatten, monitor_for, resolve

#: Fields that identify a monitor rather than describe it.
IGNORED = frozenset({"type", "key"})


@dataclass
class DriftReport:
    """``changed``: key -> pushed fields that differ remotely; ``missing_locally``: remote monitors
    with our ownership tag that the table lacks (paused ones, the expected trace of a deleted row
    under ``ON_REMOVE = "pause"``, are in ``paused_orphans`` instead); ``missing_remotely``: active
    rows pushed before whose monitor is gone.
    """

    changed: dict[str, list[str]] = field(default_factory=dict)
    missing_locally: list[str] = field(default_factory=list)
    missing_remotely: list[str] = field(default_factory=list)
    paused_orphans: list[str] = field(default_factory=list)
    checked: int = 0

    @property
    def has_drift(self) -> bool:
        return bool(self.changed or self.missing_locally or self.missing_remotely)

    def as_dict(self) -> dict[str, Any]:
        return {
            "changed": self.changed,
            "missing_locally": self.missing_locally,
            "missing_remotely": self.missing_remotely,
            "paused_orphans": self.paused_orphans,
            "checked": self.checked,
            "drift": self.has_drift,
        }

    def summary(self) -> str:
        return (
            f"{self.checked} remote monitor(s) checked: {len(self.changed)} changed, "
            f"{len(self.missing_locally)} missing locally, {len(self.missing_remotely)} missing remotely"
        )


def _schedule(value: Any) -> Any:
    seconds = schedule_seconds(value) if isinstance(value, str) else None
    return value if seconds is None else seconds


def _normal(name: str, value: Any) -> Any:
    """Smooth over representation differences the API is known to make."""
    if name == "note":
        return value or ""
    if name in ("schedule", "realert_interval"):
        if name == "realert_interval" and isinstance(value, int) and not isinstance(value, bool):
            return value * 3600  # an integer is hours
        return _schedule(value)
    if name == "failure_tolerance":
        return value or 0  # replies may show null for Cronitor's default 0
    if name == "group":
        return value or None
    if name in ("tags", "request.regions"):
        return sorted(value or [])
    if name == "notify":
        return [value] if isinstance(value, str) else list(value or [])
    if name in ("request.headers", "request.cookies"):
        return {str(k).lower(): v for k, v in (value or {}).items()}
    if name == "request.method":
        return str(value).upper()
    return value


def changed_fields(expected: dict[str, Any], remote: dict[str, Any]) -> list[str]:
    """The pushed fields whose remote value differs (fields we send, compared one by one)."""
    if "schedule" not in remote and isinstance(remote.get("schedules"), list) and remote["schedules"]:
        remote = {**remote, "schedule": remote["schedules"][0]}
    ours, theirs = flatten(expected), flatten(remote)
    return [
        name
        for name in sorted(ours)
        if name not in IGNORED and _normal(name, ours[name]) != _normal(name, theirs.get(name))
    ]


def _expected(row: HealthcheckDefinition) -> dict[str, Any] | None:
    try:
        monitor = monitor_for(row)
    except PayloadError:
        return None
    try:
        return resolve(monitor)
    except PayloadError:  # a secret is missing here: compare everything but headers and cookies
        request = monitor["request"]
        request.pop("headers", None)
        request.pop("cookies", None)
        return monitor


def drift() -> DriftReport:
    """Read every remote monitor tagged with our ownership tag and compare it with the table."""
    tag = app_settings.OWNERSHIP_TAG
    rows = {row.key: row for row in HealthcheckDefinition.objects.all()}
    with get_backend() as backend:
        for row in rows.values():  # a server may echo anything: the backend scrubs these before cutting
            backend.hide(secret_values(row.headers, row.cookies))
        try:
            remote = {str(m.get("key")): m for m in backend.list_monitors(tag=tag)}
        except CronitorError as exc:  # and again here, for a backend that does not scrub its errors
            message = backend.scrub(exc.message)
            raise CronitorError(message, permanent=exc.permanent, status=exc.status) from None
    report = DriftReport(checked=len(remote))
    for key, monitor in sorted(remote.items()):
        if key not in rows:
            target = report.paused_orphans if monitor.get("paused") else report.missing_locally
            target.append(key)
    for key, row in sorted(rows.items()):
        if row.removed_at is not None:
            continue
        if key not in remote:
            if row.monitor_code or row.pushed_fingerprint:
                report.missing_remotely.append(key)
            continue
        expected = _expected(row)
        fields = changed_fields(expected, remote[key]) if expected is not None else []
        if fields:
            report.changed[key] = fields
    return report
