"""``manage.py healthchecks list|plan|push|drift|run|refresh|import|remove|coverage|prune``.

Exit codes are documented in docs/commands.rst.
"""

from __future__ import annotations

import argparse
from importlib import import_module
from types import ModuleType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from healthcheck_admin.cli import SUBCOMMANDS


def _module(name: str) -> ModuleType:
    return import_module(f"healthcheck_admin.cli.{name}_cmd")


class Command(BaseCommand):
    help = "Inspect, plan, push, compare and run the healthcheck registry."

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="subcommand", required=True)
        for name in SUBCOMMANDS:
            module = _module(name)
            sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
            # ``healthchecks run -v 2`` reads naturally: accept -v after the subcommand too.
            sub.add_argument(
                "-v",
                "--verbosity",
                type=int,
                choices=[0, 1, 2, 3],
                default=argparse.SUPPRESS,
                help="Verbosity.",
            )
            module.add_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        _module(options["subcommand"]).handle(self, options)
