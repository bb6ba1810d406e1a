"""Secrets stay secret, actions keep their guards, and ``run`` refuses hosts outside the allow-list.

The API key and the values of Authorization, Cookie, X-Api-Key and a configured sensitive
header (``SENSITIVE_HEADERS``), stored literally on one row and as ``env:`` references on
another, must never appear in admin HTML, logs (every logger at DEBUG), command output or
exception text, even when the API or the checked server echoes them back. Every surface is
captured as text and searched for each secret.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from healthcheck_admin.backends.base import CronitorError
from healthcheck_admin.backends.cronitor import CronitorBackend
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync.service import push
from healthcheck_admin.testing.emulator import CronitorEmulator
from tests.servers import Running, serve

pytestmark = pytest.mark.django_db

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
CRONITOR = "healthcheck_admin.backends.cronitor.CronitorBackend"
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


# -- fixtures ----------------------------------------------------------------------------------------


@pytest.fixture
def echo() -> Iterator[Running]:
    """The server the checks run against; ``/echo`` sends the request, secrets and all, back."""
    with serve() as running:
        yield running


@pytest.fixture
def api(settings, monkeypatch) -> Iterator[CronitorEmulator]:
    """The emulator, accepting API_KEY only; HEALTHCHECKS points at it."""
    monkeypatch.delenv("CRONITOR_API_KEY", raising=False)
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    with CronitorEmulator(api_keys=(API_KEY,)) as emulator:
        settings.HEALTHCHECKS = {
            **settings.HEALTHCHECKS,
            "BACKEND": CRONITOR,
            "API_URL": emulator.url,
            "API_KEY": API_KEY,
            "BACKOFF_SECONDS": 0.01,
            "MAX_RETRIES": 1,
            "TIMEOUT": 2.0,
            "SYNC_ON_SAVE": False,
            "SENSITIVE_HEADERS": [CUSTOM],
            "RUN_ALLOWED_HOSTS": ["127.0.0.1"],
        }
        yield emulator


@pytest.fixture(params=["key-in-settings", "key-from-environment"])
def key_source(request, api, settings, monkeypatch) -> str:
    """The API key literally in HEALTHCHECKS, or only in CRONITOR_API_KEY."""
    if request.param == "key-from-environment":
        settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "API_KEY": None}
        monkeypatch.setenv("CRONITOR_API_KEY", API_KEY)
    return str(request.param)


@pytest.fixture
def rows(api, echo) -> list[HealthcheckDefinition]:
    common = {
        "url": echo.url("/echo"),
        "assertions": ["response.code = 200", "response.body contains all-is-well"],
    }
    return [
        HealthcheckDefinition.objects.create(
            key="sec-env",
            name="Env secrets",
            headers=ENV_HEADERS,
            cookies={"s": "env:HC_SEC_COOKIE"},
            **common,
        ),
        HealthcheckDefinition.objects.create(
            key="sec-literal",
            name="Literal secrets",
            headers=LITERAL,
            cookies={"s": LITERAL_COOKIE},
            **common,
        ),
    ]


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.fixture
def superuser(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("root", "root@example.com", None))
    return client


def action(client: Client, name: str, keys: tuple[str, ...] = KEYS, **extra: Any) -> Any:
    pks = HealthcheckDefinition.objects.filter(key__in=keys).values_list("pk", flat=True)
    data = {"action": name, "_selected_action": [str(pk) for pk in pks], "index": "0", **extra}
    return client.post(reverse(CHANGELIST), data, follow=name == "push_to_cronitor")


def edit_literal_headers() -> None:
    row = HealthcheckDefinition.objects.get(key="sec-literal")
    row.headers = {**EDITED, "Accept": "application/json"}
    row.save()


# -- secrets -----------------------------------------------------------------------------------------


def test_the_secrets_reach_the_api_and_the_checked_server(rows, api, echo, superuser):
    """The control: the values are really sent, so their absence elsewhere means something."""
    assert push().ok
    sent = {monitor["key"]: monitor["request"] for monitor in api.sent_monitors()}
    assert sent["sec-literal"]["headers"] == LITERAL
    assert sent["sec-env"]["headers"]["Authorization"] == ENVIRONMENT["HC_SEC_AUTH"]
    assert sent["sec-env"]["cookies"] == {"s": ENVIRONMENT["HC_SEC_COOKIE"]}
    assert {request.headers["Authorization"].split()[0] for request in api.requests} == {"Basic"}
    assert action(superuser, "run_now").status_code == 200
    seen = {request["headers"].get("X-Api-Key") for request in echo.recorder.seen}
    assert seen == {LITERAL["X-Api-Key"], ENVIRONMENT["HC_SEC_XAPIKEY"]}


def test_admin_pages_never_show_secrets(key_source, rows, api, superuser, logs):
    capture = Capture()
    capture.page("push action", action(superuser, "push_to_cronitor"))
    assert set(api.monitors) >= set(KEYS)
    capture.page("changelist", superuser.get(reverse(CHANGELIST)))
    for row in rows:
        change = reverse("admin:healthcheck_admin_healthcheckdefinition_change", args=[row.pk])
        html = capture.page(f"change form of {row.key}", superuser.get(change))
        assert "********" in html or "env:HC_SEC_AUTH" in html
    run_page = capture.page("run now", action(superuser, "run_now"))
    assert run_page.count('data-state="failed"') == 2, "the checks did not run against the echo server"
    edit_literal_headers()
    capture.page("push all", superuser.post(reverse(PUSH_ALL), follow=True))
    capture.rows("after the admin pushes")
    capture.assert_clean(logs)


def test_saving_the_change_form_as_shown_keeps_the_secrets(rows, superuser):
    """The form shows sensitive values masked; posting the mask back means "unchanged"."""
    row = HealthcheckDefinition.objects.get(key="sec-literal")
    change = reverse("admin:healthcheck_admin_healthcheckdefinition_change", args=[row.pk])
    form = superuser.get(change).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {
        name: ("on" if value else "") if isinstance(value, bool) else value for name, value in data.items()
    }
    assert all(secret not in json.dumps(data) for secret in SECRETS)

    response = superuser.post(change, {name: value for name, value in data.items() if value is not None})

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.headers, row.cookies) == (LITERAL, {"s": LITERAL_COOKIE})


def test_command_output_never_shows_secrets(key_source, rows, api, echo, logs):
    capture = Capture()
    capture.command("push", "-v", "3")
    edit_literal_headers()
    with api.lock:  # drift: a header changed on Cronitor's side
        api.monitors["sec-env"]["request"]["headers"]["Authorization"] = REMOTE_AUTH
    for args in (
        ("list",),
        ("list", "--json"),
        ("plan", "-v", "2"),
        ("plan", "--json", "-v", "2"),
        ("push", "--dry-run", "-v", "3"),
        ("drift",),
        ("drift", "--json"),
        ("push", "-v", "3"),
        ("push", "--all", "-v", "3"),
        ("run", "--key", *KEYS, "-v", "2"),
        ("run", "--key", *KEYS, "--json"),
    ):
        capture.command(*args)
    texts = dict(capture.parts)
    assert "~ sec-literal (update)" in texts["stdout of ('plan', '-v', '2')"]
    assert "~ sec-env: request.headers changed remotely" in texts["stdout of ('drift',)"]
    assert len(echo.recorder.seen) == 4, "run did not reach the echo server"
    capture.rows("after the commands")
    capture.assert_clean(logs)


def _bad_key(api: CronitorEmulator, settings: Any) -> None:
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "API_KEY": WRONG_KEY}


def _reject_echoing(api: CronitorEmulator, settings: Any) -> None:
    echoed = f"header {LITERAL['Authorization']!r} and {LITERAL[CUSTOM]} refused for key {API_KEY}"
    api.reject_monitor("sec-literal", echoed)
    api.reject_monitor("sec-env", f"cookie {ENVIRONMENT['HC_SEC_COOKIE']} refused, key {API_KEY}")


def _opaque_400_echoing(api: CronitorEmulator, settings: Any) -> None:
    body = f"<html>400: bad header X-Api-Key={LITERAL['X-Api-Key']} / {ENVIRONMENT['HC_SEC_XAPIKEY']}</html>"
    api.fail_next(400, body=body, times=20)


def _refused(api: CronitorEmulator, settings: Any) -> None:
    api.stop()


@pytest.mark.parametrize(
    "fault",
    [_bad_key, _reject_echoing, _opaque_400_echoing, _refused],
    ids=["403-bad-key", "400-naming-the-monitor-echoes-secrets", "opaque-400-echoes-secrets", "refused"],
)
def test_failures_never_echo_secrets(key_source, rows, api, settings, superuser, logs, fault):
    capture = Capture()
    fault(api, settings)

    report = push()
    capture.add("push report", json.dumps(report.as_dict()))
    assert sorted(report.failed) == list(KEYS)
    capture.rows("after the failed push")
    capture.command("push", "-v", "3")
    capture.command("drift")
    capture.page("push action", action(superuser, "push_to_cronitor"))
    for call in ("list_monitors", "get_monitor"):
        with CronitorBackend() as backend:
            try:
                backend.list_monitors() if call == "list_monitors" else backend.get_monitor("sec-env")
            except CronitorError as exc:
                capture.add("CronitorError", f"{exc} {exc.message} {exc!r}")
            capture.add("backend repr", repr(backend))
    mine = HealthcheckDefinition.objects.filter(key__in=KEYS)
    assert all(row.status == "failed" and row.last_error for row in mine)
    capture.assert_clean(logs)


def test_a_failed_run_never_echoes_secrets(key_source, rows, api, echo, superuser, logs):
    capture = Capture()
    HealthcheckDefinition.objects.filter(key="sec-env").update(url=echo.url("/status/500"))
    closed = echo.url("/echo").replace(str(echo.server.port), "9")
    HealthcheckDefinition.objects.filter(key="sec-literal").update(url=closed)

    capture.command("run", "--key", *KEYS, "-v", "2")
    capture.command("run", "--key", *KEYS, "--json")
    html = capture.page("run now", action(superuser, "run_now"))

    assert 'data-state="error"' in html
    assert 'data-state="failed"' in html
    capture.assert_clean(logs)


# -- permissions and CSRF ----------------------------------------------------------------------------


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


def test_push_needs_the_push_permission(rows, api):
    denied = staff_client()
    assert "push_to_cronitor" not in offered_actions(denied)
    assert action(denied, "push_to_cronitor").status_code == 403
    assert denied.post(reverse(PUSH_ALL)).status_code == 403
    assert api.requests == []

    allowed = staff_client("push_healthcheckdefinition")
    assert "push_to_cronitor" in offered_actions(allowed)
    assert action(allowed, "push_to_cronitor").status_code == 200
    assert set(api.monitors) == set(KEYS)


def test_run_needs_the_run_permission(rows, echo):
    denied = staff_client()
    assert "run_now" not in offered_actions(denied)
    assert action(denied, "run_now").status_code == 403
    assert echo.recorder.seen == []

    allowed = staff_client("run_healthcheckdefinition")
    assert "run_now" in offered_actions(allowed)
    assert action(allowed, "run_now").status_code == 200
    assert len(echo.recorder.seen) == 2


def test_admin_actions_keep_csrf_protection(rows, api, echo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("root", "root@example.com", None))

    assert action(client, "push_to_cronitor").status_code == 403
    assert action(client, "run_now").status_code == 403
    assert client.post(reverse(PUSH_ALL)).status_code == 403
    assert api.requests == []
    assert echo.recorder.seen == []

    client.get(reverse(CHANGELIST))  # sets the CSRF cookie, as a browser would
    token = client.cookies["csrftoken"].value
    assert action(client, "push_to_cronitor", csrfmiddlewaretoken=token).status_code == 200
    assert set(api.monitors) == set(KEYS)


# -- the run SSRF guard ------------------------------------------------------------------------------


@pytest.fixture
def outside(echo, settings, api) -> dict[str, str]:
    """Checks pointing outside the allow-list (which holds 127.0.0.1 only), and one inside it."""
    settings.ALLOWED_HOSTS = ["testserver"]
    urls = {
        "ssrf-metadata": "http://169.254.169.254/latest/meta-data/iam/",
        "ssrf-localhost": echo.url("/echo", host="localhost"),  # reachable, but not allowed
        "ssrf-redirect": echo.url(f"/redirect?to={echo.url('/echo', host='localhost')}"),
        "inside": echo.url("/json"),
    }
    for key, url in urls.items():
        HealthcheckDefinition.objects.create(key=key, url=url, assertions=["response.code = 200"])
    return urls


def test_run_now_refuses_hosts_outside_the_allow_list(outside, echo, superuser):
    html = action(superuser, "run_now", keys=tuple(outside)).content.decode()

    for key in ("ssrf-metadata", "ssrf-localhost", "ssrf-redirect"):
        assert f'data-key="{key}" data-state="refused"' in html, key
    assert 'data-key="inside" data-state="passed"' in html
    assert "host &#x27;169.254.169.254&#x27; is not in the runner&#x27;s allow-list" in html
    assert sorted(request["path"] for request in echo.recorder.seen) == ["/json", "/redirect"]


def test_the_run_command_refuses_hosts_outside_the_allow_list(outside, echo):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "healthchecks", "run", "--key", *outside, "--json", "--allow-refused", stdout=out, stderr=err
    )

    states = {result["key"]: (result["state"], result["error"]) for result in json.loads(out.getvalue())}
    assert states["inside"] == ("passed", "")
    for key in ("ssrf-metadata", "ssrf-localhost", "ssrf-redirect"):
        state, error = states[key]
        assert state == "refused", (key, states[key])
        assert "is not in the runner's allow-list" in error
    assert "'169.254.169.254'" in states["ssrf-metadata"][1]
    assert sorted(request["path"] for request in echo.recorder.seen) == ["/json", "/redirect"]

    text = io.StringIO()
    call_command(
        "healthchecks", "run", "--key", "ssrf-metadata", "--allow-refused", stdout=text, stderr=io.StringIO()
    )
    assert (
        "refused ssrf-metadata: host '169.254.169.254' is not in the runner's allow-list" in text.getvalue()
    )
