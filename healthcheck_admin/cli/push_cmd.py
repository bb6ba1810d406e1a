"""``manage.py healthchecks push [--all] [--dry-run] [--yes] [--no-refresh] [--verify [--wait 10m]]``.

Reads Cronitor first (unless ``--no-refresh``), then sends what differs. Exit codes: 0 when
every row synced; 1 when any row failed, the refresh failed (nothing is then sent), or
``--verify`` found a changed monitor failing (or not probed within ``--wait``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from healthcheck_admin.backends.base import CronitorError
from healthcheck_admin.cli import add_change_flags, add_flags
from healthcheck_admin.conf import app_settings
from healthcheck_admin.sync.report import PushReport
from healthcheck_admin.sync.service import push
from healthcheck_admin.sync.verify import parse_wait, verify
from healthcheck_admin.upsert import sync_code_checks

HELP = "Push new and changed checks to Cronitor and apply ON_REMOVE to removed ones."


def add_arguments(parser: CommandParser) -> None:
    add_flags(parser, {"--all": "resend every check, changed or not"})
    add_change_flags(parser, "show what would be sent; send nothing")
    add_flags(
        parser,
        {
            "--no-refresh": (
                "do not read Cronitor first: trust the bookkeeping (fast; dashboard edits go unseen)"
            ),
            "--verify": "wait for each changed monitor's first probe; exit 1 if any is failing",
        },
    )
    parser.add_argument("--wait", default="10m", help="how long --verify waits (default 10m; e.g. 90s, 1h)")


def _progress(command: BaseCommand, verbosity: int) -> Any:
    def report(done: int, total: int) -> None:
        if verbosity >= 1 and total > app_settings.BATCH_SIZE:
            command.stdout.write(f"  sent {done}/{total} monitors")

    return report


def _details(command: BaseCommand, report: PushReport, verbosity: int) -> None:
    if report.dry_run and verbosity >= 1:
        for monitor in report.would_send:
            command.stdout.write(f"  would send {monitor['key']}")
        for key in report.would_remove:
            command.stdout.write(f"  would remove {key} (ON_REMOVE={app_settings.ON_REMOVE!r})")
    if verbosity >= 2:
        for key in report.synced:
            command.stdout.write(f"  synced {key}")
        for key in report.removed:
            command.stdout.write(f"  removed {key}")
    for key, error in sorted(report.failed.items()):
        command.stdout.write(command.style.ERROR(f"  failed {key}: {error}"))
    for key in report.pending_deletion:
        command.stdout.write(
            command.style.WARNING(f"  {key}: deletion pending; run 'push --yes' to delete it")
        )


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    verbosity = options["verbosity"]
    try:
        wait = parse_wait(options["wait"])
    except ValueError as exc:
        raise CommandError(str(exc), returncode=2) from None
    sync_code_checks()
    report = push(
        force=options["all"],
        dry_run=options["dry_run"],
        confirm_delete=options["yes"],
        progress=_progress(command, verbosity),
        refresh=False if options["no_refresh"] else None,
    )
    _details(command, report, verbosity)
    style = command.style.SUCCESS if report.ok else command.style.ERROR
    command.stdout.write(style(report.summary()))
    if report.error is not None:
        raise CommandError(f"cannot read Cronitor, nothing was sent: {report.error}", returncode=1)
    if not report.ok:
        raise CommandError(f"{len(report.failed)} check(s) failed to push", returncode=1)
    if options["verify"] and not report.dry_run:
        _verify(command, report.synced, wait)


def _verify(command: BaseCommand, keys: list[str], wait: float) -> None:
    try:
        result = verify(keys, wait=wait)
    except CronitorError as error:  # its message is scrubbed by the backend that raised it
        raise CommandError(
            f"verify: could not read the changed monitors from Cronitor ({error.message}); "
            "they were pushed but are unverified",
            returncode=1,
        ) from error
    for key, event in sorted(result.failing.items()):
        command.stdout.write(command.style.ERROR(f"  failing {key}: {event}"))
    for key in result.waiting:
        command.stdout.write(
            command.style.WARNING(f"  {key}: no probe result yet (configured, not verified)")
        )
    command.stdout.write(result.summary())
    if result.failing:
        raise CommandError(
            f"{len(result.failing)} changed monitor(s) failing their first probe", returncode=1
        )
    if result.waiting:
        raise CommandError(
            f"{len(result.waiting)} changed monitor(s) not probed within --wait; they are unverified",
            returncode=1,
        )
