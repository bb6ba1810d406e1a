"""How a push reads Cronitor replies of unusual shapes: error bodies without a message, 400s that
name monitors by index, 200s that leave a monitor out, and ``Retry-After`` as a date.

Every test talks to the real emulator over loopback, which sends the reply given to ``fail_next``.
"""

from __future__ import annotations

import logging

import pytest

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync.service import push
from tests.sync_utils import healthchecks, make_row

pytestmark = pytest.mark.django_db


def row(key: str) -> HealthcheckDefinition:
    return HealthcheckDefinition.objects.get(key=key)


def test_an_error_body_without_a_message_is_shown_as_its_json(sync_api, settings):
    healthchecks(settings, MAX_RETRIES=0)
    make_row("odd-500")
    sync_api.fail_next(500, body={"code": "E_INTERNAL", "retry": False}, method="PUT")

    report = push()

    assert list(report.failed) == ["odd-500"]
    assert 'Cronitor answered 500: {"code": "E_INTERNAL", "retry": false}' in row("odd-500").last_error
    assert row("odd-500").status == "failed"


def test_a_400_naming_a_monitor_by_index_fails_that_one_and_resends_the_other(sync_api):
    make_row("idx-a")
    make_row("idx-b")
    body = {
        "errors": [
            "a bare string names nothing",
            {"monitor": "someone-else", "message": "not in this batch"},
            {"index": 1, "field": "schedule", "message": "bad schedule"},
        ]
    }
    sync_api.fail_next(400, body=body, method="PUT")

    report = push()

    first = [monitor["key"] for monitor in sync_api.monitor_puts()[0].monitors]
    victim, other = first[1], first[0]
    assert report.failed == {victim: "Cronitor rejected the monitor: schedule: bad schedule"}
    assert report.synced == [other]
    assert [m["key"] for m in sync_api.monitor_puts()[1].monitors] == [other]
    assert row(victim).status == "failed"
    assert row(other).monitor_code == sync_api.codes[other]


def test_a_200_reply_that_leaves_a_monitor_out_fails_it_and_reads_the_rest(sync_api):
    make_row("kept")
    make_row("left-out")
    reply = {
        "monitors": [
            "not a monitor",
            {"key": 7, "code": "numeric-key"},
            {"key": "kept", "code": "code-of-kept", "disabled": True},
        ],
        "monitor_quota": "over",  # not the documented object: no detail in the message
    }
    sync_api.fail_next(200, body=reply, method="PUT")

    report = push()

    assert report.failed == {"left-out": "Cronitor answered 200 but its reply did not include this monitor"}
    kept = row("kept")
    assert (kept.status, kept.monitor_code) == ("disabled", "code-of-kept")
    assert "over its plan's monitor limit; raise the limit" in kept.last_error
    assert "monitor_quota" not in kept.last_error


@pytest.mark.parametrize(
    ("retry_after", "delay"),
    [("Wed, 21 Oct 2015 07:28:00 GMT", "0.00"), ("in a little while", "0.01")],
    ids=["http-date-in-the-past", "unreadable"],
)
def test_retry_after_as_a_date_or_unreadable_still_retries(sync_api, settings, caplog, retry_after, delay):
    healthchecks(settings, MAX_RETRIES=1)
    make_row("limited")
    sync_api.fail_next(503, headers={"Retry-After": retry_after}, method="PUT")
    caplog.set_level(logging.INFO, logger="healthcheck_admin.backends.cronitor")

    report = push()

    assert report.synced == ["limited"]
    assert len(sync_api.monitor_puts()) == 2
    assert f"retrying in {delay} s" in caplog.text
