"""ON_REMOVE: pause, delete (confirmed), keep; the ownership-tag guard; tombstones of deleted rows."""

from __future__ import annotations

import pytest
from django.utils import timezone

from healthcheck_admin.backends import locmem
from healthcheck_admin.backends.base import fake_code
from healthcheck_admin.models import HealthcheckDefinition, new_revision
from healthcheck_admin.sync.plan import plan
from healthcheck_admin.sync.service import push
from healthcheck_admin.testing import CronitorEmulator
from healthcheck_admin.upsert import sync_code_checks
from tests.sync_utils import OWN_TAG, foreign, healthchecks, make_row, request_paths

pytestmark = pytest.mark.django_db

STATUS = HealthcheckDefinition.STATUS


def mark_removed(row: HealthcheckDefinition) -> HealthcheckDefinition:
    """What the upsert does to a code row that is no longer declared."""
    HealthcheckDefinition.objects.filter(pk=row.pk).update(
        removed_at=timezone.now(), status=STATUS.pending, revision=new_revision()
    )
    row.refresh_from_db()
    return row


def pushed_then_removed(sync_api: CronitorEmulator, key: str = "gone") -> HealthcheckDefinition:
    row = make_row(key, source="code")
    assert push().ok
    sync_api.requests.clear()
    return mark_removed(row)


def test_pause_is_the_default_and_reads_the_ownership_tag_remotely(sync_api):
    row = pushed_then_removed(sync_api)

    report = push()

    assert request_paths(sync_api) == [("GET", "/api/monitors/gone"), ("GET", "/api/monitors/gone/pause")]
    assert report.removed == ["gone"]
    assert sync_api.monitors["gone"]["paused"] is True
    row.refresh_from_db()
    assert (row.status, row.last_error) == (STATUS.removed, "")
    assert row.monitor_code  # kept: the monitor still exists, paused
    sync_api.requests.clear()
    assert push().requests == 0


def test_code_rows_no_longer_declared_are_paused_after_the_upsert(sync_api):
    make_row("old-code-check", source="code")
    push()

    result = sync_code_checks()
    report = push()

    assert result.removed == ["old-code-check"]
    assert "old-code-check" in report.removed
    assert sync_api.monitors["old-code-check"]["paused"] is True


@pytest.mark.parametrize(
    ("policy", "removed", "pending_deletion", "status"),
    [("delete", [], ["gone"], STATUS.pending), ("keep", ["gone"], [], STATUS.removed)],
)
def test_delete_and_keep_leave_the_monitor_alone_on_the_next_push(
    sync_api, settings, policy, removed, pending_deletion, status
):
    """delete waits for confirmation (the row stays pending); keep marks the row removed."""
    healthchecks(settings, ON_REMOVE=policy)
    row = pushed_then_removed(sync_api)

    report = push()

    assert sync_api.requests == []
    assert (report.removed, report.pending_deletion) == (removed, pending_deletion)
    assert sync_api.monitors["gone"]["paused"] is False
    row.refresh_from_db()
    assert row.status == status


def test_delete_waits_for_confirmation(sync_api, settings):
    healthchecks(settings, ON_REMOVE="delete")
    row = pushed_then_removed(sync_api)

    assert "deletion pending" in push().summary()
    assert [(i.key, i.action) for i in plan()] == [("gone", "delete")]

    report = push(confirm_delete=True)

    assert request_paths(sync_api) == [("GET", "/api/monitors/gone"), ("DELETE", "/api/monitors/gone")]
    assert "gone" not in sync_api.monitors
    assert report.removed == ["gone"]
    row.refresh_from_db()
    assert (row.status, row.monitor_code, row.pushed_fingerprint) == (STATUS.removed, "", "")


@pytest.mark.parametrize("policy", ["pause", "delete"])
def test_a_monitor_without_our_tag_is_never_paused_or_deleted(sync_api, settings, policy):
    healthchecks(settings, ON_REMOVE=policy)
    sync_api.add_monitors(foreign("theirs", tags=["someone-else"]))
    row = mark_removed(make_row("theirs", source="code"))  # never pushed by us

    report = push(confirm_delete=True)

    assert request_paths(sync_api) == [("GET", "/api/monitors/theirs")]
    assert report.not_owned == ["theirs"]
    assert sync_api.monitors["theirs"]["paused"] is False
    row.refresh_from_db()
    assert row.status == STATUS.removed


def test_a_monitor_with_our_tag_is_paused_after_checking(sync_api):
    sync_api.add_monitors(foreign("ours", tags=[OWN_TAG]))
    mark_removed(make_row("ours", source="code"))

    report = push()

    assert request_paths(sync_api) == [("GET", "/api/monitors/ours"), ("GET", "/api/monitors/ours/pause")]
    assert report.removed == ["ours"]
    assert sync_api.monitors["ours"]["paused"] is True


def test_a_404_means_nothing_to_do(sync_api):
    row = mark_removed(make_row("never-there", source="code"))

    report = push()

    assert report.removed == ["never-there"]
    row.refresh_from_db()
    assert row.status == STATUS.removed


def test_an_error_while_checking_ownership_is_retried_later_never_missing(sync_api, settings):
    healthchecks(settings, MAX_RETRIES=0)
    sync_api.add_monitors(foreign("ours", tags=[OWN_TAG]))
    row = mark_removed(make_row("ours", source="code"))
    sync_api.fail_next(500, method="GET")

    report = push()

    assert "Cronitor answered 500" in report.failed["ours"]
    row.refresh_from_db()
    assert row.status == STATUS.failed
    assert sync_api.monitors["ours"]["paused"] is False
    assert push().removed == ["ours"]
    assert sync_api.monitors["ours"]["paused"] is True


def test_a_failed_pause_is_retried_on_the_next_push(sync_api, settings):
    healthchecks(settings, MAX_RETRIES=0)
    row = pushed_then_removed(sync_api)
    sync_api.fail_next(503, method="GET")

    assert "Cronitor answered 503" in push().failed["gone"]
    row.refresh_from_db()
    assert row.status == STATUS.failed
    assert push().removed == ["gone"]


def test_dry_run_lists_removals_without_acting(sync_api):
    pushed_then_removed(sync_api)

    report = push(dry_run=True)

    assert report.would_remove == ["gone"]
    assert sync_api.requests == []


# -- outcomes a removal can meet: a local backend, a monitor already gone, a failed delete --------
def test_a_local_backend_pauses_what_it_pushed_with_our_tag_without_reading_it_back(settings):
    healthchecks(settings, BACKEND="healthcheck_admin.backends.locmem.LocmemBackend", SYNC_ON_SAVE=False)
    locmem.reset()
    row = make_row("local-gone", source="code")
    assert push().ok
    mark_removed(row)

    report = push()

    assert report.removed == ["local-gone"]
    assert locmem.paused == ["local-gone"]
    row.refresh_from_db()
    assert (row.status, row.monitor_code) == (STATUS.removed, fake_code("local-gone", "mem"))


def test_a_local_backend_that_no_longer_holds_the_monitor_counts_it_gone(settings):
    healthchecks(settings, BACKEND="healthcheck_admin.backends.locmem.LocmemBackend", SYNC_ON_SAVE=False)
    locmem.reset()
    row = make_row("local-forgotten", source="code")
    assert push().ok
    locmem.reset()  # e.g. another process: its memory never held the monitor
    mark_removed(row)

    report = push()

    assert report.removed == ["local-forgotten"]
    assert locmem.paused == []
    row.refresh_from_db()
    assert (row.status, row.monitor_code, row.pushed_payload) == (STATUS.removed, "", None)


def test_a_delete_that_finds_the_monitor_already_gone_clears_the_bookkeeping(sync_api, settings):
    healthchecks(settings, ON_REMOVE="delete")
    row = pushed_then_removed(sync_api, "delete-gone")
    sync_api.fail_next(404, body={"error": "not found"}, method="DELETE")

    report = push(confirm_delete=True)

    assert report.removed == ["delete-gone"]
    assert ("DELETE", "/api/monitors/delete-gone") in request_paths(sync_api)
    row.refresh_from_db()
    assert (row.status, row.monitor_code, row.pushed_fingerprint) == (STATUS.removed, "", "")


def test_a_failed_delete_keeps_the_row_failed_with_the_error_for_the_next_push(sync_api, settings):
    healthchecks(settings, ON_REMOVE="delete", MAX_RETRIES=0)
    row = pushed_then_removed(sync_api, "delete-fails")
    sync_api.fail_next(500, body={"error": "try later"}, method="DELETE")

    report = push(confirm_delete=True)

    assert "Cronitor answered 500: try later" in report.failed["delete-fails"]
    row.refresh_from_db()
    assert row.status == STATUS.failed
    assert "try later" in row.last_error
    assert "delete-fails" in sync_api.monitors
    assert push(confirm_delete=True).removed == ["delete-fails"]
    assert "delete-fails" not in sync_api.monitors
