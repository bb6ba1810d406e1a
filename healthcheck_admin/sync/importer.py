"""Import and adopt: turn ``check`` monitors on Cronitor into rows (``healthchecks import``).

* A key with no row becomes an admin row holding the monitor's settings, its key and code.
  It is pushed once with our ownership tag added (every other remote tag kept), and marked
  synced with that fingerprint, so the next ``push`` sends nothing.
* A code row whose key exists remotely is adopted: its dashboard-only settings (notify,
  pause, note) become the row's ``override_*`` fields, so that ops see and edit them in the
  admin; the next ``push`` sends only what the code changes.
* An admin row with that key is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from healthcheck_admin import limits as d
from healthcheck_admin.backends import get_backend
from healthcheck_admin.conf import app_settings
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.redaction import mask_monitor
from healthcheck_admin.sync.account import account_for
from healthcheck_admin.sync.drift import _schedule
from healthcheck_admin.sync.history import record_event
from healthcheck_admin.sync.payload import fingerprint, monitor_for, resolve
from healthcheck_admin.sync.threeway import outgoing

STATUS = HealthcheckDefinition.STATUS
REQUEST_KEYS = ("method", "headers", "cookies", "body", "timeout_seconds", "regions", "follow_redirects")


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False

    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        return (
            f"{verb} {len(self.imported)}, adopted {len(self.adopted)}, skipped {len(self.skipped)}, "
            f"failed {len(self.failed)}"
        )


def row_values(doc: dict[str, Any]) -> dict[str, Any]:
    """The admin row fields for a remote ``check`` monitor; raises ValueError naming the field."""
    found = doc.get("request")
    request: dict[str, Any] = found if isinstance(found, dict) else {}
    url = str(request.get("url") or "")
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"request.url {url!r} is not an absolute http(s) URL")
    interval = _schedule(doc.get("schedule") or (doc.get("schedules") or [None])[0] or "every 60 seconds")
    own = {app_settings.OWNERSHIP_TAG, *app_settings.TAGS}
    notify = doc.get("notify")
    values: dict[str, Any] = {
        "key": str(doc["key"]),
        "source": HealthcheckDefinition.SOURCE.admin,
        "name": str(doc.get("name") or "")[: d.MAX_NAME],
        "url": url,
        "interval_seconds": d.check_int_range("interval_seconds", interval, d.INTERVAL_RANGE),
        "assertions": list(doc.get("assertions") or []),
        "tags": [tag for tag in doc.get("tags") or [] if tag not in own],
        "notify": [notify] if isinstance(notify, str) else list(notify or []),
        "note": str(doc.get("note") or ""),
        "paused": bool(doc.get("paused")),
        "verify_ssl": bool(request.get("verify_ssl", True)),
    }
    for name in REQUEST_KEYS:
        if request.get(name) is not None:
            values[name] = request[name]
    values.update(noise_values(doc))
    values["method"] = str(values.get("method") or "GET").upper()
    return values


def noise_values(doc: dict[str, Any]) -> dict[str, Any]:
    """The alert-noise settings of ``doc`` that differ from Cronitor's defaults (which its replies
    show for a monitor that never set them); ValueError naming a bad one."""
    checks = {
        "failure_tolerance": d.check_failure_tolerance,
        "realert_interval": d.check_realert_interval,
        "group": d.check_group,
    }
    found = {name: check(doc.get(name), name) for name, check in checks.items()}
    return {
        name: value for name, value in found.items() if value is not None and value != d.NOISE_DEFAULTS[name]
    }


def _adopt(row: HealthcheckDefinition, doc: dict[str, Any]) -> list[str]:
    """Offer the dashboard-only settings of ``doc`` as the code row's overrides; returns them."""
    offered: list[str] = []
    notify = doc.get("notify")
    if row.override_notify is None and not row.notify and notify:
        row.override_notify = [notify] if isinstance(notify, str) else list(notify)
        offered.append("notify")
    if row.override_note is None and not row.note and doc.get("note"):
        row.override_note = str(doc["note"])
        offered.append("note")
    if row.override_paused is None and not row.paused and doc.get("paused"):
        row.override_paused = True
        offered.append("paused")
    try:
        noise = noise_values(doc)
    except ValueError:
        noise = {}  # a value our limits refuse is not offered; the dashboard keeps it
    for name, value in noise.items():
        if getattr(row, f"override_{name}") is None and getattr(row, name) in (None, ""):
            setattr(row, f"override_{name}", value)
            offered.append(name)
    if offered:
        row.save()
    return offered


def _selected(doc: dict[str, Any], keys: set[str], tag: str | None, every: bool) -> bool:
    if doc.get("type") != "check":
        return False
    if every:
        return True
    return str(doc.get("key")) in keys or (tag is not None and tag in (doc.get("tags") or []))


def import_monitors(
    keys: list[str] | None = None, *, tag: str | None = None, every: bool = False, dry_run: bool = False
) -> ImportReport:
    """Import the selected remote checks; CronitorError when Cronitor cannot be read."""
    wanted = set(keys or [])
    report = ImportReport(dry_run=dry_run)
    with get_backend() as backend:
        account = account_for(backend)
        docs = [doc for doc in backend.iter_monitors() if _selected(doc, wanted, tag, every)]
        for key in sorted(wanted - {str(doc.get("key")) for doc in docs}):
            report.failed[key] = f"no check monitor with the key {key!r} on Cronitor"
        rows = {
            row.key: row for row in HealthcheckDefinition.objects.filter(key__in=[doc["key"] for doc in docs])
        }
        fresh: list[tuple[HealthcheckDefinition, dict[str, Any]]] = []
        for doc in docs:
            key = str(doc["key"])
            row = rows.get(key)
            if row is not None and row.is_code:
                report.adopted.append(key)
                if not dry_run:
                    offered = _adopt(row, doc)
                    message = (
                        f"Adopted; dashboard settings offered as overrides: {', '.join(offered) or 'none'}"
                    )
                    record_event(key, "adopt", message, {"offered": offered})
                continue
            if row is not None:
                report.skipped[key] = "already in the table (an admin row)"
                continue
            try:
                fresh.append((HealthcheckDefinition(**row_values(doc)), doc))
            except (ValueError, TypeError) as exc:
                report.failed[key] = f"cannot import monitor {key!r}: {exc}"
        report.imported = [row.key for row, _ in fresh]
        if dry_run or not fresh:
            return report
        _create(backend, account, fresh, report)
    return report


def _create(
    backend: Any,
    account: str,
    fresh: list[tuple[HealthcheckDefinition, dict[str, Any]]],
    report: ImportReport,
) -> None:
    """Save the new rows, push each with our ownership tag added, and record them synced."""
    with transaction.atomic():  # bulk_create sends no post_save: no background push
        HealthcheckDefinition.objects.bulk_create([row for row, _ in fresh])
    now = timezone.now()
    for start in range(0, len(fresh), max(1, app_settings.BATCH_SIZE)):
        chunk = fresh[start : start + max(1, app_settings.BATCH_SIZE)]
        monitors = {row.key: monitor_for(row) for row, _ in chunk}
        sends = [
            resolve(outgoing(monitors[row.key], None, list(doc.get("tags") or []))) for row, doc in chunk
        ]
        result = backend.put_monitors(sends)
        for row, doc in chunk:
            code = result.codes.get(row.key)
            if code is None:
                report.failed[row.key] = result.errors.get(row.key) or result.error or "not confirmed"
                report.imported.remove(row.key)
                HealthcheckDefinition.objects.filter(key=row.key).update(
                    status=STATUS.failed, last_error=report.failed[row.key]
                )
                continue
            HealthcheckDefinition.objects.filter(key=row.key).update(
                monitor_code=code,
                status=STATUS.synced,
                last_pushed_at=now,
                pushed_fingerprint=fingerprint(monitors[row.key]),
                pushed_payload=mask_monitor(monitors[row.key]),
                remote_payload=mask_monitor(doc),
                account=account,
                last_error="",
            )
            record_event(row.key, "import", "Imported from Cronitor", {"code": code})
