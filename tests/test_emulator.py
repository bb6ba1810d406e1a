"""The Cronitor API emulator, exercised over real HTTP with requests (no database)."""

from __future__ import annotations

import ast
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from healthcheck_admin.testing import CronitorEmulator

ROOT = Path(__file__).resolve().parent.parent


def check(key: str = "site-home", **fields: Any) -> dict[str, Any]:
    return {"type": "check", "key": key, "request": {"url": "https://example.com/health"}, **fields}


class Api(requests.Session):
    """A keep-alive session authenticated against the emulator; ``base`` is its API URL."""

    def __init__(self, emulator: CronitorEmulator) -> None:
        super().__init__()
        self.auth = (emulator.api_key, "")
        self.base = emulator.url


@pytest.fixture
def api(cronitor_emulator):
    with Api(cronitor_emulator) as session:
        yield session


def put(api: Api, body: Any) -> requests.Response:
    return api.put(f"{api.base}/monitors", json=body, timeout=5)


# -- authentication --------------------------------------------------------------------------------
def test_auth_missing_is_401_and_wrong_key_is_403_without_echo(cronitor_emulator):
    url = f"{cronitor_emulator.url}/monitors"
    missing = requests.get(url, timeout=5)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Basic")
    wrong = requests.get(url, auth=("sekrit-wrong-key", ""), timeout=5)
    assert wrong.status_code == 403
    assert "detail" in wrong.json()
    assert "sekrit-wrong-key" not in wrong.text
    assert requests.get(url, auth=(cronitor_emulator.api_key, ""), timeout=5).status_code == 200


def test_several_keys_are_accepted():
    with CronitorEmulator(api_keys=["k1", "k2"]) as emulator:
        for key in ("k1", "k2"):
            assert requests.get(f"{emulator.url}/monitors", auth=(key, ""), timeout=5).status_code == 200
        assert emulator.requests[0].api_key == "k1"
        assert "Authorization" not in repr(emulator.requests[0])


# -- batch PUT -------------------------------------------------------------------------------------
def test_wrapped_put_creates_and_replies_wrapped(api, cronitor_emulator):
    response = put(api, {"monitors": [check("a"), check("b")], "rollback": False})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    docs = response.json()["monitors"]
    assert [doc["key"] for doc in docs] == ["a", "b"]
    code = docs[0]["attributes"]["code"]
    assert len(code) == 6
    assert code.isalnum()
    assert cronitor_emulator.monitors["a"]["attributes"]["code"] == code
    assert docs[0]["request"]["method"] == "GET"
    assert docs[0]["schedule"] == "every 60 seconds"


def test_bare_array_put_replies_bare_array(api, cronitor_emulator):
    response = put(api, [check("a")])
    assert response.status_code == 200
    assert isinstance(response.json(), list)
    assert response.json()[0]["key"] == "a"
    assert set(cronitor_emulator.monitors) == {"a"}


def test_upsert_keeps_code_and_merges_partially(api, cronitor_emulator):
    first = put(
        api, [check("a", tags=["x"], request={"url": "https://example.com/a", "method": "HEAD"})]
    ).json()[0]
    second = put(api, [{"key": "a", "type": "check", "request": {"timeout_seconds": 5}, "note": "n"}]).json()[
        0
    ]
    assert second["attributes"]["code"] == first["attributes"]["code"]
    assert second["request"] == {**first["request"], "timeout_seconds": 5}
    assert second["tags"] == ["x"]
    assert second["note"] == "n"
    assert len(cronitor_emulator.monitors) == 1


def test_rollback_validates_and_persists_nothing(api, cronitor_emulator):
    response = put(api, {"monitors": [check("a")], "rollback": True})
    assert response.status_code == 200
    assert response.json()["monitors"][0]["key"] == "a"
    assert cronitor_emulator.monitors == {}
    assert put(api, {"monitors": [check("a", schedule="every 5 s")], "rollback": True}).status_code == 400


def test_invalid_batch_names_every_bad_monitor_and_persists_nothing(api, cronitor_emulator):
    batch = [check("good"), check("bad-1", schedule="every 10 seconds"), check("bad-2", type="cron")]
    response = put(api, {"monitors": batch})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {(e["monitor"], e["field"]) for e in errors} == {("bad-1", "schedule"), ("bad-2", "type")}
    assert all(e["message"] for e in errors)
    assert cronitor_emulator.monitors == {}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"key": ""}, "key"),
        ({"key": "k" * 101}, "key"),
        ({"type": "healthcheck"}, "type"),
        ({"request": {"url": "/relative"}}, "request.url"),
        ({"request": {"url": "ftp://example.com"}}, "request.url"),
        ({"request": {"url": "https://example.com", "method": "DELETE"}}, "request.method"),
        ({"request": {"url": "https://example.com", "timeout_seconds": 16}}, "request.timeout_seconds"),
        ({"request": {"url": "https://example.com", "timeout_seconds": "5"}}, "request.timeout_seconds"),
        ({"request": {"url": "https://example.com", "headers": {"X-A": 1}}}, "request.headers"),
        ({"request": {"url": "https://example.com", "cookies": ["a"]}}, "request.cookies"),
        ({"request": {"url": "https://example.com", "regions": ["mars-1"]}}, "request.regions"),
        ({"request": {"url": "https://example.com", "verify": False}}, "request.verify"),
        ({"request": None}, "request"),
        ({"schedule": "every 2 hours"}, "schedule"),
        ({"schedule": "*/5 * * * *"}, "schedule"),
        ({"assertions": ["response.code == 200"]}, "assertions[0]"),
        ({"assertions": "response.code = 200"}, "assertions"),
        ({"tags": "prod"}, "tags"),
        ({"notify": [1]}, "notify"),
        ({"paused": "yes"}, "paused"),
        ({"interval_seconds": 60}, "interval_seconds"),
    ],
)
def test_strict_validation_names_the_field(api, cronitor_emulator, fields, field):
    response = put(api, {"monitors": [{**check("bad"), **fields}]})
    assert response.status_code == 400, response.text
    assert field in [error["field"] for error in response.json()["errors"]]


@pytest.mark.parametrize(
    "schedule", ["every 30 seconds", "every 30 s", "every 1 min", "every 5 minutes", "every 1 hour"]
)
def test_interval_spellings_within_range_are_accepted(api, schedule):
    assertions = ["response.code = 200", "response.time < 2s", "response.body contains ok"]
    request = {
        "url": "http://example.com/x?y=1",
        "regions": ["us-east-1"],
        "headers": {"accept": "text/plain"},
    }
    response = put(api, [check("a", schedule=schedule, assertions=assertions, request=request)])
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("body", "status"),
    [({"monitors": [[check()]]}, 500), ({"monitors": [check()], "dry": True}, 400), ({"monitors": {}}, 400)],
)
def test_malformed_batch_shapes(api, cronitor_emulator, body, status):
    assert put(api, body).status_code == status
    assert cronitor_emulator.monitors == {}


def test_yaml_is_refused_with_415(api):
    response = api.put(
        f"{api.base}/monitors", data="checks: {}", headers={"Content-Type": "application/yaml"}
    )
    assert response.status_code == 415
    assert "JSON" in response.json()["detail"]


# -- listing ---------------------------------------------------------------------------------------
def test_list_paginates_and_filters():
    with CronitorEmulator(page_size=3) as emulator:
        emulator.add_monitors(*[check(f"m{i}", tags=["even" if i % 2 == 0 else "odd"]) for i in range(7)])
        auth = (emulator.api_key, "")
        pages = [
            requests.get(f"{emulator.url}/monitors", params={"page": p}, auth=auth, timeout=5).json()
            for p in (1, 2, 3, 4)
        ]
        assert [[m["key"] for m in page["monitors"]] for page in pages] == [
            ["m0", "m1", "m2"], ["m3", "m4", "m5"], ["m6"], []
        ]  # fmt: skip
        assert pages[1]["page"] == 2
        assert pages[1]["page_size"] == 3
        assert pages[1]["total_monitor_count"] == 7
        assert pages[1]["version"] == "2020-10-01"
        tagged = requests.get(
            f"{emulator.url}/monitors", params={"tag": "even", "pageSize": "10"}, auth=auth, timeout=5
        )
        assert [m["key"] for m in tagged.json()["monitors"]] == ["m0", "m2", "m4", "m6"]
        found = requests.get(
            f"{emulator.url}/monitors", params={"search": "M5", "type": "check"}, auth=auth, timeout=5
        )
        assert [m["key"] for m in found.json()["monitors"]] == ["m5"]
        none = requests.get(f"{emulator.url}/monitors", params={"type": "job"}, auth=auth, timeout=5)
        assert none.json()["total_monitor_count"] == 0
        assert requests.get(f"{emulator.url}/monitors?page=0", auth=auth, timeout=5).status_code == 400


# -- single monitor endpoints ----------------------------------------------------------------------
def test_single_get_put_delete_with_encoded_key(api, cronitor_emulator):
    key = "Home page/v2"
    code = cronitor_emulator.add_monitors(check(key))[0]["attributes"]["code"]
    one = f"{api.base}/monitors/Home%20page%2Fv2"
    assert api.get(one).json()["attributes"]["code"] == code
    updated = api.put(one, json={"note": "edited", "request": {"method": "POST"}})
    assert updated.status_code == 200
    assert updated.json()["note"] == "edited"
    assert cronitor_emulator.monitors[key]["request"] == {**updated.json()["request"], "method": "POST"}
    assert cronitor_emulator.codes == {key: code}
    assert api.put(one, json={"request": {"timeout_seconds": 99}}).status_code == 400
    assert api.delete(one).status_code == 204
    for response in (api.get(one), api.delete(one), api.put(one, json={"note": "x"})):
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


def test_pause_and_unpause(api, cronitor_emulator):
    cronitor_emulator.add_monitors(check("a"))
    assert api.get(f"{api.base}/monitors/a/pause").json()["paused"] is True
    assert api.get(f"{api.base}/monitors/a/pause/0").json()["paused"] is False
    assert api.get(f"{api.base}/monitors/a/pause/4").json()["paused"] is True
    assert cronitor_emulator.monitors["a"]["paused"] is True
    assert api.get(f"{api.base}/monitors/a/pause/soon").status_code == 400
    assert api.get(f"{api.base}/monitors/zz/pause").status_code == 404


def test_bulk_delete_and_post_create(api, cronitor_emulator):
    created = api.post(f"{api.base}/monitors", json=check("new"))
    assert created.status_code == 201
    assert api.post(f"{api.base}/monitors", json=check("new")).status_code == 400
    cronitor_emulator.add_monitors(check("b"))
    response = api.delete(f"{api.base}/monitors", json={"monitors": ["new", "b", "gone"]})
    assert response.json() == {"deleted_count": 2, "requested_count": 3, "errors": {"missing": ["gone"]}}
    assert cronitor_emulator.monitors == {}


# -- faults ----------------------------------------------------------------------------------------
def test_fail_next_is_consumed_in_order_and_filtered_by_method(api, cronitor_emulator):
    cronitor_emulator.fail_next(503, times=2, method="PUT", body="upstream down")
    assert api.get(f"{api.base}/monitors").status_code == 200  # GET does not consume a PUT fault
    first, second = put(api, [check()]), put(api, [check()])
    assert (first.status_code, second.status_code, first.text) == (503, 503, "upstream down")
    assert put(api, [check()]).status_code == 200
    assert [r.fault for r in cronitor_emulator.monitor_puts()] == ["error", "error", None]
    cronitor_emulator.fail_next(502)
    assert "Bad Gateway" in api.get(f"{api.base}/monitors").json()["detail"]


def test_rate_limit_sends_retry_after(api, cronitor_emulator):
    cronitor_emulator.rate_limit_next(retry_after=2)
    response = put(api, [check()])
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2"
    assert cronitor_emulator.monitors == {}
    assert put(api, [check()]).status_code == 200


def test_delay_and_latency_are_measured(api, cronitor_emulator):
    cronitor_emulator.delay_next(0.3)
    started = time.monotonic()
    assert put(api, [check()]).status_code == 200
    assert time.monotonic() - started >= 0.3
    cronitor_emulator.set_latency(0.2)
    started = time.monotonic()
    api.get(f"{api.base}/monitors")
    assert time.monotonic() - started >= 0.2
    cronitor_emulator.set_latency(0)
    cronitor_emulator.delay_next(1)
    with pytest.raises(requests.ReadTimeout):
        api.get(f"{api.base}/monitors", timeout=0.2)


def test_drop_raises_connection_error_then_recovers(api, cronitor_emulator):
    cronitor_emulator.drop_next()
    with pytest.raises(requests.ConnectionError):
        put(api, [check()])
    assert cronitor_emulator.monitors == {}
    assert put(api, [check()]).status_code == 200
    assert [r.fault for r in cronitor_emulator.requests] == ["drop", None]


def test_malformed_json_reply(api, cronitor_emulator):
    cronitor_emulator.malformed_next()
    response = put(api, [check()])
    assert response.status_code == 200
    with pytest.raises(requests.JSONDecodeError):
        response.json()


def test_set_down_drops_everything_until_up(api, cronitor_emulator):
    cronitor_emulator.set_down(True)
    for _ in range(2):
        with pytest.raises(requests.ConnectionError):
            api.get(f"{api.base}/monitors")
    cronitor_emulator.set_down(False)
    assert api.get(f"{api.base}/monitors").status_code == 200
    assert [r.fault for r in cronitor_emulator.requests] == ["down", "down", None]


def test_reject_monitor_names_it_until_cleared(api, cronitor_emulator):
    cronitor_emulator.reject_monitor("b", "no thanks")
    response = put(api, [check("a"), check("b")])
    assert response.status_code == 400
    assert response.json()["errors"] == [{"monitor": "b", "index": 1, "field": "key", "message": "no thanks"}]
    assert cronitor_emulator.monitors == {}
    cronitor_emulator.clear_faults()
    assert put(api, [check("a"), check("b")]).status_code == 200


# -- recording, lifecycle, concurrency -------------------------------------------------------------
def test_recorded_requests_and_reset(api, cronitor_emulator):
    put(api, {"monitors": [check("a")]})
    put(api, [check("b"), check("c")])
    api.get(f"{api.base}/monitors", params={"page": "1"})
    assert [m["key"] for m in cronitor_emulator.sent_monitors()] == ["a", "b", "c"]
    assert len(cronitor_emulator.monitor_puts()) == 2
    (listing,) = cronitor_emulator.requests_to("GET")
    assert listing.query == {"page": "1"}
    assert listing.reused_connection is True
    assert cronitor_emulator.requests[0].json == {"monitors": [check("a")]}
    cronitor_emulator.fail_next()
    cronitor_emulator.reset()
    assert (cronitor_emulator.monitors, cronitor_emulator.requests) == ({}, [])
    assert put(api, [check()]).status_code == 200


def test_concurrent_puts_are_all_stored_with_unique_codes(cronitor_emulator):
    def push(worker):
        with requests.Session() as session:
            for batch in range(5):
                body = [check(f"w{worker}-{batch}-{i}") for i in range(10)]
                session.put(
                    f"{cronitor_emulator.url}/monitors", json=body, auth=(cronitor_emulator.api_key, "")
                )

    threads = [threading.Thread(target=push, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cronitor_emulator.monitors) == 300
    assert len(set(cronitor_emulator.codes.values())) == 300


def test_lifecycle():
    emulator = CronitorEmulator()
    with pytest.raises(RuntimeError, match="never started"):
        _ = emulator.url
    outcome = []

    def slow_request():
        try:
            requests.get(f"{emulator.url}/monitors", timeout=20)
        except requests.ConnectionError as exc:
            outcome.append(exc)

    with emulator:
        with pytest.raises(RuntimeError, match="already running"):
            emulator.start()
        emulator.delay_next(10)
        waiter = threading.Thread(target=slow_request)
        waiter.start()
        time.sleep(0.1)
        started = time.monotonic()
    assert time.monotonic() - started < 2  # stop() wakes the delayed handler instead of waiting 10 s
    waiter.join(2)
    assert len(outcome) == 1  # the delayed request was dropped, not answered after stop()
    assert not emulator.running


def test_stopped_emulator_refuses_connections_and_restarts_on_the_same_port():
    with CronitorEmulator() as emulator:
        emulator.add_monitors(check("kept"))
        url = emulator.url
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/monitors", auth=(emulator.api_key, ""), timeout=5)
    with emulator:
        assert emulator.url == url
        listing = requests.get(f"{url}/monitors", auth=(emulator.api_key, ""), timeout=5).json()
        assert [m["key"] for m in listing["monitors"]] == ["kept"]


def test_cli_serves_until_terminated():
    command = [
        sys.executable,
        "-m",
        "healthcheck_admin.testing.emulator",
        "--port",
        "0",
        "--api-key",
        "cli-key",
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/api")
        assert (
            requests.get(f"{url}/monitors", auth=("cli-key", ""), timeout=5).json()["total_monitor_count"]
            == 0
        )
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    assert stderr == ""  # quiet: no per-request logging, no runpy warning


def test_cronitor_settings_points_healthchecks_at_the_emulator(cronitor_settings, settings):
    from healthcheck_admin.conf import app_settings

    assert cronitor_settings.url == app_settings.API_URL
    assert cronitor_settings.api_key == app_settings.API_KEY
    assert settings.HEALTHCHECKS["BACKEND"] == "healthcheck_admin.backends.cronitor.CronitorBackend"
    assert settings.HEALTHCHECKS["ENVIRONMENT"] == "test"  # existing settings are kept


def test_emulator_modules_do_not_import_django_at_import_time():
    for name in (
        "__init__",
        "emulator",
        "_api",
        "_server",
        "_store",
        "_types",
        "_validation",
        "pytest_plugin",
    ):
        tree = ast.parse((ROOT / "healthcheck_admin" / "testing" / f"{name}.py").read_text())
        modules = [a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names]
        modules += [n.module or "" for n in tree.body if isinstance(n, ast.ImportFrom)]
        assert not [m for m in modules if m.split(".")[0] == "django"], name
