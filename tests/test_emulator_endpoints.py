"""The Cronitor API emulator's single-monitor endpoints and injected faults, over real HTTP."""

from __future__ import annotations

import time

import pytest
import requests

from tests.utils import monitor, put_monitors


# -- single monitor endpoints ----------------------------------------------------------------------
def test_single_get_put_delete_with_encoded_key(emulator_session, cronitor_emulator):
    key = "Home page/v2"
    code = cronitor_emulator.add_monitors(monitor(key))[0]["attributes"]["code"]
    one = f"{emulator_session.base}/monitors/Home%20page%2Fv2"
    assert emulator_session.get(one).json()["attributes"]["code"] == code
    updated = emulator_session.put(one, json={"note": "edited", "request": {"method": "POST"}})
    assert updated.status_code == 200
    assert updated.json()["note"] == "edited"
    assert cronitor_emulator.monitors[key]["request"] == {**updated.json()["request"], "method": "POST"}
    assert cronitor_emulator.codes == {key: code}
    assert emulator_session.put(one, json={"request": {"timeout_seconds": 99}}).status_code == 400
    assert emulator_session.delete(one).status_code == 204
    for response in (
        emulator_session.get(one),
        emulator_session.delete(one),
        emulator_session.put(one, json={"note": "x"}),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


def test_pause_and_unpause(emulator_session, cronitor_emulator):
    cronitor_emulator.add_monitors(monitor("a"))
    assert emulator_session.get(f"{emulator_session.base}/monitors/a/pause").json()["paused"] is True
    assert emulator_session.get(f"{emulator_session.base}/monitors/a/pause/0").json()["paused"] is False
    assert emulator_session.get(f"{emulator_session.base}/monitors/a/pause/4").json()["paused"] is True
    assert cronitor_emulator.monitors["a"]["paused"] is True
    assert emulator_session.get(f"{emulator_session.base}/monitors/a/pause/soon").status_code == 400
    assert emulator_session.get(f"{emulator_session.base}/monitors/zz/pause").status_code == 404


def test_bulk_delete_and_post_create(emulator_session, cronitor_emulator):
    created = emulator_session.post(f"{emulator_session.base}/monitors", json=monitor("new"))
    assert created.status_code == 201
    assert emulator_session.post(f"{emulator_session.base}/monitors", json=monitor("new")).status_code == 400
    cronitor_emulator.add_monitors(monitor("b"))
    response = emulator_session.delete(
        f"{emulator_session.base}/monitors", json={"monitors": ["new", "b", "gone"]}
    )
    assert response.json() == {"deleted_count": 2, "requested_count": 3, "errors": {"missing": ["gone"]}}
    assert cronitor_emulator.monitors == {}


# -- faults ----------------------------------------------------------------------------------------
def test_fail_next_is_consumed_in_order_and_filtered_by_method(emulator_session, cronitor_emulator):
    cronitor_emulator.fail_next(503, times=2, method="PUT", body="upstream down")
    assert (
        emulator_session.get(f"{emulator_session.base}/monitors").status_code == 200
    )  # GET does not consume a PUT fault
    first, second = put_monitors(emulator_session, [monitor()]), put_monitors(emulator_session, [monitor()])
    assert (first.status_code, second.status_code, first.text) == (503, 503, "upstream down")
    assert put_monitors(emulator_session, [monitor()]).status_code == 200
    assert [r.fault for r in cronitor_emulator.monitor_puts()] == ["error", "error", None]
    cronitor_emulator.fail_next(502)
    assert "Bad Gateway" in emulator_session.get(f"{emulator_session.base}/monitors").json()["detail"]


def test_rate_limit_sends_retry_after(emulator_session, cronitor_emulator):
    cronitor_emulator.rate_limit_next(retry_after=2)
    response = put_monitors(emulator_session, [monitor()])
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2"
    assert cronitor_emulator.monitors == {}
    assert put_monitors(emulator_session, [monitor()]).status_code == 200


def test_delay_and_latency_are_measured(emulator_session, cronitor_emulator):
    cronitor_emulator.delay_next(0.3)
    started = time.monotonic()
    assert put_monitors(emulator_session, [monitor()]).status_code == 200
    assert time.monotonic() - started >= 0.3
    cronitor_emulator.set_latency(0.2)
    started = time.monotonic()
    emulator_session.get(f"{emulator_session.base}/monitors")
    assert time.monotonic() - started >= 0.2
    cronitor_emulator.set_latency(0)
    cronitor_emulator.delay_next(1)
    with pytest.raises(requests.ReadTimeout):
        emulator_session.get(f"{emulator_session.base}/monitors", timeout=0.2)


def test_drop_raises_connection_error_then_recovers(emulator_session, cronitor_emulator):
    cronitor_emulator.drop_next()
    with pytest.raises(requests.ConnectionError):
        put_monitors(emulator_session, [monitor()])
    assert cronitor_emulator.monitors == {}
    assert put_monitors(emulator_session, [monitor()]).status_code == 200
    assert [r.fault for r in cronitor_emulator.requests] == ["drop", None]


def test_malformed_json_reply(emulator_session, cronitor_emulator):
    cronitor_emulator.malformed_next()
    response = put_monitors(emulator_session, [monitor()])
    assert response.status_code == 200
    with pytest.raises(requests.JSONDecodeError):
        response.json()


def test_set_down_drops_everything_until_up(emulator_session, cronitor_emulator):
    cronitor_emulator.set_down(True)
    for _ in range(2):
        with pytest.raises(requests.ConnectionError):
            emulator_session.get(f"{emulator_session.base}/monitors")
    cronitor_emulator.set_down(False)
    assert emulator_session.get(f"{emulator_session.base}/monitors").status_code == 200
    assert [r.fault for r in cronitor_emulator.requests] == ["down", "down", None]


def test_reject_monitor_names_it_until_cleared(emulator_session, cronitor_emulator):
    cronitor_emulator.reject_monitor("b", "no thanks")
    response = put_monitors(emulator_session, [monitor("a"), monitor("b")])
    assert response.status_code == 400
    assert response.json()["errors"] == [{"monitor": "b", "index": 1, "field": "key", "message": "no thanks"}]
    assert cronitor_emulator.monitors == {}
    cronitor_emulator.clear_faults()
    assert put_monitors(emulator_session, [monitor("a"), monitor("b")]).status_code == 200
