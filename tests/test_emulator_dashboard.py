"""The emulator's remote state: dashboard edits, health read-back, the quota, probes, timed pauses, pages.

Everything goes over real HTTP to the emulator with requests; no database.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from healthcheck_admin.testing import CronitorEmulator
from tests.utils import monitor


def check(key: str = "home", **fields: Any) -> dict[str, Any]:
    return monitor(key, **fields)


def _put(session: requests.Session, *monitors: dict[str, Any]) -> requests.Response:
    return session.put(f"{session.base}/monitors", json={"monitors": list(monitors)}, timeout=5)  # type: ignore[attr-defined]


def _get(session: requests.Session, path: str, **params: Any) -> requests.Response:
    return session.get(f"{session.base}/monitors{path}", params=params, timeout=5)  # type: ignore[attr-defined]


# -- dashboard edits -------------------------------------------------------------------------------
def test_single_put_keeps_every_field_it_was_not_sent(emulator_session, cronitor_emulator):
    _put(emulator_session, check(notify=["ops"], note="n", tags=["a"], assertions=["response.code = 200"]))
    reply = emulator_session.put(
        f"{emulator_session.base}/monitors/home", json={"note": "changed"}, timeout=5
    )
    assert reply.status_code == 200
    doc = _get(emulator_session, "/home").json()
    assert doc["note"] == "changed"
    assert (doc["notify"], doc["tags"], doc["assertions"]) == (["ops"], ["a"], ["response.code = 200"])
    assert doc["request"]["url"] == "https://example.com/health"


def test_dashboard_edit_changes_fields_without_a_recorded_request(emulator_session, cronitor_emulator):
    _put(
        emulator_session, check(request={"url": "https://example.com/h", "headers": {"accept": "text/plain"}})
    )
    before = len(cronitor_emulator.requests)
    code = cronitor_emulator.codes["home"]
    doc = cronitor_emulator.dashboard_edit(
        "home", notify=["slack:#ops"], note="call Ana", paused=True, request={"timeout_seconds": 5}
    )
    assert len(cronitor_emulator.requests) == before
    assert doc["notify"] == ["slack:#ops"]
    assert doc["paused"] is True
    remote = _get(emulator_session, "/home").json()
    assert remote["note"] == "call Ana"
    assert remote["request"]["timeout_seconds"] == 5
    assert remote["request"]["headers"] == {"accept": "text/plain"}  # request merged one level deep
    assert remote["attributes"]["code"] == code


def test_dashboard_edit_refuses_bad_values_and_read_only_fields_and_loses_nothing(cronitor_emulator):
    cronitor_emulator.add_monitors(check(note="keep"))
    with pytest.raises(ValueError, match="schedule"):
        cronitor_emulator.dashboard_edit("home", schedule="every 5 seconds")
    with pytest.raises(ValueError, match=r"'passing' is read-only.*set_health"):
        cronitor_emulator.dashboard_edit("home", passing=False)
    with pytest.raises(KeyError, match="no monitor 'nope'"):
        cronitor_emulator.dashboard_edit("nope", note="x")
    assert cronitor_emulator.monitors["home"]["note"] == "keep"
    assert cronitor_emulator.monitors["home"]["schedule"] == "every 60 seconds"


def test_dashboard_delete_removes_the_monitor(emulator_session, cronitor_emulator):
    cronitor_emulator.add_monitors(check(), check("other"))
    cronitor_emulator.dashboard_delete("home")
    assert _get(emulator_session, "/home").status_code == 404
    assert [m["key"] for m in _get(emulator_session, "").json()["monitors"]] == ["other"]
    with pytest.raises(KeyError):
        cronitor_emulator.dashboard_delete("home")


# -- health on read --------------------------------------------------------------------------------
def test_health_fields_are_on_every_read(emulator_session, cronitor_emulator):
    _put(emulator_session, check())
    for doc in (_get(emulator_session, "/home").json(), _get(emulator_session, "").json()["monitors"][0]):
        assert doc["passing"] is True
        assert doc["paused"] is False
        assert doc["disabled"] is False
        assert doc["initialized"] is False
        assert doc["latest_event"] is None


def test_set_health_failing_is_read_back_with_a_stamped_event(emulator_session, cronitor_emulator):
    _put(emulator_session, check(), check("other"))
    start = time.time()
    cronitor_emulator.set_health("home", passing=False)
    doc = _get(emulator_session, "/home").json()
    assert doc["passing"] is False
    assert doc["initialized"] is True
    assert doc["latest_event"]["event"] == "fail"
    assert doc["latest_event"]["stamp"] >= start - 1
    assert [m["key"] for m in _get(emulator_session, "", state="failing").json()["monitors"]] == ["home"]
    cronitor_emulator.set_health("home", paused=True, disabled=True)
    assert cronitor_emulator.health("home")["paused"] is True
    assert _get(emulator_session, "/home").json()["disabled"] is True


def test_set_health_refuses_unknown_fields_and_non_booleans(cronitor_emulator):
    cronitor_emulator.add_monitors(check())
    with pytest.raises(TypeError, match="unknown field 'healthy'"):
        cronitor_emulator.set_health("home", healthy=True)
    with pytest.raises(TypeError, match="takes True or False, got 'no'"):
        cronitor_emulator.set_health("home", passing="no")
    assert cronitor_emulator.monitors["home"]["passing"] is True


def test_with_events_lists_the_latest_events_newest_first(emulator_session, cronitor_emulator):
    cronitor_emulator.add_monitors(check())
    cronitor_emulator.probe("home", passing=True)
    cronitor_emulator.probe("home", passing=False, message="HTTP 503")
    events = _get(emulator_session, "/home", withEvents="true").json()["latest_events"]
    assert [event["event"] for event in events] == ["fail", "complete"]
    assert events[0]["msg"] == "HTTP 503"
    assert "latest_events" not in _get(emulator_session, "/home").json()


# -- quota -----------------------------------------------------------------------------------------
@pytest.mark.cronitor_emulator(monitor_quota=2)
def test_monitors_over_the_quota_are_saved_disabled_and_named(emulator_session, cronitor_emulator):
    reply = _put(emulator_session, check("a"), check("b"), check("c"), check("d"))
    assert reply.status_code == 200
    body = reply.json()
    assert [m["disabled"] for m in body["monitors"]] == [False, False, True, True]
    assert body["monitor_quota"]["limit"] == 2
    assert body["monitor_quota"]["disabled"] == ["c", "d"]
    assert "c, d" in body["monitor_quota"]["message"]
    assert _get(emulator_session, "/c").json()["disabled"] is True
    assert cronitor_emulator.awaiting_probe() == ["a", "b"]  # disabled monitors are never probed
    again = _put(emulator_session, check("a", note="x"), check("c", note="x"))  # updates keep their state
    assert "monitor_quota" not in again.json()
    assert [m["disabled"] for m in again.json()["monitors"]] == [False, True]
    with pytest.raises(ValueError, match="disabled"):
        cronitor_emulator.probe("c")


def test_quota_applies_to_single_writes_and_rollback_stores_nothing():
    with CronitorEmulator(monitor_quota=1) as emulator, requests.Session() as session:
        session.auth = (emulator.api_key, "")
        assert (
            session.post(f"{emulator.url}/monitors", json=check("a"), timeout=5).json()["disabled"] is False
        )
        assert session.post(f"{emulator.url}/monitors", json=check("b"), timeout=5).json()["disabled"] is True
        dry = session.put(
            f"{emulator.url}/monitors", json={"monitors": [check("c")], "rollback": True}, timeout=5
        ).json()
        assert dry["monitors"][0]["disabled"] is True
        assert dry["monitor_quota"]["disabled"] == ["c"]
        assert sorted(emulator.monitors) == ["a", "b"]
        emulator.set_health("b", disabled=False)
        assert emulator.monitors["b"]["disabled"] is False


# -- 429 -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("header", "body"), [(True, True), (False, True), (True, False)])
def test_a_429_carries_retry_after_seconds_and_or_the_header(
    emulator_session, cronitor_emulator, header, body
):
    cronitor_emulator.rate_limit_next(7, header=header, body=body)
    reply = _get(emulator_session, "")
    assert reply.status_code == 429
    assert reply.headers.get("Retry-After") == ("7" if header else None)
    assert reply.json().get("retry_after_seconds") == (7 if body else None)
    assert _get(emulator_session, "").status_code == 200
