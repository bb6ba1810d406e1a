"""Subcommands of ``manage.py healthchecks``: one module each, thin wrappers over services.

Each ``<name>_cmd`` module exposes ``HELP``, ``add_arguments(parser)`` and
``handle(command, options)``. A non-zero exit is ``raise CommandError(message, returncode=N)``.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.management.base import CommandParser

# The one wording of ``--yes``, which push, prune and remove share: ON_REMOVE = "delete" needs it.
CONFIRM_DELETE_HELP = 'confirm deletions when ON_REMOVE = "delete"'

SUBCOMMANDS = ("list", "plan", "push", "drift", "run", "refresh", "import", "remove", "coverage", "prune")


def add_flags(parser: CommandParser, flags: Mapping[str, str]) -> None:
    """Add each on/off option of *flags* (``{"--flag": help}``), in order."""
    for flag, help_text in flags.items():
        parser.add_argument(flag, action="store_true", help=help_text)


def add_change_flags(parser: CommandParser, dry_run_help: str) -> None:
    """``--dry-run`` (worded by the subcommand) and ``--yes``, for the subcommands that change Cronitor."""
    add_flags(parser, {"--dry-run": dry_run_help, "--yes": CONFIRM_DELETE_HELP})
