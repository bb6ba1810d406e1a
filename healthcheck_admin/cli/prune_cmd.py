"""``manage.py healthchecks prune --expired [--dry-run] [--yes] [--json]``: end expired previews.

Exit codes: 0 done (also when nothing had expired); 1 Cronitor could not be listed (nothing
was done) or a monitor could not be paused or deleted; 2 misused: ``--expired`` missing, or a
backend that cannot read Cronitor (console, dummy).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from healthcheck_admin.backends.base import CronitorError, RemoteUnknown
from healthcheck_admin.cli import add_change_flags, add_flags
from healthcheck_admin.sync.prune import PruneReport, prune_expired

HELP = "Pause or delete this project's monitors whose expires: date has passed (any environment's)."


def add_arguments(parser: CommandParser) -> None:
    expired_help = "prune monitors of this project (any environment) whose expires: tag is in the past"
    add_flags(parser, {"--expired": expired_help})
    add_change_flags(parser, "list what would be done; change nothing")
    add_flags(parser, {"--json": "print the report as JSON"})


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    if not options["expired"]:
        raise CommandError("say what to prune: --expired (see docs/previews.rst)", returncode=2)
    try:
        report = prune_expired(dry_run=options["dry_run"], confirm_delete=options["yes"])
    except RemoteUnknown as exc:
        raise CommandError(f"nothing pruned: {exc.message}", returncode=2) from None
    except CronitorError as exc:
        raise CommandError(
            f"nothing pruned, Cronitor could not be listed: {exc.message}", returncode=1
        ) from None
    if options["json"]:
        command.stdout.write(json.dumps(asdict(report), indent=2, sort_keys=True))
    else:
        _print(command, report, options)
    if report.failed:
        raise CommandError(f"{len(report.failed)} expired monitor(s) could not be pruned", returncode=1)


def _print(command: BaseCommand, report: PruneReport, options: dict[str, Any]) -> None:
    would = "would " if report.dry_run else ""
    verb = {"pause": "pause", "delete": "delete", "keep": "keep"}[report.action]
    for key, day in report.expired.items():
        command.stdout.write(f"  {would}{verb} {key} (expired {day})")
    for key in report.pending_deletion:
        command.stdout.write(command.style.WARNING(f"  {key}: expired; deletion waits for --yes"))
    if options["verbosity"] >= 2:
        for key in report.already_paused:
            command.stdout.write(f"  {key}: expired, already paused")
    for key, error in sorted(report.failed.items()):
        command.stdout.write(command.style.ERROR(f"  failed {key}: {error}"))
    command.stdout.write(report.summary())
