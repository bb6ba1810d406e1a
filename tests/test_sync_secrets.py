"""``env:NAME`` values are resolved at push time only; secrets never reach logs, output or errors."""

from __future__ import annotations

import io
import json

import pytest

from healthcheck_admin.backends.base import CronitorError
from healthcheck_admin.backends.console import ConsoleBackend
from healthcheck_admin.backends.cronitor import CronitorBackend
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.redaction import mask_monitor
from healthcheck_admin.sync.payload import PayloadError, fingerprint, monitor_for, resolve
from healthcheck_admin.sync.service import push
from tests.sync_utils import SECRET_HEADER, command, healthchecks, make_row

pytestmark = pytest.mark.django_db

STATUS = HealthcheckDefinition.STATUS
TOKEN = "tok-from-the-environment-42"


def test_env_references_are_resolved_at_push_time_and_stored_unresolved(sync_api, monkeypatch):
    monkeypatch.setenv("HC_TEST_TOKEN", TOKEN)
    reference = "env:HC_TEST_TOKEN"
    row = make_row("one", headers={"Authorization": reference}, cookies={"session": reference})

    assert push().ok

    request = sync_api.sent_monitors()[0]["request"]
    assert request["headers"] == {"Authorization": TOKEN}
    assert request["cookies"] == {"session": TOKEN}
    row.refresh_from_db()
    assert row.headers == {"Authorization": "env:HC_TEST_TOKEN"}
    assert (row.pushed_payload or {})["request"]["headers"] == {"Authorization": "********"}
    stored = json.dumps([list(r) for r in HealthcheckDefinition.objects.values_list()], default=str)
    assert TOKEN not in stored
    assert row.pushed_fingerprint == fingerprint(monitor_for(row))


def test_a_missing_variable_fails_that_row_only(sync_api, monkeypatch):
    monkeypatch.delenv("HC_NOT_SET", raising=False)
    row = make_row("needs-secret", headers={"X-Token": "env:HC_NOT_SET"})
    make_row("plain")

    report = push()

    assert report.synced == ["plain"]
    error = report.failed["needs-secret"]
    assert "request headers: 'X-Token': its env: reference names an environment variable" in error
    assert "HC_NOT_SET" not in error  # the reference is a secret too: the error names the header
    row.refresh_from_db()
    assert row.status == STATUS.failed
    assert [m["key"] for m in sync_api.sent_monitors()] == ["plain"]


def test_resolve_raises_payload_error_naming_the_cookie_not_the_variable(monkeypatch):
    monkeypatch.delenv("HC_NOT_SET", raising=False)
    monitor = monitor_for(make_row("x", cookies={"sid": "env:HC_NOT_SET"}))
    with pytest.raises(PayloadError, match="request cookies: 'sid': its env: reference names") as caught:
        resolve(monitor)
    assert "HC_NOT_SET" not in str(caught.value)


def test_mask_monitor_masks_sensitive_headers_and_cookies(settings):
    healthchecks(settings, SENSITIVE_HEADERS=["X-Custom-Secret"])
    row = make_row(
        "x",
        headers={
            "Authorization": SECRET_HEADER,
            "X-Custom-Secret": "abc",
            "Accept": "text/html",
            "X-Ref": "env:V",
        },
        cookies={"sid": "cookie-value"},
    )
    masked = mask_monitor(monitor_for(row))["request"]
    assert masked["headers"] == {
        "Authorization": "********",
        "X-Custom-Secret": "********",
        "Accept": "text/html",
        "X-Ref": "********",  # a reference is masked, even in a header that is not sensitive
    }
    assert masked["cookies"] == {"sid": "********"}


def test_a_literal_sensitive_header_never_reaches_the_database_logs_or_output(
    sync_api, debug_logs, monkeypatch
):
    monkeypatch.setenv("HC_TEST_TOKEN", TOKEN)
    make_row("one", headers={"Authorization": SECRET_HEADER, "X-Api-Key": "env:HC_TEST_TOKEN"})

    out, err = command("push", verbosity=3)
    out2, err2 = command("plan", "--json", verbosity=3)
    row = HealthcheckDefinition.objects.get(key="one")
    row.note = "changed"
    row.save()
    out3, err3 = command("plan", verbosity=2)
    out4, err4 = command("push", "--dry-run", verbosity=2)
    out5, err5 = command("list", "--json")

    assert sync_api.sent_monitors()[0]["request"]["headers"]["Authorization"] == SECRET_HEADER  # it was sent
    captured = "".join([out, err, out2, err2, out3, err3, out4, err4, out5, err5, debug_logs.text])
    for secret in (SECRET_HEADER, "s3cr3t", TOKEN, sync_api.api_key):
        assert secret not in captured
    assert SECRET_HEADER not in json.dumps(row.pushed_payload)
    assert "~ one (update)" in out3


def test_the_api_key_never_appears_in_errors_logs_or_output(sync_api, settings, debug_logs):
    healthchecks(settings, MAX_RETRIES=1)
    secret_key = sync_api.api_key
    make_row("one")
    sync_api.fail_next(400, body=f"bad request for key {secret_key}")
    sync_api.fail_next(500, body={"detail": f"boom {secret_key}"}, times=2)

    report = push()
    with pytest.raises(Exception) as raised:
        command("push")

    everything = json.dumps(report.as_dict()) + str(raised.value) + debug_logs.text
    assert secret_key not in everything
    assert "********" in report.failed["one"]
    with CronitorBackend() as backend:
        assert secret_key not in repr(backend)


def test_the_backend_masks_its_key_in_errors_and_constructing_one_reads_no_settings(settings, sync_api):
    sync_api.fail_next(404, body={"detail": f"no monitor for key {sync_api.api_key}"}, method="GET")
    with CronitorBackend() as backend, pytest.raises(CronitorError) as raised:
        backend.pause("gone")
    assert sync_api.api_key not in str(raised.value)
    assert "********" in raised.value.message
    healthchecks(settings, API_KEY="another-key-1234")  # CronitorError itself neither reads nor masks
    assert CronitorError("said another-key-1234", permanent=True).message == "said another-key-1234"


def test_wrong_key_error_does_not_echo_it(sync_api, settings):
    healthchecks(settings, API_KEY="the-wrong-key-999")
    with CronitorBackend() as backend, pytest.raises(CronitorError) as raised:
        backend.list_monitors()
    assert raised.value.permanent
    assert raised.value.status == 403
    assert "the-wrong-key-999" not in str(raised.value)


def test_console_backend_masks_what_it_prints(settings):
    healthchecks(settings, API_KEY="console-key-xyz")
    stream = io.StringIO()
    monitor = {
        "key": "k",
        "request": {"headers": {"Authorization": SECRET_HEADER}, "cookies": {"sid": "c-val"}},
    }
    ConsoleBackend(stream=stream).put_monitors([monitor])
    text = stream.getvalue()
    assert "Authorization: ********" in text
    assert SECRET_HEADER not in text
    assert "c-val" not in text
    assert "console-key-xyz" not in text
