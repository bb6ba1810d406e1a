"""The Cronitor API emulator, exercised over real HTTP with requests (no database)."""

from __future__ import annotations

import pytest
import requests

from healthcheck_admin.testing import CronitorEmulator
from tests.utils import monitor, put_monitors


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
def test_wrapped_put_creates_and_replies_wrapped(emulator_session, cronitor_emulator):
    response = put_monitors(emulator_session, {"monitors": [monitor("a"), monitor("b")], "rollback": False})
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


def test_bare_array_put_replies_bare_array(emulator_session, cronitor_emulator):
    response = put_monitors(emulator_session, [monitor("a")])
    assert response.status_code == 200
    assert isinstance(response.json(), list)
    assert response.json()[0]["key"] == "a"
    assert set(cronitor_emulator.monitors) == {"a"}


def test_upsert_keeps_code_and_merges_partially(emulator_session, cronitor_emulator):
    first = put_monitors(
        emulator_session,
        [monitor("a", tags=["x"], request={"url": "https://example.com/a", "method": "HEAD"})],
    ).json()[0]
    second = put_monitors(
        emulator_session, [{"key": "a", "type": "check", "request": {"timeout_seconds": 5}, "note": "n"}]
    ).json()[0]
    assert second["attributes"]["code"] == first["attributes"]["code"]
    assert second["request"] == {**first["request"], "timeout_seconds": 5}
    assert second["tags"] == ["x"]
    assert second["note"] == "n"
    assert len(cronitor_emulator.monitors) == 1


def test_rollback_validates_and_persists_nothing(emulator_session, cronitor_emulator):
    response = put_monitors(emulator_session, {"monitors": [monitor("a")], "rollback": True})
    assert response.status_code == 200
    assert response.json()["monitors"][0]["key"] == "a"
    assert cronitor_emulator.monitors == {}
    assert (
        put_monitors(
            emulator_session, {"monitors": [monitor("a", schedule="every 5 s")], "rollback": True}
        ).status_code
        == 400
    )


def test_invalid_batch_names_every_bad_monitor_and_persists_nothing(emulator_session, cronitor_emulator):
    batch = [monitor("good"), monitor("bad-1", schedule="every 10 seconds"), monitor("bad-2", type="cron")]
    response = put_monitors(emulator_session, {"monitors": batch})
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
def test_strict_validation_names_the_field(emulator_session, cronitor_emulator, fields, field):
    response = put_monitors(emulator_session, {"monitors": [{**monitor("bad"), **fields}]})
    assert response.status_code == 400, response.text
    assert field in [error["field"] for error in response.json()["errors"]]


@pytest.mark.parametrize(
    "schedule", ["every 30 seconds", "every 30 s", "every 1 min", "every 5 minutes", "every 1 hour"]
)
def test_interval_spellings_within_range_are_accepted(emulator_session, schedule):
    assertions = ["response.code = 200", "response.time < 2s", "response.body contains ok"]
    request = {
        "url": "http://example.com/x?y=1",
        "regions": ["us-east-1"],
        "headers": {"accept": "text/plain"},
    }
    response = put_monitors(
        emulator_session, [monitor("a", schedule=schedule, assertions=assertions, request=request)]
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"monitors": [[monitor()]]}, 500),
        ({"monitors": [monitor()], "dry": True}, 400),
        ({"monitors": {}}, 400),
    ],
)
def test_malformed_batch_shapes(emulator_session, cronitor_emulator, body, status):
    assert put_monitors(emulator_session, body).status_code == status
    assert cronitor_emulator.monitors == {}


def test_yaml_is_refused_with_415(emulator_session):
    response = emulator_session.put(
        f"{emulator_session.base}/monitors", data="checks: {}", headers={"Content-Type": "application/yaml"}
    )
    assert response.status_code == 415
    assert "JSON" in response.json()["detail"]


# -- listing ---------------------------------------------------------------------------------------
def test_list_paginates_and_filters():
    with CronitorEmulator(page_size=3) as emulator:
        emulator.add_monitors(*[monitor(f"m{i}", tags=["even" if i % 2 == 0 else "odd"]) for i in range(7)])
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
