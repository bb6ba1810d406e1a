"""``manage.py healthchecks list [--json]``: every row with its key, source, method, URL and status."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.upsert import sync_code_checks

HELP = (
    "List every check (after upserting the code-defined ones): health (as the last refresh read it), "
    "key, source, method, URL, status."
)
COLUMNS = ("health", "key", "source", "method", "url", "status")


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list of objects")


def status_of(row: HealthcheckDefinition) -> str:
    """The sync status, with "removal due" for removed rows not handled yet."""
    if row.removed_at is not None and row.status != HealthcheckDefinition.STATUS.removed:
        return f"{row.status} (removal due)"
    return str(row.status)


def describe(row: HealthcheckDefinition) -> dict[str, Any]:
    return {
        "health": row.health,
        "health_event": row.health_event,
        "health_event_at": row.health_event_at.isoformat() if row.health_event_at else None,
        "health_read_at": row.health_read_at.isoformat() if row.health_read_at else None,
        "key": row.key,
        "source": row.source,
        "method": row.method,
        "url": row.url,
        "status": status_of(row),
        "monitor_code": row.monitor_code,
        "last_error": row.last_error,
    }


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    result = sync_code_checks()
    rows = [describe(row) for row in HealthcheckDefinition.objects.all()]
    if options["json"]:
        command.stdout.write(json.dumps(rows, indent=2))
        return
    if options["verbosity"] >= 2:
        command.stdout.write(f"Code checks: {result.summary()}")
    widths = {name: max([len(name), *(len(str(row[name])) for row in rows)]) for name in COLUMNS}
    header = "  ".join(name.upper().ljust(widths[name]) for name in COLUMNS)
    command.stdout.write(command.style.MIGRATE_HEADING(header.rstrip()))
    for row in rows:
        line = "  ".join(str(row[name]).ljust(widths[name]) for name in COLUMNS).rstrip()
        command.stdout.write(command.style.ERROR(line) if row["last_error"] else line)
        if row["last_error"] and row["status"] == HealthcheckDefinition.STATUS.disabled:
            command.stdout.write(f"    {row['last_error']}")
    command.stdout.write(f"{len(rows)} check{'' if len(rows) == 1 else 's'}")
