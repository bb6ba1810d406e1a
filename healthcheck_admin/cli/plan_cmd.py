"""``manage.py healthchecks plan [--json] [--exit-code] [--validate] [--no-refresh]``.

Reads Cronitor first (unless ``--no-refresh``) and shows what a push would do. Exit codes:
0 done; 2 with ``--exit-code`` when changes are pending; 1 when the remote monitors cannot
be read, or ``--validate`` finds monitors that Cronitor rejects.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from healthcheck_admin.backends.base import CronitorError
from healthcheck_admin.cli import add_flags
from healthcheck_admin.sync.plan import PlanItem, counts, plan, summary, warning_count
from healthcheck_admin.sync.report import PushReport
from healthcheck_admin.upsert import sync_code_checks

HELP = (
    "Read Cronitor, then show per row create / update / adopt / conflict (with a diff naming the "
    "remote value) / unchanged / disabled / remove / delete; sends nothing."
)
SIGNS = {
    "create": "+",
    "update": "~",
    "adopt": "&",
    "conflict": "!",
    "unchanged": "=",
    "disabled": "x",
    "remove": "-",
    "delete": "-",
}
DIFFED = frozenset({"update", "adopt", "conflict"})


def add_arguments(parser: CommandParser) -> None:
    add_flags(
        parser,
        {
            "--json": "print the plan as JSON",
            "--exit-code": "exit with status 2 when changes are pending",
            "--no-refresh": (
                "do not read Cronitor first: compare with the bookkeeping only (fast, may be stale)"
            ),
            "--validate": (
                'also send pending monitors with "rollback": true: Cronitor validates them, keeps nothing'
            ),
        },
    )


def _lines(item: PlanItem) -> list[str]:
    label = f"{SIGNS[item.action]} {item.key} ({item.action})"
    if item.action == "delete":
        label += " - needs 'push --yes'"
    lines = [label]
    if item.action in DIFFED:
        for name, (old, new) in item.diff.items():
            origin = item.sources.get(name)
            why = {"code": " (changed in code)", "dashboard": " (changed on the dashboard)"}.get(
                origin or "", ""
            )
            if origin == "both":
                why = " (CONFLICT: changed on the dashboard and in code; code wins)"
            lines.append(f"    {name}: {old!r} -> {new!r}{why}")
    if item.note:
        lines.append(f"    note: {item.note}")
    lines.extend(f"    warning: {warning}" for warning in item.warnings)
    if item.error:
        lines.append(f"    error: {item.error}")
    return lines


def _write_text(command: BaseCommand, items: list[PlanItem], verbosity: int) -> None:
    for item in items:
        if item.action == "unchanged" and verbosity < 2 and not item.note:
            continue
        style = command.style.ERROR if item.error and item.action != "update" else command.style.WARNING
        first, *rest = _lines(item)
        command.stdout.write(first if item.action == "unchanged" else style(first))
        for line in rest:
            command.stdout.write(line)
    if warning_count(items):
        hidden = "" if verbosity >= 2 else " (those on unchanged rows show with -v 2)"
        command.stdout.write(command.style.WARNING(f"{warning_count(items)} warning(s){hidden}."))
    command.stdout.write(summary(items))


def _validation(command: BaseCommand, report: PushReport, as_json: bool) -> None:
    if as_json:
        return
    for key, error in sorted(report.failed.items()):
        command.stdout.write(command.style.ERROR(f"  invalid {key}: {error}"))
    command.stdout.write(f"Validation: {report.summary()}")


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    sync_code_checks()
    try:
        items = plan(refresh=False if options["no_refresh"] else None)
    except CronitorError as exc:
        raise CommandError(
            f"{exc.message}; the plan is unknown (use --no-refresh to plan from the bookkeeping alone)",
            returncode=1,
        ) from None
    report = None
    if options["validate"]:
        from healthcheck_admin.sync.service import push

        report = push(validate=True, refresh=False if options["no_refresh"] else None)
    if options["json"]:
        payload: dict[str, Any] = {
            "items": [item.as_dict() for item in items],
            "counts": counts(items),
            "warnings": warning_count(items),
        }
        if report is not None:
            payload["validation"] = {"valid": report.synced, "invalid": report.failed}
        command.stdout.write(json.dumps(payload, indent=2, default=str))
    else:
        _write_text(command, items, options["verbosity"])
    if report is not None:
        _validation(command, report, options["json"])
        if report.failed:
            raise CommandError(f"{len(report.failed)} monitor(s) failed validation", returncode=1)
    if options["exit_code"] and any(item.changes for item in items):
        raise CommandError("changes are pending (plan --exit-code)", returncode=2)
