"""``manage.py healthchecks run``: send each check's request and judge its assertions.

Exit codes (the table in docs/commands.rst): 0 when every selected check ran and
passed; 1 when any failed or errored; 2 for misconfiguration, including a ``--junit``
file that cannot be written (the results are printed first); 3 when a check was
refused or no check ran at all, unless ``--allow-refused``.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from healthcheck_admin.cli import add_flags
from healthcheck_admin.models import SOURCE, HealthcheckDefinition
from healthcheck_admin.runner import (
    RunConfig,
    RunResult,
    format_result_line,
    results_to_json,
    results_to_junit,
    run_checks,
)
from healthcheck_admin.upsert import sync_code_checks

PROGRESS_EVERY = 25
EXIT_FAILED = 1
EXIT_MISCONFIGURED = 2
EXIT_NOT_RUN = 3
HELP = "Run the checks now, locally or against a base URL, with Cronitor's assertions."


def add_arguments(parser: CommandParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--base-url", help="Send code-defined checks to this scheme://host[:port] instead.")
    where.add_argument(
        "--in-process", action="store_true", help="Go through Django's test Client: no server, no network."
    )
    parser.add_argument("--key", nargs="+", default=[], metavar="K", help="Only these keys.")
    parser.add_argument("--tag", action="append", default=[], metavar="T", help="Only checks with this tag.")
    parser.add_argument(
        "--source",
        choices=[SOURCE.code, SOURCE.admin, SOURCE.put],
        help="Only code checks (urls.py and put()), admin checks, or put() checks.",
    )
    parser.add_argument("--concurrency", type=int, default=8, help="Checks in flight at once (default 8).")
    parser.add_argument("--timeout", type=float, help="Seconds per request, instead of each check's own.")
    parser.add_argument("--junit", metavar="FILE", help="Also write the results as JUnit XML to FILE.")
    add_flags(
        parser,
        {
            "--allow-any-host": "Turn off the allow-list (SSRF guard).",
            "--json": "Print the results as JSON.",
            "--allow-refused": (
                "Exit 0 even when a check was refused or no check ran (by default such a run exits 3)."
            ),
        },
    )


def _rows(options: dict[str, Any]) -> list[HealthcheckDefinition]:
    rows = HealthcheckDefinition.objects.active()
    if options["key"]:
        rows = rows.filter(key__in=options["key"])
    if options["source"] == SOURCE.code:
        rows = rows.code_owned()
    elif options["source"]:
        rows = rows.filter(source=options["source"])
    selected = list(rows)
    for tag in options["tag"]:
        selected = [row for row in selected if tag in row.effective_tags]
    return selected


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    try:
        config = RunConfig(
            base_url=options["base_url"],
            in_process=options["in_process"],
            timeout=options["timeout"],
            concurrency=options["concurrency"],
            allow_any_host=options["allow_any_host"],
        )
    except ValueError as exc:
        raise CommandError(str(exc), returncode=EXIT_MISCONFIGURED) from None
    sync_code_checks()
    rows = _rows(options)
    if options["key"]:
        missing = sorted(set(options["key"]) - {row.key for row in rows})
        if missing:
            raise CommandError(
                f"no active check has the key(s) {', '.join(missing)}", returncode=EXIT_MISCONFIGURED
            )
    lock = threading.Lock()
    done = [0]
    verbose = options["verbosity"] >= 2 and not options["json"]

    def on_result(result: RunResult) -> None:
        with lock:
            done[0] += 1
            if verbose:
                command.stdout.write(f"[{done[0]}/{len(rows)}] {format_result_line(result)}")
            elif options["verbosity"] >= 1 and not options["json"] and done[0] % PROGRESS_EVERY == 0:
                command.stderr.write(f"ran {done[0]}/{len(rows)} checks")

    results = sorted(run_checks(rows, config, on_result), key=lambda result: result.key)
    if options["json"]:
        command.stdout.write(json.dumps(results_to_json(results), indent=2))
    else:
        _report(command, results, verbose)
    if options["junit"]:
        _write_junit(options["junit"], results)
    raise_for_outcome(results, allow_refused=options["allow_refused"])


def _write_junit(name: str, results: list[RunResult]) -> None:
    try:
        Path(name).write_text(results_to_junit(results), encoding="utf-8")
    except OSError as exc:
        raise CommandError(
            f"the results above could not be written to the JUnit file {name!r} ({exc.strerror or exc}); "
            "pass a --junit path in a writable directory",
            returncode=EXIT_MISCONFIGURED,
        ) from None


def raise_for_outcome(results: list[RunResult], *, allow_refused: bool) -> None:
    """Raise the :class:`CommandError` whose code says how the run went; return when it went well."""
    if any(result.state in ("failed", "error") for result in results):
        raise CommandError("some healthchecks failed", returncode=EXIT_FAILED)
    if allow_refused:
        return
    refused = [result.key for result in results if result.state == "refused"]
    if not results:
        raise CommandError(
            "no check ran: none is selected; check --key, --tag and --source, or pass --allow-refused",
            returncode=EXIT_NOT_RUN,
        )
    if refused:
        raise CommandError(
            f"{len(refused)} of {len(results)} checks were refused and did not run "
            f"({', '.join(refused)}); see the reasons above, or pass --allow-refused",
            returncode=EXIT_NOT_RUN,
        )


def _report(command: BaseCommand, results: list[RunResult], verbose: bool) -> None:
    for result in results:
        if result.state in ("failed", "error") and not verbose:
            command.stdout.write(command.style.ERROR(format_result_line(result)))
        for outcome in result.failed_outcomes:
            command.stdout.write(f"    {outcome.reason}")
    states = ("passed", "failed", "error", "refused")
    counts = {state: sum(result.state == state for result in results) for state in states}
    summary = ", ".join(f"{count} {state}" for state, count in counts.items())
    style = command.style.SUCCESS if not counts["failed"] and not counts["error"] else command.style.ERROR
    command.stdout.write(style(f"{len(results)} checks: {summary}"))
    for result in results:
        if result.state == "refused":
            command.stdout.write(command.style.WARNING(f"refused {result.key}: {result.error}"))
