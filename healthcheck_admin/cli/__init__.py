"""Subcommands of ``manage.py healthchecks``: one module each, thin wrappers over services.

Each ``<name>_cmd`` module exposes ``HELP``, ``add_arguments(parser)`` and
``handle(command, options)``. A non-zero exit is ``raise CommandError(message, returncode=N)``.
"""

from __future__ import annotations

SUBCOMMANDS = ("list", "plan", "push", "drift", "run", "refresh", "import", "remove", "prune")
