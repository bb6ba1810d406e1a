"""Helpers shared by the tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.registry import Collected, Spec, fingerprint
from healthcheck_admin.runner import RunConfig, RunResult, run_one


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Every SQL statement run on the default connection inside the block.

    Unlike ``CaptureQueriesContext`` this survives the ``reset_queries`` that each
    test-client request triggers, so it counts the queries of whole requests.
    """
    seen: list[str] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def generated_specs(count: int, *, prefix: str = "gen", note: str = "") -> Collected:
    """``count`` code checks as the registry would collect them, for upsert tests and benchmarks."""
    specs = []
    for number in range(count):
        values = {
            "name": f"Check {number}",
            "route": f"route-{number}",
            "url": f"https://example.com/{number}/",
            "method": "GET",
            "headers": {"Accept": "text/html"},
            "cookies": {},
            "body": "",
            "assertions": ["response.code = 200"],
            "tags": ["gen"],
            "interval_seconds": 60,
            "timeout_seconds": 10,
            "regions": [],
            "follow_redirects": True,
            "verify_ssl": True,
            "notify": [],
            "note": note,
            "paused": False,
        }
        key = f"{prefix}-{number}"
        specs.append(Spec(key, values, fingerprint({"key": key, **values})))
    return Collected(specs=specs)


def unsaved_row(url: str, *assertions: str, **fields) -> HealthcheckDefinition:
    """An unsaved row: the runner reads fields only, so network runs need no database."""
    values = {"key": "k", "source": "admin", "name": "", "method": "GET", "timeout_seconds": 5}
    return HealthcheckDefinition(url=url, assertions=list(assertions), **{**values, **fields})


def admin_form(**overrides: str) -> dict[str, str]:
    """A valid POST for the admin's add form, with ``overrides``."""
    data = {
        "key": "adm-new",
        "name": "New check",
        "url": "https://status.example.com/ping",
        "method": "GET",
        "headers": '{"Accept": "application/json"}',
        "cookies": "{}",
        "body": "",
        "timeout_seconds": "10",
        "regions": "[]",
        "follow_redirects": "on",
        "verify_ssl": "on",
        "assertions": '["response.code = 200"]',
        "interval_seconds": "60",
        "tags": '["ops"]',
        "notify": "[]",
        "note": "",
    }
    data.update(overrides)
    return data


def run_row(check: HealthcheckDefinition, **config: Any) -> RunResult:
    """Run one (possibly unsaved) row with a :class:`RunConfig` made of ``config``."""
    return run_one(check, RunConfig(**config))
