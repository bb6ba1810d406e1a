"""The backends: resolution by dotted path, console, locmem, dummy and the Cronitor client."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from healthcheck_admin import __version__
from healthcheck_admin.backends import get_backend, locmem
from healthcheck_admin.backends.base import BatchResult, CronitorError, RemoteUnknown, fake_code
from healthcheck_admin.backends.console import ConsoleBackend
from healthcheck_admin.backends.cronitor import CronitorBackend
from healthcheck_admin.backends.dummy import DummyBackend
from healthcheck_admin.backends.http import page_of as _page
from healthcheck_admin.backends.locmem import LocmemBackend
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync.service import push
from tests.sync_utils import healthchecks, make_row


def check(key: str, **fields: Any) -> dict[str, Any]:
    return {"type": "check", "key": key, "request": {"url": f"https://example.com/{key}"}, **fields}


# -- resolution -----------------------------------------------------------------------------------
def test_get_backend_resolves_the_setting_on_each_call(settings):
    healthchecks(settings, BACKEND="healthcheck_admin.backends.dummy.DummyBackend")
    assert isinstance(get_backend(), DummyBackend)
    healthchecks(settings, BACKEND="healthcheck_admin.backends.console.ConsoleBackend")
    assert isinstance(get_backend(), ConsoleBackend)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("no.such.Backend", "cannot be imported"),
        ("healthcheck_admin.conf.Settings", "not a BaseBackend subclass"),
    ],
)
def test_get_backend_names_the_setting_when_it_is_wrong(settings, path, message):
    healthchecks(settings, BACKEND=path)
    with pytest.raises(ImproperlyConfigured, match=message) as raised:
        get_backend()
    assert "HEALTHCHECKS['BACKEND']" in str(raised.value)


def test_batch_result_fail_moves_keys_to_errors():
    result = BatchResult(codes={"a": "1", "b": "2"})
    result.fail(["a"], "broken")
    assert (result.codes, result.errors, result.ok) == ({"b": "2"}, {"a": "broken"}, False)


def test_cronitor_error_flags():
    error = CronitorError("nope", permanent=True, status=404)
    assert (str(error), error.permanent, error.status) == ("nope", True, 404)


# -- local backends -------------------------------------------------------------------------------
def test_console_writes_the_request_and_returns_deterministic_codes():
    stream = io.StringIO()
    backend = ConsoleBackend(stream=stream)

    result = backend.put_monitors([check("a"), check("b")], rollback=True)
    backend.pause("a")
    backend.delete("b")

    text = stream.getvalue()
    assert result.codes == {"a": fake_code("a"), "b": fake_code("b")}
    assert result.codes["a"].startswith("con")
    assert len(result.codes["a"]) == 9
    assert "PUT https://cronitor.io/api/monitors" in text
    body = json.loads(text.split("\n\n", 1)[1].split("\n---", 1)[0])
    assert body["rollback"] is True
    assert [m["key"] for m in body["monitors"]] == ["a", "b"]
    assert "GET https://cronitor.io/api/monitors/a/pause" in text
    assert "DELETE https://cronitor.io/api/monitors/b" in text
    assert backend.get_monitor("a") is None
    with pytest.raises(RemoteUnknown, match="remote monitors are unknown"):  # never "nothing there"
        backend.list_monitors()


def test_console_defaults_to_stdout(capsys):
    ConsoleBackend().put_monitors([check("a")])
    assert '"key": "a"' in capsys.readouterr().out


def test_locmem_keeps_an_outbox_and_a_remote_state():
    locmem.reset()
    backend = LocmemBackend()

    result = backend.put_monitors([check("a", tags=["t"]), check("b")])
    backend.put_monitors([check("c")], rollback=True)
    backend.pause("a")
    backend.delete("b")

    assert result.codes == {"a": fake_code("a", "mem"), "b": fake_code("b", "mem")}
    assert [m["key"] for m in locmem.outbox] == ["a", "b"]
    assert (locmem.paused, locmem.deleted) == (["a"], ["b"])
    assert (backend.get_monitor("a") or {})["paused"] is True
    assert backend.get_monitor("b") is None
    assert [m["key"] for m in backend.list_monitors(tag="t")] == ["a"]
    with pytest.raises(CronitorError) as raised:
        backend.pause("b")
    assert raised.value.status == 404
    locmem.reset()
    assert locmem.outbox == []


@pytest.mark.django_db
def test_the_test_settings_push_into_the_locmem_outbox(settings):
    healthchecks(settings, SYNC_ON_SAVE=False)
    locmem.reset()
    make_row("a")

    report = push()

    assert report.synced == ["a"]
    assert [m["key"] for m in locmem.outbox] == ["a"]
    assert HealthcheckDefinition.objects.get(key="a").monitor_code == fake_code("a", "mem")
    locmem.reset()


def test_dummy_accepts_everything_and_does_nothing():
    backend = DummyBackend()
    assert backend.put_monitors([check("a")]).codes == {"a": ""}
    assert backend.get_monitor("a") is None
    with pytest.raises(RemoteUnknown, match="dummy backend"):
        backend.list_monitors()
    backend.pause("a")
    backend.delete("a")


# -- the Cronitor client over HTTP ----------------------------------------------------------------
def test_cronitor_sends_auth_json_user_agent_and_version(sync_api, settings):
    healthchecks(settings, API_VERSION="2020-10-01")
    with CronitorBackend() as backend:
        result = backend.put_monitors([check("a")])

    request = sync_api.monitor_puts()[0]
    assert result.codes == {"a": sync_api.codes["a"]}
    expected = base64.b64encode(f"{sync_api.api_key}:".encode()).decode()
    assert request.header("Authorization") == f"Basic {expected}"
    assert request.header("Content-Type") == "application/json"
    assert request.header("User-Agent") == f"healthcheck-admin/{__version__}"
    assert request.header("Cronitor-Version") == "2020-10-01"
    assert request.json == {"monitors": [check("a")]}  # no "rollback" unless validating


def test_cronitor_version_header_is_optional(sync_api):
    with CronitorBackend() as backend:
        backend.put_monitors([check("a")])
    assert sync_api.monitor_puts()[0].header("Cronitor-Version") is None


def test_cronitor_keeps_the_connection_alive_and_sends_each_batch_whole(sync_api, settings):
    healthchecks(settings, BATCH_SIZE=2)  # the service cuts batches; the backend never cuts again
    with CronitorBackend() as backend:
        results = [
            backend.put_monitors([check(f"k{n}") for n in range(start, start + 3)]) for start in (0, 3, 6)
        ]
        assert backend.request_count == 3

    puts = sync_api.monitor_puts()
    assert [len(r.monitors) for r in puts] == [3, 3, 3]
    assert [r.reused_connection for r in puts] == [False, True, True]
    assert sum(len(result.codes) for result in results) == 9


def test_cronitor_rollback_validates_and_keeps_nothing(sync_api):
    with CronitorBackend() as backend:
        result = backend.put_monitors([check("a")], rollback=True)
    assert result.ok
    assert sync_api.monitor_puts()[0].json["rollback"] is True
    assert sync_api.monitors == {}


def test_cronitor_single_monitor_calls(sync_api):
    sync_api.add_monitors(check("a"))
    with CronitorBackend() as backend:
        assert (backend.get_monitor("a") or {})["key"] == "a"
        assert backend.get_monitor("missing") is None
        backend.pause("a")
        assert sync_api.monitors["a"]["paused"] is True
        backend.delete("a")
        assert "a" not in sync_api.monitors
        with pytest.raises(CronitorError) as raised:
            backend.delete("a")
    assert (raised.value.status, raised.value.permanent) == (404, True)


def test_cronitor_keys_are_url_encoded(sync_api):
    sync_api.add_monitors({**check("x"), "key": "with space:and/slash"})
    with CronitorBackend() as backend:
        assert (backend.get_monitor("with space:and/slash") or {})["key"] == "with space:and/slash"


def test_get_monitor_error_is_not_missing(sync_api, settings):
    healthchecks(settings, MAX_RETRIES=0)
    sync_api.fail_next(500)
    with CronitorBackend() as backend, pytest.raises(CronitorError) as raised:
        backend.get_monitor("a")
    assert raised.value.status == 500
    assert not raised.value.permanent


def test_missing_key_raises_for_single_calls(settings, monkeypatch):
    monkeypatch.delenv("CRONITOR_API_KEY", raising=False)
    healthchecks(settings, API_KEY=None, API_URL="http://127.0.0.1:9/api")
    backend = CronitorBackend()
    for call in (backend.list_monitors, lambda: backend.pause("a"), lambda: backend.get_monitor("a")):
        with pytest.raises(CronitorError, match="HEALTHCHECKS\\['API_KEY'\\]"):
            call()
    result = backend.put_monitors([check("a")])
    assert result.abort
    assert backend.request_count == 0


def test_list_follows_pages_with_page_size(sync_api):
    sync_api.add_monitors(*(check(f"k{n}") for n in range(7)))
    with CronitorBackend(page_size=3) as backend:
        found = backend.list_monitors()
    assert len(found) == 7
    assert [r.query["pageSize"] for r in sync_api.requests_to("GET")] == ["3", "3", "3"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"monitors": [{}], "page": "1", "page_size": "50", "total_monitor_count": "1"}, (1, 50, 1)),
        ({"monitors": [{}, {}], "page_info": {"page": 1, "pageSize": 2, "totalMonitorCount": 9}}, (2, 2, 9)),
        ([{}, {}, {}], (3, None, None)),
    ],
)
def test_list_reply_shapes(data, expected):
    items, size, total = _page(data)
    assert (len(items), size, total) == expected


@pytest.mark.parametrize("data", [{"detail": "x"}, "text", {"monitors": ["not a dict"]}])
def test_list_reply_garbage_is_an_error(data):
    with pytest.raises(CronitorError):
        _page(data)
