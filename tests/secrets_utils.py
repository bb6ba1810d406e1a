"""The secrets of the secrets and admin-guard tests, and how their surfaces are captured."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from healthcheck_admin.models import HealthcheckDefinition

API_KEY = "hcak-SECRET-API-KEY-51f0c2"
WRONG_KEY = "hcak-WRONG-API-KEY-77ab3e"
CUSTOM = "X-Custom-Token"  # named in SENSITIVE_HEADERS
LITERAL = {
    "Authorization": "Bearer lit-AUTH-7d1e90",
    "Cookie": "sid=lit-COOKIEHDR-2b8c41",
    "X-Api-Key": "lit-XAPIKEY-9a4f12",
    CUSTOM: "lit-CUSTOM-3c6d55",
}
LITERAL_COOKIE = "lit-COOKIE-8e2a33"
ENVIRONMENT = {
    "HC_SEC_AUTH": "Bearer env-AUTH-0f3b77",
    "HC_SEC_COOKIEHDR": "sid=env-COOKIEHDR-6a1d08",
    "HC_SEC_XAPIKEY": "env-XAPIKEY-4e9c21",
    "HC_SEC_CUSTOM": "env-CUSTOM-8b2f64",
    "HC_SEC_COOKIE": "env-COOKIE-1c7e93",
}
ENV_HEADERS = {
    "Authorization": "env:HC_SEC_AUTH",
    "Cookie": "env:HC_SEC_COOKIEHDR",
    "X-Api-Key": "env:HC_SEC_XAPIKEY",
    CUSTOM: "env:HC_SEC_CUSTOM",
}
EDITED = {name: value.replace("lit-", "lit2-") for name, value in LITERAL.items()}
REMOTE_AUTH = "Bearer remote-AUTH-5d5d5d"
#: The distinctive part of every secret value; none may appear anywhere we capture.
SECRETS = sorted(
    {API_KEY, WRONG_KEY, LITERAL_COOKIE, REMOTE_AUTH.split()[-1]}
    | {value.split("=")[-1].split()[-1] for value in [*LITERAL.values(), *EDITED.values()]}
    | {value.split("=")[-1].split()[-1] for value in ENVIRONMENT.values()}
)
CHANGELIST = "admin:healthcheck_admin_healthcheckdefinition_changelist"
PUSH_ALL = "admin:healthcheck_admin_healthcheckdefinition_push_all"
KEYS = ("sec-env", "sec-literal")


class Capture:
    """Every text a surface produced, by where it came from."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, str]] = []

    def add(self, where: str, text: str) -> str:
        self.parts.append((where, text))
        return text

    def command(self, *args: str) -> tuple[str, str]:
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("healthchecks", *args, stdout=out, stderr=err)
        except CommandError as exc:
            self.add(f"CommandError of {args}", str(exc))
        self.add(f"stdout of {args}", out.getvalue())
        self.add(f"stderr of {args}", err.getvalue())
        return out.getvalue(), err.getvalue()

    def page(self, where: str, response: Any) -> str:
        assert response.status_code == 200, (where, response.status_code)
        return self.add(where, response.content.decode())

    def rows(self, where: str) -> None:
        for row in HealthcheckDefinition.objects.all():
            self.add(f"{where}: last_error of {row.key}", row.last_error)
            self.add(f"{where}: pushed_payload of {row.key}", json.dumps(row.pushed_payload))

    def assert_clean(self, caplog: pytest.LogCaptureFixture) -> None:
        self.add("logs", caplog.text)
        self.add("log messages", "\n".join(record.getMessage() for record in caplog.records))
        leaks = [(where, secret) for where, text in self.parts for secret in SECRETS if secret in text]
        assert not leaks, f"secrets leaked: {leaks}"
        assert len(self.parts) > 4, "nothing was captured"


def action(client: Client, name: str, keys: tuple[str, ...] = KEYS, **extra: Any) -> Any:
    pks = HealthcheckDefinition.objects.filter(key__in=keys).values_list("pk", flat=True)
    data = {"action": name, "_selected_action": [str(pk) for pk in pks], "index": "0", **extra}
    response = client.post(reverse(CHANGELIST), data, follow=name == "push_to_cronitor")
    if name == "push_to_cronitor":  # the admin pushes off the request: wait for it
        from healthcheck_admin.sync.tasks import wait_for_background_pushes

        assert wait_for_background_pushes(timeout=60)
    return response


def edit_literal_headers() -> None:
    row = HealthcheckDefinition.objects.get(key="sec-literal")
    row.headers = {**EDITED, "Accept": "application/json"}
    row.save()


def staff_client(*codenames: str) -> Client:
    name = "staff-" + "-".join(codenames)
    user = User.objects.create_user(name, f"{name}@example.com", None, is_staff=True)
    perms = ("view_healthcheckdefinition", "change_healthcheckdefinition", *codenames)
    user.user_permissions.set(Permission.objects.filter(codename__in=perms))
    client = Client()
    client.force_login(user)
    return client


def offered_actions(client: Client) -> set[str]:
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    form = response.context["action_form"]  # None when the user may run no action at all
    return set() if form is None else {name for name, _ in form.fields["action"].choices}
