"""Tombstones: a deleted row's monitor is removed by the next push, or by ``remove_monitor`` at once."""

from __future__ import annotations

import pytest

from healthcheck_admin.models import HealthcheckDefinition, Tombstone
from healthcheck_admin.sync.plan import plan
from healthcheck_admin.sync.removal import record_deletion
from healthcheck_admin.sync.service import push, remove_monitor
from tests.sync_utils import OWN_TAG, foreign, healthchecks, make_row, request_paths

pytestmark = pytest.mark.django_db


def test_a_deleted_row_leaves_a_tombstone_that_the_next_push_removes(sync_api):
    row = make_row("deleted-admin-row")
    push()
    sync_api.requests.clear()

    row.delete()  # the post_delete receiver records the tombstone
    assert Tombstone.objects.filter(key="deleted-admin-row").exists()
    assert [(i.key, i.action, i.source) for i in plan()] == [("deleted-admin-row", "remove", "deleted")]
    report = push()

    url = "/api/monitors/deleted-admin-row"
    assert request_paths(sync_api) == [("GET", url), ("GET", f"{url}/pause")]
    assert report.removed == ["deleted-admin-row"]
    assert not Tombstone.objects.exists()


def test_a_tombstone_keeps_its_error_until_the_removal_succeeds(sync_api, settings):
    healthchecks(settings, MAX_RETRIES=0)
    sync_api.add_monitors(foreign("t1", tags=[OWN_TAG]))
    Tombstone.objects.create(key="t1")
    sync_api.fail_next(500)

    assert "t1" in push().failed
    assert "Cronitor answered 500" in Tombstone.objects.get(key="t1").last_error
    assert push().removed == ["t1"]
    assert not Tombstone.objects.exists()


def test_remove_monitor_applies_on_remove_to_one_key(sync_api):
    row = make_row("single")
    push()
    row.refresh_from_db()
    code = row.monitor_code
    HealthcheckDefinition.objects.filter(pk=row.pk).delete()  # a queryset delete sends no signal

    remove_monitor("single", code)

    assert sync_api.monitors["single"]["paused"] is True
    assert not Tombstone.objects.exists()


def test_remove_monitor_keeps_the_tombstone_when_it_fails(sync_api, settings, caplog):
    healthchecks(settings, MAX_RETRIES=0)
    sync_api.set_down(True)

    remove_monitor("unreachable")

    assert Tombstone.objects.get(key="unreachable").last_error
    assert "Removing monitor 'unreachable' failed" in caplog.text


def test_a_tombstone_for_a_key_in_use_again_is_discarded(sync_api):
    make_row("reused")
    push()
    Tombstone.objects.create(key="reused")
    sync_api.requests.clear()

    push()

    assert not Tombstone.objects.exists()
    assert sync_api.requests == []
    assert sync_api.monitors["reused"]["paused"] is False


def test_record_deletion_stores_key_and_code():
    row = make_row("x", monitor_code="abc123")

    tombstone = record_deletion(row)

    assert (tombstone.key, tombstone.monitor_code) == ("x", "abc123")


def test_a_tombstone_waiting_for_confirmation_stays_until_push_yes(sync_api, settings):
    healthchecks(settings, ON_REMOVE="delete")
    row = make_row("tomb-pending")
    push()
    row.delete()

    report = push()

    assert report.pending_deletion == ["tomb-pending"]
    assert Tombstone.objects.filter(key="tomb-pending").exists()
    assert "tomb-pending" in sync_api.monitors
    assert push(confirm_delete=True).removed == ["tomb-pending"]
    assert not Tombstone.objects.filter(key="tomb-pending").exists()
    assert "tomb-pending" not in sync_api.monitors
