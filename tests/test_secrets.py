"""Secrets stay secret, actions keep their guards, and ``run`` refuses hosts outside the allow-list.

The API key and the values of Authorization, Cookie, X-Api-Key and a configured sensitive
header (``SENSITIVE_HEADERS``), stored literally on one row and as ``env:`` references on
another, must never appear in admin HTML, logs (every logger at DEBUG), command output or
exception text, even when the API or the checked server echoes them back. Every surface is
captured as text and searched for each secret.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from healthcheck_admin.backends.base import CronitorError
from healthcheck_admin.backends.cronitor import CronitorBackend
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync.service import push
from healthcheck_admin.sync.tasks import wait_for_background_pushes
from healthcheck_admin.testing.emulator import CronitorEmulator
from tests.secrets_utils import (
    API_KEY,
    CHANGELIST,
    CUSTOM,
    ENVIRONMENT,
    KEYS,
    LITERAL,
    LITERAL_COOKIE,
    PUSH_ALL,
    REMOTE_AUTH,
    SECRETS,
    WRONG_KEY,
    Capture,
    action,
    edit_literal_headers,
)

pytestmark = pytest.mark.django_db


# -- secrets -----------------------------------------------------------------------------------------


def test_the_secrets_reach_the_api_and_the_checked_server(
    secret_rows, secrets_api, echo_server, superuser_client
):
    """The control: the values are really sent, so their absence elsewhere means something."""
    assert push().ok
    sent = {monitor["key"]: monitor["request"] for monitor in secrets_api.sent_monitors()}
    assert sent["sec-literal"]["headers"] == LITERAL
    assert sent["sec-env"]["headers"]["Authorization"] == ENVIRONMENT["HC_SEC_AUTH"]
    assert sent["sec-env"]["cookies"] == {"s": ENVIRONMENT["HC_SEC_COOKIE"]}
    assert {request.headers["Authorization"].split()[0] for request in secrets_api.requests} == {"Basic"}
    assert action(superuser_client, "run_now").status_code == 200
    seen = {request["headers"].get("X-Api-Key") for request in echo_server.recorder.seen}
    assert seen == {LITERAL["X-Api-Key"], ENVIRONMENT["HC_SEC_XAPIKEY"]}


@pytest.mark.django_db(transaction=True)  # the admin pushes in a thread, on its own connection
def test_admin_pages_never_show_secrets(key_source, secret_rows, secrets_api, superuser_client, debug_logs):
    capture = Capture()
    capture.page("push action", action(superuser_client, "push_to_cronitor"))
    assert set(secrets_api.monitors) >= set(KEYS)
    capture.page("changelist", superuser_client.get(reverse(CHANGELIST)))
    for row in secret_rows:
        change = reverse("admin:healthcheck_admin_healthcheckdefinition_change", args=[row.pk])
        html = capture.page(f"change form of {row.key}", superuser_client.get(change))
        assert "********" in html or "env:HC_SEC_AUTH" in html
    run_page = capture.page("run now", action(superuser_client, "run_now"))
    assert run_page.count('data-state="failed"') == 2, "the checks did not run against the echo server"
    edit_literal_headers()
    capture.page("push all", superuser_client.post(reverse(PUSH_ALL), follow=True))
    assert wait_for_background_pushes(timeout=60)
    capture.page("push all outcome", superuser_client.get(reverse(CHANGELIST)))
    capture.rows("after the admin pushes")
    capture.assert_clean(debug_logs)


def test_saving_the_change_form_as_shown_keeps_the_secrets(secret_rows, superuser_client):
    """The form shows sensitive values masked; posting the mask back means "unchanged"."""
    row = HealthcheckDefinition.objects.get(key="sec-literal")
    change = reverse("admin:healthcheck_admin_healthcheckdefinition_change", args=[row.pk])
    form = superuser_client.get(change).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {
        name: ("on" if value else "") if isinstance(value, bool) else value for name, value in data.items()
    }
    assert all(secret not in json.dumps(data) for secret in SECRETS)

    response = superuser_client.post(
        change, {name: value for name, value in data.items() if value is not None}
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.headers, row.cookies) == (LITERAL, {"s": LITERAL_COOKIE})


def test_command_output_never_shows_secrets(key_source, secret_rows, secrets_api, echo_server, debug_logs):
    capture = Capture()
    capture.command("push", "-v", "3")
    edit_literal_headers()
    with secrets_api.lock:  # drift: a header changed on Cronitor's side
        secrets_api.monitors["sec-env"]["request"]["headers"]["Authorization"] = REMOTE_AUTH
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
    assert len(echo_server.recorder.seen) == 4, "run did not reach the echo server"
    capture.rows("after the commands")
    capture.assert_clean(debug_logs)


def _bad_key(secrets_api: CronitorEmulator, settings: Any) -> None:
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "API_KEY": WRONG_KEY}


def _reject_echoing(secrets_api: CronitorEmulator, settings: Any) -> None:
    echoed = f"header {LITERAL['Authorization']!r} and {LITERAL[CUSTOM]} refused for key {API_KEY}"
    secrets_api.reject_monitor("sec-literal", echoed)
    secrets_api.reject_monitor("sec-env", f"cookie {ENVIRONMENT['HC_SEC_COOKIE']} refused, key {API_KEY}")


def _opaque_400_echoing(secrets_api: CronitorEmulator, settings: Any) -> None:
    body = f"<html>400: bad header X-Api-Key={LITERAL['X-Api-Key']} / {ENVIRONMENT['HC_SEC_XAPIKEY']}</html>"
    secrets_api.fail_next(400, body=body, times=20)


def _refused(secrets_api: CronitorEmulator, settings: Any) -> None:
    secrets_api.stop()


@pytest.mark.parametrize(
    "fault",
    [_bad_key, _reject_echoing, _opaque_400_echoing, _refused],
    ids=["403-bad-key", "400-naming-the-monitor-echoes-secrets", "opaque-400-echoes-secrets", "refused"],
)
@pytest.mark.django_db(transaction=True)
def test_failures_never_echo_secrets(
    key_source, secret_rows, secrets_api, settings, superuser_client, debug_logs, fault
):
    capture = Capture()
    fault(secrets_api, settings)

    report = push()
    capture.add("push report", json.dumps(report.as_dict()))
    assert sorted(report.failed) == list(KEYS)
    capture.rows("after the failed push")
    capture.command("push", "-v", "3")
    capture.command("drift")
    capture.page("push action", action(superuser_client, "push_to_cronitor"))
    capture.page("push outcome", superuser_client.get(reverse(CHANGELIST)))
    for call in ("list_monitors", "get_monitor"):
        with CronitorBackend() as backend:
            try:
                backend.list_monitors() if call == "list_monitors" else backend.get_monitor("sec-env")
            except CronitorError as exc:
                capture.add("CronitorError", f"{exc} {exc.message} {exc!r}")
            capture.add("backend repr", repr(backend))
    mine = HealthcheckDefinition.objects.filter(key__in=KEYS)
    assert all(row.status == "failed" and row.last_error for row in mine)
    capture.assert_clean(debug_logs)


def test_a_failed_run_never_echoes_secrets(
    key_source, secret_rows, secrets_api, echo_server, superuser_client, debug_logs
):
    capture = Capture()
    HealthcheckDefinition.objects.filter(key="sec-env").update(url=echo_server.url("/status/500"))
    closed = echo_server.url("/echo").replace(str(echo_server.server.port), "9")
    HealthcheckDefinition.objects.filter(key="sec-literal").update(url=closed)

    capture.command("run", "--key", *KEYS, "-v", "2")
    capture.command("run", "--key", *KEYS, "--json")
    html = capture.page("run now", action(superuser_client, "run_now"))

    assert 'data-state="error"' in html
    assert 'data-state="failed"' in html
    capture.assert_clean(debug_logs)
