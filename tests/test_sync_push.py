"""push(): codes, skipping, batching and bookkeeping, over real HTTP against the emulator."""

from __future__ import annotations

import math
import threading
import time

import pytest

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync.payload import fingerprint, monitor_for
from healthcheck_admin.sync.service import PushReport, push, push_keys
from tests.sync_utils import healthchecks, make_row, make_rows

pytestmark = pytest.mark.django_db

STATUS = HealthcheckDefinition.STATUS


def test_first_push_creates_every_monitor_and_stores_its_code(sync_api):
    rows = [make_row("one"), make_row("two", method="POST", body='{"a": 1}', regions=["eu-west-1"])]

    report = push()

    assert report.ok
    assert sorted(report.synced) == ["one", "two"]
    assert (report.sent, report.requests) == (2, 1)
    assert sorted(sync_api.monitors) == ["one", "two"]
    for row in rows:
        row.refresh_from_db()
        assert row.monitor_code == sync_api.codes[row.key]
        assert row.status == STATUS.synced
        assert row.last_pushed_at is not None
        assert row.last_error == ""
        assert row.pushed_fingerprint == fingerprint(monitor_for(row))
        assert (row.pushed_payload or {})["key"] == row.key
    sent = {m["key"]: m for m in sync_api.sent_monitors()}
    assert sent["two"]["request"]["body"] == '{"a": 1}'
    assert sent["two"]["request"]["regions"] == ["eu-west-1"]
    assert "body" not in sent["one"]["request"]
    assert "regions" not in sent["one"]["request"]


def test_monitor_carries_schedule_tags_notify_note_and_paused(sync_api, settings):
    healthchecks(settings, TAGS=["django"])
    make_row("one", tags=["web", "django"], interval_seconds=120, notify=["ops"], note="hi", paused=True)

    push()

    monitor = sync_api.sent_monitors()[0]
    assert monitor["type"] == "check"
    assert monitor["schedule"] == "every 120 seconds"
    assert monitor["tags"] == ["django", "web", "managed-by:healthcheck_admin:tests:test"]
    assert (monitor["notify"], monitor["note"], monitor["paused"]) == (["ops"], "hi", True)
    assert sync_api.monitors["one"]["paused"] is True


def test_second_push_with_nothing_changed_sends_no_request(sync_api):
    make_row("one")
    make_row("two")
    push()
    before = len(sync_api.requests)

    report = push()

    assert len(sync_api.requests) == before
    assert (report.sent, report.requests, report.skipped) == (0, 0, 2)


def test_editing_one_row_sends_exactly_one_monitor(sync_api):
    row = make_row("one")
    make_row("two")
    make_row("three")
    push()
    sync_api.requests.clear()

    row.refresh_from_db()
    row.note = "edited"
    row.save()
    report = push()

    assert [m["key"] for m in sync_api.sent_monitors()] == ["one"]
    assert report.synced == ["one"]
    assert sync_api.monitors["one"]["note"] == "edited"


def test_force_resends_unchanged_rows(sync_api):
    make_row("one")
    push()

    report = push(force=True)

    assert report.sent == 1
    assert len(sync_api.monitor_puts()) == 2


def test_codes_survive_later_pushes(sync_api):
    row = make_row("one")
    push()
    row.refresh_from_db()
    code = row.monitor_code
    row.note = "changed"
    row.save()

    push()

    row.refresh_from_db()
    assert row.monitor_code == code


@pytest.mark.slow
@pytest.mark.parametrize("batch_size", [100, 30])
def test_a_thousand_rows_go_out_in_ceil_n_over_batch_size_requests(sync_api, settings, batch_size):
    healthchecks(settings, BATCH_SIZE=batch_size)
    make_rows(1000)
    seen = []

    report = push(progress=lambda done, total: seen.append((done, total)))

    assert report.ok
    assert len(sync_api.monitor_puts()) == math.ceil(1000 / batch_size)
    assert len(sync_api.monitors) == 1000
    assert HealthcheckDefinition.objects.filter(status=STATUS.synced).count() == 1000
    assert seen[-1] == (1000, 1000)
    assert len(seen) == math.ceil(1000 / batch_size)


@pytest.mark.slow
def test_one_changed_row_of_a_thousand_sends_one_monitor(sync_api):
    make_rows(1000)
    push()
    sync_api.requests.clear()
    row = HealthcheckDefinition.objects.get(key="bulk-0500")
    row.interval_seconds = 300
    row.save()

    report = push(refresh=False)

    assert (report.sent, report.requests, report.skipped) == (1, 1, 999)


def test_push_only_the_given_rows(sync_api):
    make_row("one")
    make_row("two")

    report = push(HealthcheckDefinition.objects.filter(key="two"))

    assert report.synced == ["two"]
    assert list(sync_api.monitors) == ["two"]


def test_push_keys_pushes_those_keys(sync_api):
    make_row("one")
    make_row("two")

    report = push_keys(["one"])

    assert report.synced == ["one"]
    assert HealthcheckDefinition.objects.get(key="two").status == STATUS.pending


def test_dry_run_sends_and_writes_nothing(sync_api):
    row = make_row("one", headers={"Authorization": "Bearer literal-secret"})

    report = push(dry_run=True)

    assert sync_api.requests == []
    assert report.dry_run
    assert [m["key"] for m in report.would_send] == ["one"]
    assert report.would_send[0]["request"]["headers"]["Authorization"] == "********"
    row.refresh_from_db()
    assert row.status == STATUS.pending
    assert "would send 1 monitor" in report.summary()


def test_validate_sends_rollback_and_persists_nothing(sync_api):
    row = make_row("one")
    sync_api.reject_monitor("bad", "name is not acceptable")
    make_row("bad")

    report = push(validate=True)

    assert next(r.json.get("rollback") for r in sync_api.monitor_puts()) is True
    assert sync_api.monitors == {}
    assert report.synced == ["one"]
    assert "name is not acceptable" in report.failed["bad"]
    row.refresh_from_db()
    assert row.status == STATUS.pending
    row.refresh_from_db()
    assert row.monitor_code == ""
    assert HealthcheckDefinition.objects.get(key="bad").last_error == ""
    assert report.summary().startswith("validated: 1 valid, 1 invalid")


def test_a_row_without_host_fails_with_a_readable_error(sync_api, settings):
    healthchecks(settings, HOSTNAME=None)
    row = make_row("nohost", url="/health/")
    make_row("fine")

    report = push()

    message = "HEALTHCHECKS['HOSTNAME'] is not set"
    assert message in report.failed["nohost"]
    row.refresh_from_db()
    assert message in row.last_error
    row.refresh_from_db()
    assert row.status == STATUS.failed
    assert report.synced == ["fine"]
    assert [m["key"] for m in sync_api.sent_monitors()] == ["fine"]


@pytest.mark.django_db(transaction=True)
def test_a_row_edited_while_in_flight_is_pushed_again_with_its_latest_values(sync_api):
    row = make_row("one", note="first")
    sync_api.delay_next(0.5)
    outcome: dict[str, PushReport] = {}
    worker = threading.Thread(target=lambda: outcome.update(report=push()))
    worker.start()
    deadline = time.monotonic() + 5
    while not sync_api.monitor_puts() and time.monotonic() < deadline:
        time.sleep(0.01)
    row.note = "second"
    row.save()  # an admin edit while the first PUT is in flight
    worker.join(10)

    assert outcome["report"].synced == ["one"]
    assert [m["note"] for m in sync_api.sent_monitors()] == ["first", "second"]
    assert sync_api.monitors["one"]["note"] == "second"
    row.refresh_from_db()
    assert row.status == STATUS.synced
    assert row.pushed_fingerprint == fingerprint(monitor_for(row))


def test_summary_is_one_line(sync_api):
    make_row("one")
    report = push()
    assert report.summary() == "1 synced, 0 failed, 0 unchanged, 0 removed (1 monitor in 1 request)"
