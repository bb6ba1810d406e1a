"""Helpers shared by the tests."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

import requests
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import HttpResponse
from django.urls import reverse

from healthcheck_admin.assertions import ResponseFacts
from healthcheck_admin.backends import locmem
from healthcheck_admin.forms import HealthcheckDefinitionForm
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.registry import Collected, Spec, fingerprint
from healthcheck_admin.runner import RunConfig, RunResult, run_one
from healthcheck_admin.testing.emulator import CronitorEmulator


@contextmanager
def settled(reset: Callable[[], None], wait: Callable[..., bool], what: str) -> Iterator[None]:
    """Reset, run the test, wait (up to 30 s) until ``what`` is no longer running, reset again."""
    reset()
    yield
    assert wait(timeout=30), f"{what} is still running"
    reset()


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


def edit_form(row: HealthcheckDefinition, headers: str, cookies: str) -> HealthcheckDefinitionForm:
    """The admin form bound to ``row``, posting these headers and cookies (JSON text) and a valid rest."""
    return HealthcheckDefinitionForm(
        data=admin_form(key=row.key, headers=headers, cookies=cookies), instance=row
    )


def run_command(*args: str, verbosity: int = 1) -> tuple[int, str, str]:
    """``manage.py healthchecks run`` with ``args``: its exit code, its output, and the
    :class:`CommandError`'s message when it failed (its stderr when it exited 0)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("healthchecks", "run", *args, stdout=out, stderr=err, verbosity=verbosity)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), err.getvalue()


def run_admin_rows(*args: str) -> tuple[int, str, str]:
    """:func:`run_command` on the admin's rows only (``--source admin``)."""
    return run_command("--source", "admin", *args)


def run_row(check: HealthcheckDefinition, **config: Any) -> RunResult:
    """Run one (possibly unsaved) row with a :class:`RunConfig` made of ``config``."""
    return run_one(check, RunConfig(**config))


DAY = 86400.0
DOCUMENT = {
    "status": "ok",
    "data": {
        "count": 12,
        "name": "widget",
        "tags": ["a", "b", 3],
        "items": [{"id": 7}, {"id": 8}],
        "meta": {"page": 1},
        "ok": True,
        "nothing": None,
        "ratio": 0.5,
    },
}


def facts(**overrides: object) -> ResponseFacts:
    """What the evaluator sees of a 200 JSON response serving DOCUMENT, with ``overrides``."""
    values: dict[str, object] = {
        "status": 200,
        "elapsed": 0.5,
        "body": json.dumps(DOCUMENT),
        "headers": {"Content-Type": "application/json", "X-Version": "1.2.3", "X-Count": "12"},
        "ssl_expires_in": 45 * DAY,
    }
    values.update(overrides)
    return ResponseFacts(**values)  # type: ignore[arg-type]


def monitor(key: str = "site-home", **fields: Any) -> dict[str, Any]:
    """A check monitor as Cronitor's API takes it, with ``fields``."""
    return {"type": "check", "key": key, "request": {"url": "https://example.com/health"}, **fields}


class EmulatorSession(requests.Session):
    """A keep-alive session authenticated against the emulator; ``base`` is its API URL."""

    def __init__(self, emulator: CronitorEmulator) -> None:
        super().__init__()
        self.auth = (emulator.api_key, "")
        self.base = emulator.url


def put_monitors(session: EmulatorSession, body: Any) -> requests.Response:
    """PUT ``body`` to the emulator's batch endpoint."""
    return session.put(f"{session.base}/monitors", json=body, timeout=5)


def bulk_row(key: str, **fields: Any) -> HealthcheckDefinition:
    """A row saved with ``bulk_create`` (no ``save()``: its status stays as given), url from ``key``."""
    values = {"url": f"https://example.com/{key}", **fields}
    [row] = HealthcheckDefinition.objects.bulk_create([HealthcheckDefinition(key=key, **values)])
    return row


def change_url(row: HealthcheckDefinition) -> str:
    """The admin change page of ``row``."""
    return reverse("admin:healthcheck_admin_healthcheckdefinition_change", args=[row.pk])


def message_texts(response: HttpResponse) -> list[str]:
    """The admin messages the request of ``response`` left, as text."""
    return [str(message) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def user_with(*codenames: str, name: str = "staff") -> User:
    """A staff user with these permissions on checks (``"view"``, ``"push"``...)."""
    user = User.objects.create_user(name, f"{name}@example.com", "pw", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="healthcheck_admin",
            codename__in=[f"{code}_healthcheckdefinition" for code in codenames],
        )
    )
    return user


def make_row(**values: Any) -> HealthcheckDefinition:
    """A saved admin row for the status page, with ``values``."""
    fields = {"name": "Status page", "url": "https://status.example.com/", **values}
    return HealthcheckDefinition.objects.create(**fields)


def secret_row(
    key: str, headers: dict[str, str], cookies: dict[str, str], **fields: Any
) -> HealthcheckDefinition:
    """A saved row whose headers and cookies hold values the admin masks (an admin row unless ``source=``)."""
    values = {"source": "admin", "url": "https://status.example.com/ping", **fields}
    return HealthcheckDefinition.objects.create(key=key, headers=headers, cookies=cookies, **values)


def sent_keys() -> list[str]:
    """The keys the locmem backend was sent, in order."""
    return [monitor["key"] for monitor in locmem.outbox]


@contextmanager
def secrets_emulator(
    settings: Any,
    monkeypatch: Any,
    api_key: str,
    environment: dict[str, str],
    sensitive: list[str],
    **values: Any,
) -> Iterator[CronitorEmulator]:
    """An emulator accepting ``api_key`` only, HEALTHCHECKS pointing at it with ``values``, and the
    ``environment`` (the values of ``env:`` references) set; CRONITOR_API_KEY unset."""
    monkeypatch.delenv("CRONITOR_API_KEY", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with CronitorEmulator(api_keys=(api_key,)) as emulator:
        settings.HEALTHCHECKS = {
            **settings.HEALTHCHECKS,
            "BACKEND": "healthcheck_admin.backends.cronitor.CronitorBackend",
            "API_URL": emulator.url,
            "API_KEY": api_key,
            "BACKOFF_SECONDS": 0.01,
            "MAX_RETRIES": 1,
            "SYNC_ON_SAVE": False,
            "SENSITIVE_HEADERS": sensitive,
            "RUN_ALLOWED_HOSTS": ["127.0.0.1"],
            **values,
        }
        yield emulator
