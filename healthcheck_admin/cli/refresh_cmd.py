"""``manage.py healthchecks refresh``: read Cronitor and store each row's remote copy and health.

Exit codes: 0 done; 1 when Cronitor cannot be read (nothing is stored then) or the backend
cannot read it at all (console, dummy).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from healthcheck_admin.backends.base import CronitorError
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync.refresh import refresh
from healthcheck_admin.upsert import sync_code_checks

HELP = "Read every monitor we own or have a row for from Cronitor; store health and the remote copy."


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--key", nargs="+", default=[], metavar="K", help="only these keys")


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    sync_code_checks()
    rows = HealthcheckDefinition.objects.all()
    if options["key"]:
        rows = rows.filter(key__in=options["key"])
    try:
        state = refresh(rows)
    except CronitorError as exc:
        raise CommandError(f"refresh failed, nothing stored: {exc.message}", returncode=1) from None
    health = Counter(HealthcheckDefinition.objects.values_list("health", flat=True))
    names = [str(name) for name, _ in HealthcheckDefinition.HEALTH]
    shown = ", ".join(f"{health.get(name, 0)} {name}" for name in names)
    command.stdout.write(
        f"Refreshed: {state.listed} remote monitor(s) read in {state.requests} request(s); {shown}"
    )
