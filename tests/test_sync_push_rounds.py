"""Push rounds: rows edited between batches are pushed again (up to three rounds, then left for
the next push with a warning), and stale bookkeeping is fixed without sending.

The edits happen in ``push(progress=...)``, which runs after each batch: between the batch that
was just sent and the claim of the next one, deterministically.
"""

from __future__ import annotations

import logging

import pytest

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync.service import push
from tests.sync_utils import healthchecks, make_row

pytestmark = pytest.mark.django_db

STATUS = HealthcheckDefinition.STATUS


def edit_unsent(sync_api):
    """A progress callback that edits every row the emulator has not received yet."""
    edits: list[str] = []

    def progress(done: int, total: int) -> None:
        for row in HealthcheckDefinition.objects.exclude(key__in=list(sync_api.monitors)):
            row.note = f"edit {len(edits)}"
            row.save()
            edits.append(row.key)

    return progress, edits


def test_a_row_edited_before_its_batch_is_claimed_is_pushed_in_the_next_round(sync_api, settings):
    healthchecks(settings, BATCH_SIZE=1)
    make_row("round-a")
    make_row("round-b")
    edited: list[str] = []

    def progress(done: int, total: int) -> None:
        if done == 1 and not edited:
            row = HealthcheckDefinition.objects.get(key="round-b")
            row.note = "edited between batches"
            row.save()
            edited.append(row.key)

    report = push(progress=progress)

    assert sorted(report.synced) == ["round-a", "round-b"]
    assert [m["key"] for m in sync_api.sent_monitors()] == ["round-a", "round-b"]
    assert sync_api.monitors["round-b"]["note"] == "edited between batches"
    assert HealthcheckDefinition.objects.get(key="round-b").status == STATUS.synced


def test_rows_that_keep_changing_are_left_for_the_next_push_after_three_rounds(sync_api, settings, caplog):
    healthchecks(settings, BATCH_SIZE=1)
    for key in ("keep-1", "keep-2", "keep-3", "keep-4"):
        make_row(key)
    progress, edits = edit_unsent(sync_api)
    caplog.set_level(logging.WARNING, logger="healthcheck_admin.sync.service")

    report = push(progress=progress)

    assert sorted(report.synced) == ["keep-1", "keep-2", "keep-3"]
    assert "keep-4" not in report.failed
    assert "keep-4" not in sync_api.monitors
    assert "Rows kept changing while being pushed; push them again: keep-4" in caplog.text
    assert HealthcheckDefinition.objects.get(key="keep-4").status != STATUS.synced
    assert push().synced == ["keep-4"]
    assert sync_api.monitors["keep-4"]["note"] == f"edit {len(edits) - 1}"


def test_a_row_whose_remote_copy_already_matches_is_marked_synced_without_sending(sync_api):
    make_row("matches")
    push()
    code = sync_api.codes["matches"]
    HealthcheckDefinition.objects.filter(key="matches").update(status=STATUS.failed, last_error="timed out")
    puts = len(sync_api.monitor_puts())

    report = push(refresh=True)

    assert report.synced == ["matches"]
    assert report.skipped == 1
    assert len(sync_api.monitor_puts()) == puts
    row = HealthcheckDefinition.objects.get(key="matches")
    assert (row.status, row.last_error, row.monitor_code) == (STATUS.synced, "", code)


def test_a_dry_run_under_on_remove_delete_lists_the_deletions_as_pending(sync_api, settings):
    healthchecks(settings, ON_REMOVE="delete")
    make_row("to-delete")
    push()
    HealthcheckDefinition.objects.get(key="to-delete").delete()

    report = push(dry_run=True)

    assert report.would_remove == ["to-delete"]
    assert report.pending_deletion == ["to-delete"]
    assert "to-delete" in sync_api.monitors
