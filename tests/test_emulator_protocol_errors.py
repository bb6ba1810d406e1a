"""The emulator's answers to requests it cannot serve, and its refusals of bad options, over real HTTP.

Routing (404, 405 with ``Allow``), unreadable bodies (400 naming the problem), credentials it does not
accept (403), and the ``ValueError`` a test gets for a bad emulator option. Nothing is stored.
"""

from __future__ import annotations

import pytest
import requests

from healthcheck_admin.testing import CronitorEmulator
from tests.utils import monitor


def test_paths_outside_the_monitor_api_are_not_found(emulator_session):
    for path in ("/checks", "/monitors/home/history", "/monitors/home/pause/2/extra"):
        response = emulator_session.get(f"{emulator_session.base}{path}", timeout=5)
        assert (path, response.status_code, response.json()) == (path, 404, {"detail": "Not found."})


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/monitors", "DELETE, GET, POST, PUT"),
        ("/monitors/home", "DELETE, GET, PUT"),
        ("/monitors/home/pause", "GET"),
    ],
)
def test_unsupported_method_is_405_with_allow(emulator_session, cronitor_emulator, path, allowed):
    cronitor_emulator.add_monitors(monitor("home"))
    response = emulator_session.patch(f"{emulator_session.base}{path}", json={"note": "x"}, timeout=5)
    assert response.status_code == 405
    assert response.headers["Allow"] == allowed
    assert response.json() == {"detail": 'Method "PATCH" not allowed.'}
    assert cronitor_emulator.monitors["home"]["note"] is None


WRITES = [("PUT", "/monitors"), ("POST", "/monitors"), ("PUT", "/monitors/home"), ("DELETE", "/monitors")]


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_empty_body_is_refused(emulator_session, cronitor_emulator, method, path):
    cronitor_emulator.add_monitors(monitor("home"))
    response = emulator_session.request(method, f"{emulator_session.base}{path}", data=b"  ", timeout=5)
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is empty; send a JSON document."}
    assert set(cronitor_emulator.monitors) == {"home"}


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_unparsable_json_is_refused_with_the_parse_error(emulator_session, cronitor_emulator, method, path):
    cronitor_emulator.add_monitors(monitor("home"))
    response = emulator_session.request(
        method,
        f"{emulator_session.base}{path}",
        data=b'{"monitors": [',
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error - ")
    assert set(cronitor_emulator.monitors) == {"home"}


def test_rollback_must_be_a_boolean(emulator_session, cronitor_emulator):
    body = {"monitors": [monitor("home")], "rollback": "yes"}
    response = emulator_session.put(f"{emulator_session.base}/monitors", json=body, timeout=5)
    assert response.status_code == 400
    assert response.json() == {"detail": "rollback must be true or false, got 'yes'"}
    assert cronitor_emulator.monitors == {}


def test_post_without_a_key_generates_one(emulator_session, cronitor_emulator):
    body = {"type": "check", "request": {"url": "https://example.com/health"}}
    response = emulator_session.post(f"{emulator_session.base}/monitors", json=body, timeout=5)
    assert response.status_code == 201
    key = response.json()["key"]
    assert len(key) == 6
    assert key == key.lower()
    assert list(cronitor_emulator.monitors) == [key]
    assert emulator_session.get(f"{emulator_session.base}/monitors/{key}", timeout=5).status_code == 200


@pytest.mark.parametrize("body", [{"monitors": "home"}, {"monitors": [1]}, ["home"], {"keys": ["home"]}])
def test_bulk_delete_needs_a_list_of_string_keys(emulator_session, cronitor_emulator, body):
    cronitor_emulator.add_monitors(monitor("home"))
    response = emulator_session.delete(f"{emulator_session.base}/monitors", json=body, timeout=5)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("send {'monitors': [<key>, ...]} with string keys, got ")
    assert set(cronitor_emulator.monitors) == {"home"}


def test_injected_status_without_a_standard_phrase(emulator_session, cronitor_emulator):
    cronitor_emulator.fail_next(599)
    response = emulator_session.get(f"{emulator_session.base}/monitors", timeout=5)
    assert response.status_code == 599
    assert response.json() == {"detail": "HTTP 599 (injected by EmulatorState)"}


@pytest.mark.parametrize(
    "authorization", ["Bearer test-api-key", "Basic", "Basic !!not-base64!!", "Basic //79"]
)
def test_unreadable_credentials_are_403(cronitor_emulator, authorization):
    response = requests.get(
        f"{cronitor_emulator.url}/monitors", headers={"Authorization": authorization}, timeout=5
    )
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Invalid API key.")
    recorded = cronitor_emulator.requests[-1]
    assert recorded.api_key is None
    assert recorded.header("X-Not-Sent", "absent") == "absent"


# -- options refused at construction or call -------------------------------------------------------
@pytest.mark.parametrize("api_keys", [[], [""], ("ok", None)])
def test_api_keys_must_be_non_empty_strings(api_keys):
    with pytest.raises(ValueError, match="api_keys must hold at least one non-empty string"):
        CronitorEmulator(api_keys=api_keys)


def test_fault_and_clock_arguments_are_checked(cronitor_emulator):
    with pytest.raises(ValueError, match="times must be >= 1, got 0"):
        cronitor_emulator.fail_next(500, times=0)
    with pytest.raises(ValueError, match="seconds must be >= 0, got -1"):
        cronitor_emulator.delay_next(-1)
    with pytest.raises(ValueError, match=r"latency must be >= 0 seconds, got -0\.5"):
        cronitor_emulator.set_latency(-0.5)
    with pytest.raises(ValueError, match="the clock only moves forward; got -1 seconds"):
        cronitor_emulator.advance(-1)
    assert cronitor_emulator.latency == 0.0
    assert cronitor_emulator.clock_offset == 0.0
    response = requests.get(
        f"{cronitor_emulator.url}/monitors", auth=(cronitor_emulator.api_key, ""), timeout=5
    )
    assert response.status_code == 200  # nothing was queued


def test_add_monitors_refuses_invalid_documents(cronitor_emulator):
    with pytest.raises(ValueError, match=r"invalid monitors: .*request\.url"):
        cronitor_emulator.add_monitors(monitor("ok"), monitor("bad", request={"url": "ftp://example.com"}))
    assert cronitor_emulator.monitors == {}


@pytest.mark.cronitor_emulator(monitor_quota=1)
def test_seeded_probe_skips_monitors_disabled_by_the_quota(cronitor_emulator):
    first, second = cronitor_emulator.add_monitors(monitor("a"), monitor("b"), probed=True)
    assert (first["disabled"], second["disabled"]) == (False, True)
    assert first["initialized"] is True
    assert second["initialized"] is False
    assert list(cronitor_emulator.events) == ["a"]


def test_a_timed_pause_of_a_monitor_removed_directly_just_ends(emulator_session, cronitor_emulator):
    cronitor_emulator.add_monitors(monitor("a"), monitor("b"))
    for key in ("a", "b"):
        assert (
            emulator_session.get(f"{emulator_session.base}/monitors/{key}/pause/1", timeout=5).status_code
            == 200
        )
    with cronitor_emulator.lock:
        del cronitor_emulator.monitors["a"]
    cronitor_emulator.advance(3601)
    assert cronitor_emulator.pause_expiry == {}
    assert cronitor_emulator.monitors["b"]["paused"] is False
