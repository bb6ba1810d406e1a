"""Faults: retries, rate limits, timeouts, dropped connections, 400s and bad replies."""

from __future__ import annotations

import time

import pytest

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync.service import push
from tests.sync_utils import healthchecks, make_row

pytestmark = pytest.mark.django_db

STATUS = HealthcheckDefinition.STATUS


def statuses() -> dict[str, str]:
    return dict(HealthcheckDefinition.objects.values_list("key", "status"))


def test_a_500_then_success_is_retried_and_the_rows_end_synced(sync_api):
    make_row("one")
    make_row("two")
    sync_api.fail_next(500)

    report = push()

    assert report.ok
    assert len(sync_api.monitor_puts()) == 2
    assert report.requests == 2
    assert statuses() == {"one": STATUS.synced, "two": STATUS.synced}


def test_retries_back_off_exponentially_and_give_up_after_max_retries(sync_api, settings):
    healthchecks(settings, MAX_RETRIES=2, BACKOFF_SECONDS=0.1)
    row = make_row("one")
    sync_api.fail_next(502, times=3)
    started = time.monotonic()

    report = push()

    assert time.monotonic() - started >= 0.1 + 0.2
    assert len(sync_api.monitor_puts()) == 3
    assert "Cronitor answered 502" in report.failed["one"]
    row.refresh_from_db()
    assert "gave up after 3 attempts" in row.last_error
    row.refresh_from_db()
    assert row.status == STATUS.failed
    assert push().ok  # nothing is lost: the next push syncs it
    row.refresh_from_db()
    assert row.status == STATUS.synced


def test_a_429_with_retry_after_waits_at_least_that_long(sync_api):
    make_row("one")
    sync_api.rate_limit_next(retry_after=1)
    started = time.monotonic()

    report = push()

    elapsed = time.monotonic() - started
    puts = sync_api.monitor_puts()
    assert report.ok
    assert elapsed >= 1.0
    assert len(puts) == 2
    assert puts[1].received_at - puts[0].received_at >= 1.0
    assert statuses() == {"one": STATUS.synced}


def test_a_503_with_retry_after_is_honoured(sync_api):
    make_row("one")
    sync_api.fail_next(503, headers={"Retry-After": "1"})
    started = time.monotonic()

    assert push().ok
    assert time.monotonic() - started >= 1.0


def test_a_timeout_fails_the_rows_readably_and_the_next_push_syncs(sync_api, settings):
    healthchecks(settings, TIMEOUT=0.5, MAX_RETRIES=1)
    row = make_row("one")
    sync_api.delay_next(1.0, times=2)

    report = push()

    assert not report.ok
    assert "no answer within 0.5 s" in report.failed["one"]
    assert "gave up after 2 attempts" in report.failed["one"]
    row.refresh_from_db()
    assert (row.status, row.monitor_code) == (STATUS.failed, "")
    assert "no answer within 0.5 s" in row.last_error

    assert push().ok
    row.refresh_from_db()
    assert row.status == STATUS.synced
    assert row.monitor_code
    assert row.last_error == ""


def test_a_dropped_connection_fails_the_rows_and_the_next_push_syncs(sync_api, settings):
    healthchecks(settings, MAX_RETRIES=1)
    make_row("one")
    make_row("two")
    sync_api.drop_next(times=2)

    report = push()

    assert sorted(report.failed) == ["one", "two"]
    assert "the connection was dropped" in report.failed["one"]
    assert statuses() == {"one": STATUS.failed, "two": STATUS.failed}
    assert push().ok
    assert statuses() == {"one": STATUS.synced, "two": STATUS.synced}


def test_an_unreachable_api_fails_readably(sync_api, settings):
    healthchecks(settings, API_URL="http://127.0.0.1:9/api", MAX_RETRIES=0)
    make_row("one")

    report = push()

    assert "the connection was refused" in report.failed["one"]
    assert "127.0.0.1:9/api/monitors" in report.failed["one"]


def test_a_batch_error_stops_the_later_batches(sync_api, settings):
    healthchecks(settings, BATCH_SIZE=2, MAX_RETRIES=0)
    for n in range(6):
        make_row(f"row-{n}")
    sync_api.set_down(True)

    report = push()

    assert len(sync_api.monitor_puts()) == 1
    assert len(report.failed) == 6
    assert report.sent == 2


def test_a_400_naming_one_bad_monitor_fails_that_row_and_syncs_the_others(sync_api):
    for key in ("a", "b", "bad", "c"):
        make_row(key)
    sync_api.reject_monitor("bad", "this monitor is not allowed")

    report = push()

    assert sorted(report.synced) == ["a", "b", "c"]
    assert report.failed == {"bad": "Cronitor rejected the monitor: key: this monitor is not allowed"}
    assert len(sync_api.monitor_puts()) == 2
    bad = HealthcheckDefinition.objects.get(key="bad")
    assert (bad.status, bad.last_error) == (STATUS.failed, report.failed["bad"])
    assert sorted(sync_api.monitors) == ["a", "b", "c"]


def test_a_400_the_api_really_raises_names_the_field(sync_api):
    make_row("fine")
    make_row("slow", interval_seconds=10)  # below Cronitor's 30 s minimum

    report = push()

    assert report.synced == ["fine"]
    assert report.failed["slow"].startswith("Cronitor rejected the monitor: schedule")


def test_an_opaque_400_is_bisected_so_the_good_monitors_go_through(sync_api):
    for key in ("a", "b", "c", "d"):
        make_row(key)
    sync_api.fail_next(400, body="<html>Bad Request</html>")

    report = push()

    assert sorted(report.synced) == ["a", "b", "c", "d"]
    assert len(sync_api.monitor_puts()) == 3  # the whole batch, then each half


def test_a_bad_reply_to_one_half_fails_only_that_half(sync_api):
    for key in ("a", "b", "c", "d"):
        make_row(key)
    sync_api.fail_next(400, body="<html>Bad Request</html>")
    sync_api.malformed_next()  # the reply to the first half

    report = push()

    assert sorted(report.failed) == ["a", "b"]
    assert "not valid JSON" in report.failed["a"]
    assert sorted(report.synced) == ["c", "d"]


def test_an_opaque_400_on_one_monitor_fails_it_with_the_body_text(sync_api):
    row = make_row("one")
    sync_api.fail_next(400, body="<html>Bad Request</html>")

    report = push()

    assert "Cronitor answered 400: <html>Bad Request</html>" in report.failed["one"]
    assert len(sync_api.monitor_puts()) == 1  # never retried
    row.refresh_from_db()
    assert row.status == STATUS.failed


def test_a_malformed_200_is_an_error_for_the_batch_not_success(sync_api):
    row = make_row("one")
    sync_api.malformed_next()

    report = push()

    assert "not valid JSON" in report.failed["one"]
    assert len(sync_api.monitor_puts()) == 1
    row.refresh_from_db()
    assert (row.status, row.monitor_code) == (STATUS.failed, "")
    assert push().ok


def test_a_bad_key_is_permanent_and_never_retried(sync_api, settings):
    healthchecks(settings, API_KEY="wrong-key-123")
    make_row("one")
    make_row("two")

    report = push()

    assert len(sync_api.requests) == 1
    assert "Cronitor refused the API key (403" in report.failed["one"]
    assert "HEALTHCHECKS['API_KEY']" in report.failed["one"]
    assert "wrong-key-123" not in report.failed["one"]


@pytest.mark.parametrize("status", [401, 404, 409, 422])
def test_other_4xx_are_never_retried(sync_api, status):
    make_row("one")
    sync_api.fail_next(status, times=3)

    report = push()

    assert len(sync_api.monitor_puts()) == 1
    expected = "refused the API key" if status == 401 else f"Cronitor answered {status}"
    assert expected in report.failed["one"]


def test_a_missing_api_key_sends_nothing_and_names_the_setting(sync_api, settings, monkeypatch):
    monkeypatch.delenv("CRONITOR_API_KEY", raising=False)
    healthchecks(settings, API_KEY=None)
    row = make_row("one")

    report = push()

    assert sync_api.requests == []
    assert "HEALTHCHECKS['API_KEY']" in report.failed["one"]
    assert "CRONITOR_API_KEY" in report.failed["one"]
    row.refresh_from_db()
    assert row.status == STATUS.failed
