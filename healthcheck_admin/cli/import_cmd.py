"""``manage.py healthchecks import [--key K ...] [--tag T] [--all] [--dry-run]``.

Turns ``check`` monitors on Cronitor into admin rows (keeping key and code, marked synced, so
the next push sends nothing) and adopts code rows whose key exists remotely. Exit codes: 0
done; 1 when Cronitor cannot be read or any monitor could not be imported; 2 for bad usage.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from healthcheck_admin.backends.base import CronitorError
from healthcheck_admin.sync.importer import import_monitors
from healthcheck_admin.upsert import sync_code_checks

HELP = "Create admin rows from check monitors on Cronitor, and adopt code rows whose key exists there."


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--key", nargs="+", default=[], metavar="K", help="import these keys")
    parser.add_argument("--tag", help="import the check monitors carrying this tag")
    parser.add_argument("--all", action="store_true", help="import every check monitor")
    parser.add_argument("--dry-run", action="store_true", help="show what would be imported; change nothing")


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    if not (options["key"] or options["tag"] or options["all"]):
        raise CommandError("say what to import: --key K [K ...], --tag T or --all", returncode=2)
    sync_code_checks()
    try:
        report = import_monitors(
            options["key"], tag=options["tag"], every=options["all"], dry_run=options["dry_run"]
        )
    except CronitorError as exc:
        raise CommandError(f"cannot read the monitors on Cronitor: {exc.message}", returncode=1) from None
    if options["verbosity"] >= 2:
        for key in report.imported:
            command.stdout.write(f"  {'would import' if report.dry_run else 'imported'} {key}")
        for key in report.adopted:
            command.stdout.write(f"  adopted {key} (dashboard settings offered as overrides)")
    for key, why in sorted(report.skipped.items()):
        command.stdout.write(f"  skipped {key}: {why}")
    for key, error in sorted(report.failed.items()):
        command.stdout.write(command.style.ERROR(f"  failed {key}: {error}"))
    command.stdout.write(report.summary())
    if report.failed:
        raise CommandError(f"{len(report.failed)} monitor(s) not imported", returncode=1)
