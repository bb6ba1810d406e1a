"""No secret, nor any 8-character piece of one, reaches anything we can capture.

Secrets: the API key, literal and ``env:`` values of the sensitive headers (built-in and
``SENSITIVE_HEADERS``), an ``env:`` value in a header that is not sensitive, and cookies
with innocuous names; and the ``env:`` references themselves (set and unset), which are
masked like the values. The real emulator echoes them in its error bodies, placed so that
the 240-character cut falls inside them; the checked server echoes every request.

Captured: every log record at DEBUG, the admin's changelist, change, history and delete
pages for a superuser, a staff user and a view-only user, ``list``, ``plan``, ``push``,
``drift`` and ``run`` at ``-v 3`` with ``--traceback`` (the traceback of any failure
included), and every row's ``last_error``, stored payloads and history.
"""

from __future__ import annotations

import html
import io
import json
import logging
import re
import traceback
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from healthcheck_admin.backends.http import MAX_DETAIL
from healthcheck_admin.models import HealthcheckDefinition, HealthcheckEvent
from healthcheck_admin.sync.service import push
from healthcheck_admin.testing.emulator import CronitorEmulator
from tests.servers import Running, serve
from tests.utils import secrets_emulator

pytestmark = pytest.mark.django_db

API_KEY = "Kq3apiKEY-v9Lm2Zt7Rw"
CUSTOM = "X-Custom-Token"
ENVIRONMENT = {
    "HC_LEAK_AUTH": "Bearer Ev1authZ-p4Qx8Lm2Ns",
    "HC_LEAK_XKEY": "Ev2xapiK-r6Tz1Wq9Bd",
    "HC_LEAK_PLAIN": "Ev3plain-h5Jc7Yv3Gk",  # in X-Trace, which is not a sensitive header
    "HC_LEAK_COOKIE": "Ev4cookie-m8Rb2Dx6Fp",
}
LITERAL = {
    "Authorization": "Bearer Lt1authZ-k2Vn5Hs8Qc",
    "Cookie": "sid=Lt2cookiehdr-w7Pf3Ja1Ue",
    "X-Api-Key": "Lt3xapiK-b9Gm4Tr6Yo",
    CUSTOM: "Lt4custom-d3Kq8Xz5Ni",
}
LITERAL_COOKIE = "Lt5theme-c6Ws1Mv4Hy"  # a cookie named "theme": cookies are masked whatever the name
UNSET = "env:HC_LEAK_UNSET_NAME_Q"  # a reference to a variable that is not set
REFERENCES = [f"env:{name}" for name in ENVIRONMENT]
#: What is sent, so what a server can echo: the references never leave the process.
SENT = sorted({API_KEY, LITERAL_COOKIE, *ENVIRONMENT.values(), *LITERAL.values()})
SECRETS = sorted({*SENT, *REFERENCES, UNSET})
ADMIN = "admin:healthcheck_admin_healthcheckdefinition"


def pieces(secret: str, size: int = 8) -> set[str]:
    """The secret and every run of ``size`` characters in it (every prefix that could be left)."""
    return {secret} | {secret[start : start + size] for start in range(len(secret) - size + 1)}


class Capture:
    def __init__(self) -> None:
        self.parts: list[tuple[str, str]] = []

    def add(self, where: str, text: str) -> None:
        self.parts.append((where, text))

    def command(self, *args: str) -> None:
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("healthchecks", *args, verbosity=3, traceback=True, stdout=out, stderr=err)
        except BaseException as exc:  # a failing command's traceback is output too
            self.add(f"traceback of {args}", "".join(traceback.format_exception(exc)))
        self.add(f"stdout of {args}", out.getvalue())
        self.add(f"stderr of {args}", err.getvalue())

    def page(self, where: str, client: Client, url: str) -> None:
        response = client.get(url)
        assert response.status_code in (200, 403), (where, response.status_code)
        self.add(f"{where} ({response.status_code})", response.content.decode())

    def stored(self) -> None:
        for row in HealthcheckDefinition.objects.all():
            self.add(f"last_error of {row.key}", row.last_error)
            self.add(f"payloads of {row.key}", json.dumps([row.pushed_payload, row.remote_payload]))
        for event in HealthcheckEvent.objects.all():
            self.add(f"event {event.pk}", f"{event.message} {json.dumps(event.detail)}")

    def leaks(self, caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
        self.add("logs", caplog.text)
        self.add("log messages", "\n".join(record.getMessage() for record in caplog.records))
        return [
            (where, piece)
            for where, text in self.parts
            for secret in SECRETS
            for piece in pieces(secret)
            if piece in text
        ]


# -- fixtures ----------------------------------------------------------------------------------------


@pytest.fixture
def leak_server() -> Iterator[Running]:
    with serve() as running:
        yield running


@pytest.fixture
def leak_api(settings, monkeypatch) -> Iterator[CronitorEmulator]:
    with secrets_emulator(settings, monkeypatch, API_KEY, ENVIRONMENT, [CUSTOM], TIMEOUT=5.0) as emulator:
        yield emulator


@pytest.fixture
def leak_rows(leak_api, leak_server) -> list[HealthcheckDefinition]:
    assertions = [  # each fails, so its reason quotes what the server echoed
        "response.body contains all-is-well",
        "response.body = all-is-well",
        'response.json "headers.Authorization" = nope',
        'response.json "cookies" = nope',
    ]
    common = {"url": leak_server.url("/echo"), "assertions": assertions}
    env_headers = {
        "Authorization": "env:HC_LEAK_AUTH",
        "X-Api-Key": "env:HC_LEAK_XKEY",
        "X-Trace": "env:HC_LEAK_PLAIN",
    }
    return [
        HealthcheckDefinition.objects.create(
            key="leak-code",
            source="code",
            route="leak-route",
            name="Code secrets",
            headers=LITERAL,
            cookies={"theme": LITERAL_COOKIE},
            **common,
        ),
        HealthcheckDefinition.objects.create(
            key="leak-literal",
            name="Literal secrets",
            headers=LITERAL,
            cookies={"theme": LITERAL_COOKIE},
            **common,
        ),
        HealthcheckDefinition.objects.create(
            key="leak-env",
            name="Env secrets",
            headers=env_headers,
            cookies={"lang": "env:HC_LEAK_COOKIE"},
            **common,
        ),
    ]


def staff(username: str, *codenames: str, superuser: bool = False) -> Client:
    if superuser:
        user = User.objects.create_superuser(username, f"{username}@example.com", None)
    else:
        user = User.objects.create_user(username, is_staff=True)
        user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def leak_clients(db) -> dict[str, Client]:
    model = "healthcheckdefinition"
    editing = [f"{verb}_{model}" for verb in ("view", "change", "add", "delete", "push", "run")]
    return {
        "superuser": staff("root", superuser=True),
        "staff": staff("editor", *editing),
        "view-only": staff("viewer", f"view_{model}"),
    }


def echo_at_the_cut(secret: str, offset: int) -> str:
    """Server text in which the 240-character cut falls ``offset`` characters into ``secret``."""
    return "e" * (MAX_DETAIL - 1 - offset) + secret + " and " + " ".join(SENT)


def echo_cut_short() -> str:
    """Server text that cut its own echo: prefixes of every secret, each followed by an ellipsis."""
    return " ".join(
        f"{secret[:size]}..." for secret in SENT for size in (8, len(secret) // 2, len(secret) - 1)
    )


# -- the test ------------------------------------------------------------------------------------------


def test_no_secret_or_8_character_piece_of_one_is_ever_captured(leak_rows, leak_api, leak_clients, caplog):
    caplog.set_level(logging.DEBUG)
    capture = Capture()
    unset = HealthcheckDefinition.objects.create(
        key="leak-unset", name="Unset secret", url=leak_rows[0].url, headers={"X-Trace": UNSET}
    )
    leak_api.fail_next(500, body={"detail": "boom " + " ".join(SENT)}, times=2, method="PUT")
    capture.command("push")
    for index, secret in enumerate(SENT):  # every secret cut at the limit, at several places
        offset = 4 + index % (len(secret) - 5)
        leak_api.fail_next(502, body={"detail": echo_at_the_cut(secret, offset)}, times=2, method="PUT")
        capture.command("push", "--all")
        capture.stored()
    leak_api.fail_next(
        400, body={"errors": [{"monitor": "leak-env", "message": echo_at_the_cut(SENT[0], 9)}]}
    )
    capture.command("push", "--all")
    capture.stored()
    leak_api.fail_next(502, body={"detail": echo_cut_short()}, times=2, method="PUT")
    capture.command("push", "--all")
    leak_api.fail_next(400, body=echo_cut_short(), times=8, method="PUT")
    capture.command("push", "--all")
    capture.stored()
    leak_api.fail_next(400, body=echo_at_the_cut(SENT[1], 6), method="PUT")
    capture.command("push", "--all")
    capture.stored()
    for command in ("list", "plan", "push", "run"):
        capture.command(command)
        capture.command(command, "--json")
    capture.command("push", "--dry-run")
    leak_api.fail_next(500, body={"detail": echo_at_the_cut(API_KEY, 10)}, times=2, method="GET")
    capture.command("drift")
    capture.command("drift")
    report = push(force=True)
    capture.add("push report", json.dumps(report.as_dict()))
    capture.stored()

    for who, client in leak_clients.items():
        capture.page(f"changelist for {who}", client, reverse(f"{ADMIN}_changelist"))
        for row in [*leak_rows, unset]:
            for page in ("change", "history", "delete"):
                capture.page(
                    f"{page} of {row.key} for {who}", client, reverse(f"{ADMIN}_{page}", args=[row.pk])
                )

    found = capture.leaks(caplog)
    assert not found, sorted({where for where, _ in found})
    assert len(capture.parts) > 100, "nothing much was captured"


def test_the_control_the_secrets_really_reach_the_api(leak_rows, leak_api):
    """Without this, the absence of the secrets elsewhere would mean nothing."""
    assert push(force=True).ok
    sent = json.dumps(leak_api.sent_monitors())
    assert all(value in sent for value in [*ENVIRONMENT.values(), *LITERAL.values(), LITERAL_COOKIE])
    assert leak_api.requests[-1].headers


def shown_masked(page: str, name: str) -> bool:
    """``name`` is shown with the mask: as read-only JSON, or as a row of the key/value widget."""
    row = re.compile(rf'value="{re.escape(name)}"[^<]*>\s*</td>\s*<td><input [^>]*value="\*{{8}}"')
    return f'"{name}": "********"' in page or bool(row.search(page))


def test_every_user_sees_masks_where_the_secrets_are(leak_rows, leak_clients):
    code_row = leak_rows[0]
    for who, client in leak_clients.items():
        page = html.unescape(client.get(reverse(f"{ADMIN}_change", args=[code_row.pk])).content.decode())
        assert '"Authorization": "********"' in page, who
        assert '"theme": "********"' in page, who
    for who, client in leak_clients.items():  # a reference is masked too, even in X-Trace (not sensitive)
        page = html.unescape(client.get(reverse(f"{ADMIN}_change", args=[leak_rows[2].pk])).content.decode())
        assert shown_masked(page, "X-Trace"), who
        assert shown_masked(page, "lang"), who
        assert "env:HC_LEAK" not in page, who
