"""The emulator's field validation and listing, as a user of the test kit meets them over real HTTP.

Every rejected write answers 400 with ``{"errors": [{"monitor", "index", "field", "message"}]}`` and
stores nothing; every accepted one is visible to the next read.
"""

from __future__ import annotations

import pytest

from healthcheck_admin.limits import MAX_REQUEST_MAP
from healthcheck_admin.testing import _store
from tests.utils import monitor, put_monitors


def rejected(response) -> dict[str, str]:
    """The ``field: message`` pairs of a 400 reply (asserting it is one)."""
    assert response.status_code == 400, response.text
    return {error["field"]: error["message"] for error in response.json()["errors"]}


# -- field rules -----------------------------------------------------------------------------------
def test_schedules_list_is_checked_item_by_item(emulator_session, cronitor_emulator):
    two = monitor("two", schedule=None, schedules=["every 5 minutes", "every 2 hours"])
    errors = rejected(put_monitors(emulator_session, [two]))
    assert list(errors) == ["schedules[1]"]
    assert "30 seconds to 1 hour" in errors["schedules[1]"]
    assert "'every 2 hours'" in errors["schedules[1]"]
    assert cronitor_emulator.monitors == {}
    one = monitor("one", schedule=None, schedules=["every 5 minutes"])
    assert put_monitors(emulator_session, [one]).status_code == 200
    assert cronitor_emulator.monitors["one"]["schedules"] == ["every 5 minutes"]


@pytest.mark.parametrize(
    ("fields", "field", "expected"),
    [
        ({"platform": "smtp"}, "platform", "must be one of http, browser, tcp, udp, got 'smtp'"),
        ({"grace_seconds": -1}, "grace_seconds", "must be a whole number >= 0, got -1"),
        (
            {"request": {"url": "https://example.com/", "body": 5}},
            "request.body",
            "must be a string, got int",
        ),
        (
            {"request": {"url": "https://example.com/", "follow_redirects": "yes"}},
            "request.follow_redirects",
            "must be true or false, got 'yes'",
        ),
    ],
)
def test_bad_field_is_named_with_its_value(emulator_session, cronitor_emulator, fields, field, expected):
    errors = rejected(put_monitors(emulator_session, {"monitors": [monitor("home", **fields)]}))
    assert errors == {field: expected}
    assert cronitor_emulator.monitors == {}


def test_oversized_header_map_gives_its_size_not_its_values(emulator_session, cronitor_emulator):
    secret = "s3cr3t-" + "v" * MAX_REQUEST_MAP
    request = {"url": "https://example.com/", "headers": {"Authorization": secret}}
    response = put_monitors(emulator_session, [monitor("home", request=request)])
    errors = rejected(response)
    size = len("Authorization") + len(secret)
    assert errors == {"request.headers": f"is {size} characters long; the limit is {MAX_REQUEST_MAP}"}
    assert "s3cr3t" not in response.text


def test_null_request_options_are_left_unset(emulator_session, cronitor_emulator):
    request = {"url": "https://example.com/", "cookies": None, "regions": None}
    assert put_monitors(emulator_session, [monitor("home", request=request)]).status_code == 200
    assert cronitor_emulator.monitors["home"]["request"]["url"] == "https://example.com/"


def test_jobs_take_metric_assertions_only(emulator_session, cronitor_emulator):
    job = {"type": "job", "key": "nightly", "assertions": ["metric.duration < 5 min"]}
    assert put_monitors(emulator_session, [job]).status_code == 200
    assert cronitor_emulator.monitors["nightly"]["assertions"] == ["metric.duration < 5 min"]
    bad = {**job, "assertions": ["metric.duration < 5 min", "response.code = 200"]}
    errors = rejected(put_monitors(emulator_session, [bad]))
    assert list(errors) == ["assertions[1]"]
    assert "'response.code = 200'" in errors["assertions[1]"]
    assert "metric.duration < 5 min" in errors["assertions[1]"]  # says what jobs take instead
    assert cronitor_emulator.monitors["nightly"]["assertions"] == ["metric.duration < 5 min"]


# -- document shapes -------------------------------------------------------------------------------
def test_read_only_fields_in_a_write_are_ignored(emulator_session, cronitor_emulator):
    sent = monitor("home", created="1999-01-01T00:00:00+00:00", disabled=True, attributes={"code": "HACKED"})
    reply = put_monitors(emulator_session, [sent]).json()[0]
    stored = cronitor_emulator.monitors["home"]
    assert stored["created"] != "1999-01-01T00:00:00+00:00"
    assert stored["disabled"] is False
    assert stored["attributes"]["code"] != "HACKED"
    assert reply["attributes"]["code"] == stored["attributes"]["code"]


def test_a_batch_item_that_is_not_an_object_is_rejected_by_index(emulator_session, cronitor_emulator):
    response = put_monitors(emulator_session, {"monitors": [monitor("home"), "about"]})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "monitor": None,
            "index": 1,
            "field": "monitor",
            "message": "each monitor must be a JSON object, got a str",
        }
    ]
    assert cronitor_emulator.monitors == {}  # all or nothing


def test_single_put_refuses_a_body_key_unlike_the_url(emulator_session, cronitor_emulator):
    cronitor_emulator.add_monitors(monitor("home"))
    response = emulator_session.put(
        f"{emulator_session.base}/monitors/home", json={"key": "other"}, timeout=5
    )
    assert rejected(response) == {"key": "'other' differs from the key in the URL ('home')"}
    assert set(cronitor_emulator.monitors) == {"home"}


def test_codes_stay_unique_when_the_random_draw_repeats(cronitor_emulator):
    saved = _store._random.getstate()
    try:
        _store._random.seed(2026)
        first = cronitor_emulator.add_monitors(monitor("a"))[0]["attributes"]["code"]
        _store._random.seed(2026)  # the next draw is ``first`` again
        second = cronitor_emulator.add_monitors(monitor("b"))[0]["attributes"]["code"]
    finally:
        _store._random.setstate(saved)
    assert len(second) == 6
    assert second != first
    assert cronitor_emulator.codes == {"a": first, "b": second}


# -- listing ---------------------------------------------------------------------------------------
def list_keys(session, **params) -> list[str]:
    response = session.get(f"{session.base}/monitors", params=params, timeout=5)
    assert response.status_code == 200, response.text
    return [doc["key"] for doc in response.json()["monitors"]]


@pytest.mark.parametrize("params", [{"page": "two"}, {"pageSize": "many"}])
def test_page_numbers_must_be_whole(emulator_session, params):
    response = emulator_session.get(f"{emulator_session.base}/monitors", params=params, timeout=5)
    assert response.status_code == 400
    assert "page and pageSize must be whole numbers" in response.json()["detail"]


def test_sort_by_name_and_newest_first(emulator_session, cronitor_emulator):
    cronitor_emulator.add_monitors(
        monitor("k1", name="Beta"), monitor("k2", name="Alpha"), monitor("k3", name="Gamma")
    )
    assert list_keys(emulator_session) == ["k1", "k2", "k3"]
    assert list_keys(emulator_session, sort="name") == ["k2", "k1", "k3"]
    assert list_keys(emulator_session, sort="-name") == ["k3", "k1", "k2"]
    assert list_keys(emulator_session, sort="-created") == ["k3", "k2", "k1"]


def test_filter_by_group_and_paused_state(emulator_session, cronitor_emulator):
    cronitor_emulator.add_monitors(
        monitor("web", group="frontend"), monitor("api", group="backend", paused=True), monitor("db")
    )
    assert list_keys(emulator_session, group="backend") == ["api"]
    assert list_keys(emulator_session, group="nobody") == []
    assert list_keys(emulator_session, state="paused") == ["api"]
    assert list_keys(emulator_session, state="passing") == ["web", "db"]
