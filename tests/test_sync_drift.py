"""drift(): remote changes and remote-only monitors, every page, and list errors abort."""

from __future__ import annotations

from typing import Any

import pytest

from healthcheck_admin.backends.base import CronitorError
from healthcheck_admin.sync.drift import changed_fields, drift
from healthcheck_admin.sync.service import push
from healthcheck_admin.testing import CronitorEmulator
from tests.sync_utils import healthchecks, make_row

pytestmark = pytest.mark.django_db

OWN_TAG = "managed-by:healthcheck_admin:tests:test"


def remote(key: str, tags: tuple[str, ...] | list[str] = (OWN_TAG,), **fields: Any) -> dict[str, Any]:
    request = {"url": "https://example.com/"}
    return {"type": "check", "key": key, "request": request, "tags": list(tags), **fields}


def test_no_drift_right_after_a_push(sync_api):
    make_row("a", headers={"Accept": "text/html"}, regions=["eu-west-1"], notify=["ops"])
    make_row("b", method="POST", body="{}")
    push()

    report = drift()

    assert not report.has_drift
    assert report.checked == 2


def test_drift_in_both_directions(sync_api):
    make_row("a")
    make_row("b")
    push()
    with sync_api.lock:
        sync_api.monitors["a"]["note"] = "edited on the dashboard"
        sync_api.monitors["a"]["request"]["timeout_seconds"] = 3
        del sync_api.monitors["b"]
    sync_api.add_monitors(remote("remote-only"), remote("someone-elses", tags=["other"]))

    report = drift()

    # the note is not ours (the row sets none, so it is never sent): not drift
    assert report.changed == {"a": ["request.timeout_seconds"]}
    assert report.missing_locally == ["remote-only"]
    assert report.missing_remotely == ["b"]
    assert report.has_drift
    assert "1 changed, 1 missing locally, 1 missing remotely" in report.summary()


def test_paused_orphans_of_deleted_rows_are_not_drift(sync_api):
    row = make_row("deleted")
    push()
    row.delete()
    push()  # ON_REMOVE pause: the monitor stays, paused

    report = drift()

    assert report.paused_orphans == ["deleted"]
    assert not report.has_drift


def test_drift_reads_every_page(settings, db):
    with CronitorEmulator(page_size=3) as emulator:
        healthchecks(
            settings,
            BACKEND="healthcheck_admin.backends.cronitor.CronitorBackend",
            API_URL=emulator.url,
            API_KEY=emulator.api_key,
            SYNC_ON_SAVE=False,
        )
        emulator.add_monitors(*(remote(f"r{n:02d}") for n in range(10)))

        report = drift()

        lists = emulator.requests_to("GET")
        assert report.missing_locally == [f"r{n:02d}" for n in range(10)]
        assert [r.query["page"] for r in lists] == ["1", "2", "3", "4"]
        assert all(r.query["tag"] == OWN_TAG for r in lists)


def test_exactly_full_pages_stop_on_the_total(settings, db):
    with CronitorEmulator(page_size=5) as emulator:
        healthchecks(settings, BACKEND="healthcheck_admin.backends.cronitor.CronitorBackend")
        healthchecks(settings, API_URL=emulator.url, API_KEY=emulator.api_key)
        emulator.add_monitors(*(remote(f"r{n:02d}") for n in range(10)))

        assert len(drift().missing_locally) == 10
        assert len(emulator.requests_to("GET")) == 2


@pytest.mark.parametrize("fault", ["500", "403", "malformed", "drop"])
def test_a_list_error_aborts_never_nothing_there(sync_api, settings, fault):
    healthchecks(settings, MAX_RETRIES=0)
    sync_api.add_monitors(remote("x"))
    if fault == "malformed":
        sync_api.malformed_next()
    elif fault == "drop":
        sync_api.drop_next()
    else:
        sync_api.fail_next(int(fault))

    with pytest.raises(CronitorError) as raised:
        drift()

    assert raised.value.message


def test_an_error_on_a_later_page_aborts_too(settings, db):
    with CronitorEmulator(page_size=2) as emulator:
        healthchecks(settings, BACKEND="healthcheck_admin.backends.cronitor.CronitorBackend")
        healthchecks(settings, API_URL=emulator.url, API_KEY=emulator.api_key, MAX_RETRIES=0)
        emulator.add_monitors(*(remote(f"r{n}") for n in range(5)))
        emulator.delay_next(0)  # page 1: a no-op fault, answered normally
        emulator.fail_next(502)  # page 2

        with pytest.raises(CronitorError, match="502"):
            drift()
        assert [r.query["page"] for r in emulator.requests_to("GET")] == ["1", "2"]


def test_changed_fields_normalises_known_representations():
    expected = {
        "type": "check",
        "key": "k",
        "schedule": "every 60 seconds",
        "note": "",
        "notify": ["default"],
        "tags": ["a", "b"],
        "request": {"headers": {"Accept": "x"}, "method": "GET"},
    }
    theirs = {
        "schedules": ["every 1 minute"],
        "note": None,
        "notify": "default",
        "tags": ["b", "a"],
        "request": {"headers": {"accept": "x"}, "method": "get"},
    }
    assert changed_fields(expected, theirs) == []
    assert changed_fields(expected, {**theirs, "notify": ["ops"]}) == ["notify"]
