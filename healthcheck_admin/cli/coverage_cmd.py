"""``manage.py healthchecks coverage [--fail-under PCT] [--json] [--include P ...] [--exclude P ...]``.

Reads the URLconf only (no database, no Cronitor). Exit codes: 0 done; 1 misused (a bad
``--fail-under``); 3 with ``--fail-under`` when the coverage is below the bar.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from healthcheck_admin.cli import add_flags
from healthcheck_admin.conf import app_settings
from healthcheck_admin.coverage import CANDIDATE, COVERED, EXCLUDED, GROUPS, NEEDS_ARGS, Coverage, coverage

HELP = (
    "Show which routes have no check: candidates (a GET without arguments would do), routes that need "
    "arguments or another method, and the excluded ones (admin, static, media, --exclude); no database."
)
BELOW_THE_BAR = 3
TITLES = {
    COVERED: "Covered",
    CANDIDATE: "No check; a GET without arguments would cover it",
    NEEDS_ARGS: "No check; needs arguments or a method other than GET",
    EXCLUDED: "Excluded",
}


def add_arguments(parser: CommandParser) -> None:
    add_flags(parser, {"--json": "print the groups as JSON"})
    parser.add_argument(
        "--fail-under", metavar="PCT", help=f"exit with status {BELOW_THE_BAR} when coverage is below PCT %%"
    )
    parser.add_argument(
        "--include",
        nargs="+",
        action="extend",
        default=[],
        metavar="PATTERN",
        help="only count routes whose namespaced name matches (fnmatch, e.g. 'api:*')",
    )
    parser.add_argument(
        "--exclude",
        nargs="+",
        action="extend",
        default=[],
        metavar="PATTERN",
        help="leave out routes whose namespaced name matches (fnmatch, e.g. 'debug:*')",
    )


def _bar(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        bar = float(value.removesuffix("%"))
    except ValueError:
        bar = math.nan
    if not 0 <= bar <= 100:
        raise CommandError(f"--fail-under must be a percentage from 0 to 100, got {value!r}", returncode=1)
    return bar


def summary(result: Coverage) -> str:
    counts = result.counts()
    counted = counts[COVERED] + counts[CANDIDATE] + counts[NEEDS_ARGS]
    return (
        f"Coverage: {result.percent:.1f}% ({counts[COVERED]} of {counted} routes have a check; "
        f"{counts[CANDIDATE]} candidates, {counts[NEEDS_ARGS]} need arguments or another method, "
        f"{counts[EXCLUDED]} excluded)."
    )


def _write_text(command: BaseCommand, result: Coverage, verbosity: int) -> None:
    shown = GROUPS if verbosity >= 2 else (CANDIDATE, NEEDS_ARGS)
    for group in shown:
        rows = result.group(group)
        if not rows or verbosity < 1:
            continue
        command.stdout.write(command.style.MIGRATE_HEADING(f"{TITLES[group]} ({len(rows)}):"))
        width = max(len(row.label) for row in rows)
        for row in rows:
            mark = " [REQUIRED]" if row.required and not row.has_check else ""
            mark += " [has a check]" if row.has_check and group == EXCLUDED else ""
            reason = f"  ({row.reason})" if row.reason else ""
            name = row.name or "(unnamed)"
            command.stdout.write(f"  {name.ljust(width)}  {row.route or '/'}{reason}{mark}")
    command.stdout.write(summary(result))


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    bar = _bar(options["fail_under"])
    result = coverage(include=options["include"], exclude=options["exclude"], required=app_settings.REQUIRE)
    if options["json"]:
        payload = {
            "percent": round(result.percent, 2),
            "fail_under": bar,
            "counts": result.counts(),
            **{group: [row.as_dict() for row in result.group(group)] for group in GROUPS},
        }
        command.stdout.write(json.dumps(payload, indent=2))
    else:
        _write_text(command, result, options["verbosity"])
    if bar is not None and result.percent < bar:
        raise CommandError(
            f"route coverage {result.percent:.1f}% is below --fail-under {bar:g}%", returncode=BELOW_THE_BAR
        )
