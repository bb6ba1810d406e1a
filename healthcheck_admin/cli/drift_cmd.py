"""``manage.py healthchecks drift [--json] [--exit-code]``: compare Cronitor with the table.

Exit codes: 0 done; 1 when the remote monitors cannot be listed (never read as "none");
2 with ``--exit-code`` when drift is found.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from healthcheck_admin.backends.base import CronitorError
from healthcheck_admin.sync.drift import DriftReport, drift
from healthcheck_admin.upsert import sync_code_checks

HELP = "List monitors whose pushed fields differ remotely, and our monitors the table lacks."


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--exit-code", action="store_true", help="exit with status 2 when drift is found")


def _write_text(command: BaseCommand, report: DriftReport) -> None:
    for key, fields in sorted(report.changed.items()):
        command.stdout.write(command.style.WARNING(f"~ {key}: {', '.join(fields)} changed remotely"))
    for key in report.missing_locally:
        command.stdout.write(command.style.WARNING(f"? {key}: on Cronitor with our tag, not in the table"))
    for key in report.missing_remotely:
        command.stdout.write(command.style.WARNING(f"! {key}: pushed before, not on Cronitor (or untagged)"))
    for key in report.paused_orphans:
        command.stdout.write(f"  {key}: paused on Cronitor, row deleted (ON_REMOVE pause)")
    command.stdout.write(report.summary())


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    sync_code_checks()
    try:
        report = drift()
    except CronitorError as exc:
        raise CommandError(
            f"cannot list the monitors on Cronitor, so drift is unknown: {exc.message}", returncode=1
        ) from None
    if options["json"]:
        command.stdout.write(json.dumps(report.as_dict(), indent=2))
    else:
        _write_text(command, report)
    if options["exit_code"] and report.has_drift:
        raise CommandError("drift found (drift --exit-code)", returncode=2)
