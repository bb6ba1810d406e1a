"""``manage.py healthchecks remove KEY [KEY ...] [--yes]``: drop checks registered with ``put()``.

Exit codes: 0 done; 1 a monitor could not be paused or deleted (the row is marked removed and
the next push retries); 2 a key is unknown, declared in urls.py or an admin row (nothing changed).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from healthcheck_admin.cli import CONFIRM_DELETE_HELP
from healthcheck_admin.conf import app_settings
from healthcheck_admin.sync.removal import RemoveRefused, remove_put

HELP = "Remove checks registered with put(), applying ON_REMOVE to their monitors."


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("keys", nargs="+", metavar="KEY", help="key of a check registered with put()")
    parser.add_argument("--yes", action="store_true", help=CONFIRM_DELETE_HELP)


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    try:
        report = remove_put(options["keys"], confirm_delete=options["yes"])
    except RemoveRefused as exc:
        raise CommandError(f"nothing removed: {exc}", returncode=2) from None
    policy = app_settings.ON_REMOVE
    for key in report.removed:
        command.stdout.write(f"  removed {key} (ON_REMOVE={policy!r})")
    for key in report.pending_deletion:
        command.stdout.write(command.style.WARNING(f"  {key}: deletion pending; run 'remove --yes {key}'"))
    for key in report.not_owned:
        command.stdout.write(
            command.style.WARNING(f"  {key}: monitor left alone, it lacks our ownership tag")
        )
    for key, error in sorted(report.failed.items()):
        command.stdout.write(command.style.ERROR(f"  failed {key}: {error}"))
    command.stdout.write(f"{len(options['keys'])} check(s) removed from the table; {report.summary()}")
    if report.failed:
        raise CommandError(
            f"{len(report.failed)} monitor(s) could not be removed; the next push retries", returncode=1
        )
