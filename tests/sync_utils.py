"""Helpers shared by the sync tests (tests/test_sync_*.py, test_backends.py, test_commands_sync.py)."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.testing import CronitorEmulator

CRONITOR = "healthcheck_admin.backends.cronitor.CronitorBackend"

SECRET_HEADER = "Bearer s3cr3t-header-value"


def row_values(key: str, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "key": key,
        "source": "admin",
        "name": f"Check {key}",
        "url": f"https://example.com/{key}/",
        "assertions": ["response.code = 200"],
    }
    values.update(fields)
    return values


def make_row(key: str = "test.check", **fields: Any) -> HealthcheckDefinition:
    row: HealthcheckDefinition = HealthcheckDefinition.objects.create(**row_values(key, **fields))
    return row


def make_rows(count: int, prefix: str = "bulk") -> list[HealthcheckDefinition]:
    rows = [HealthcheckDefinition(**row_values(f"{prefix}-{n:04d}")) for n in range(count)]
    created: list[HealthcheckDefinition] = HealthcheckDefinition.objects.bulk_create(rows)
    return created


def healthchecks(settings: Any, **values: Any) -> None:
    """Update ``settings.HEALTHCHECKS`` (pytest-django's ``settings`` fixture restores it)."""
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, **values}


def command(*args: str, **options: Any) -> tuple[str, str]:
    """Run ``manage.py healthchecks ARGS`` (``verbosity=2`` for ``-v 2``); (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("healthchecks", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


#: The admin add form of a row whose key may already be a monitor on Cronitor.
ADMIN_FORM = {
    "key": "theirs",
    "name": "Mine",
    "url": "https://example.com/theirs/",
    "method": "GET",
    "timeout_seconds": 10,
    "interval_seconds": 60,
    "follow_redirects": "on",
    "verify_ssl": "on",
    "headers": "{}",
    "cookies": "{}",
    "assertions": "[]",
    "tags": "[]",
    "notify": "[]",
    "regions": "[]",
    "extra_tags": "[]",
    "override_paused": "unknown",
}


def dashboard_monitor(key: str, **fields: Any) -> dict[str, Any]:
    """A check monitor as made by hand on the dashboard: no ownership tag."""
    return {
        "type": "check",
        "key": key,
        "name": f"Dashboard {key}",
        "schedule": "every 5 minutes",
        "request": {"url": f"https://example.com/{key}/", "method": "GET", "timeout_seconds": 7},
        "assertions": ["response.code = 200"],
        **fields,
    }


def use(settings: Any, emulator: CronitorEmulator, **extra: Any) -> None:
    """Point the sync at ``emulator`` with the Cronitor backend."""
    healthchecks(
        settings,
        BACKEND=CRONITOR,
        API_URL=emulator.url,
        API_KEY=emulator.api_key,
        SYNC_ON_SAVE=False,
        BACKOFF_SECONDS=0.01,
        **extra,
    )


#: The ownership tag the test settings' pushes carry.
OWN_TAG = "managed-by:healthcheck_admin:tests:test"


def foreign(key: str, tags: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """A check monitor as someone else made it in Cronitor, with ``tags``."""
    return {"type": "check", "key": key, "request": {"url": "https://example.com/"}, "tags": list(tags)}


def request_paths(emulator: CronitorEmulator) -> list[tuple[str, str]]:
    """The (method, path) of each request the emulator received."""
    return [(r.method, r.path) for r in emulator.requests]
