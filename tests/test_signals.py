"""post_save / post_delete push after commit; post_migrate upserts and never breaks migrate."""

from __future__ import annotations

import json
import logging
import threading

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models.signals import post_save

from healthcheck_admin.backends import locmem
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync import tasks
from tests.utils import make_row, sent_keys

pytestmark = pytest.mark.usefixtures("empty_locmem_outbox")


# -- post_save: which saves push -------------------------------------------------------------------


@pytest.mark.django_db
def test_model_utils_tracker_still_holds_the_pre_save_values_in_post_save():
    row = make_row()
    seen = []

    def receiver(instance, **kwargs):
        seen.append(instance.tracker.changed())

    post_save.connect(receiver, sender=HealthcheckDefinition, dispatch_uid="test-tracker")
    try:
        row.name = "Renamed"
        row.save()
    finally:
        post_save.disconnect(dispatch_uid="test-tracker", sender=HealthcheckDefinition)
    assert seen == [{"name": "Status page"}]
    assert row.tracker.changed() == {}


@pytest.mark.django_db
def test_creating_a_row_schedules_one_push_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        make_row(key="adm-created")
    assert len(callbacks) == 1
    assert locmem.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), [("interval_seconds", 300), ("override_paused", True)])
def test_editing_a_pushed_field_or_the_override_layer_schedules_one_push(
    django_capture_on_commit_callbacks, field, value
):
    row = make_row()
    with django_capture_on_commit_callbacks() as callbacks:
        setattr(row, field, value)
        row.save()
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_bookkeeping_only_saves_do_not_push(django_capture_on_commit_callbacks):
    row = make_row()
    with django_capture_on_commit_callbacks() as callbacks:
        row.status = HealthcheckDefinition.STATUS.synced
        row.monitor_code = "abc123"
        row.last_error = "earlier failure"
        row.save()
    assert callbacks == []


@pytest.mark.django_db
def test_update_fields_limits_the_changes_to_the_written_columns(django_capture_on_commit_callbacks):
    row = make_row()
    with django_capture_on_commit_callbacks() as callbacks:
        row.name = "Not written by this save"
        row.status = HealthcheckDefinition.STATUS.failed
        row.save(update_fields=["status"])
    assert callbacks == []


@pytest.mark.django_db
def test_a_save_without_changes_does_not_push(django_capture_on_commit_callbacks):
    row = make_row()
    with django_capture_on_commit_callbacks() as callbacks:
        row.save()
    assert callbacks == []


@pytest.mark.django_db
def test_sync_on_save_false_does_not_push(settings, django_capture_on_commit_callbacks):
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "SYNC_ON_SAVE": False}
    row = make_row()
    with django_capture_on_commit_callbacks() as callbacks:
        row.name = "Renamed"
        row.save()
        make_row(key="adm-another")
    assert callbacks == []


@pytest.mark.django_db
def test_loaddata_raw_saves_do_not_push(tmp_path, django_capture_on_commit_callbacks):
    existing = make_row(key="adm-fixture1")
    fixture = tmp_path / "checks.json"
    rows = [
        {
            "model": "healthcheck_admin.healthcheckdefinition",
            "pk": existing.pk,
            "fields": {"key": "adm-fixture1", "name": "Changed by fixture", "url": "https://a.example.com/"},
        },
        {
            "model": "healthcheck_admin.healthcheckdefinition",
            "fields": {"key": "adm-fixture2", "name": "New from fixture", "url": "https://b.example.com/"},
        },
    ]
    fixture.write_text(json.dumps(rows))
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("loaddata", str(fixture), verbosity=0)
    assert callbacks == []
    assert HealthcheckDefinition.objects.get(key="adm-fixture1").name == "Changed by fixture"
    assert HealthcheckDefinition.objects.filter(key="adm-fixture2").exists()


@pytest.mark.django_db
def test_queryset_update_never_pushes(django_capture_on_commit_callbacks):
    row = make_row()
    with django_capture_on_commit_callbacks() as callbacks:
        HealthcheckDefinition.objects.filter(pk=row.pk).update(status="synced", monitor_code="x1")
    assert callbacks == []


# -- post_save: the push itself (after commit, in the background) ----------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_edit_pushes_exactly_that_row_after_commit():
    row = make_row(key="adm-edited")
    make_row(key="adm-untouched", url="https://other.example.com/")
    assert tasks.wait_for_background_pushes(timeout=10)
    locmem.reset()
    with transaction.atomic():
        row.name = "Edited"
        row.save()
        assert tasks.wait_for_background_pushes(timeout=10)
        assert locmem.outbox == [], "pushed before the commit"
    assert tasks.wait_for_background_pushes(timeout=10)
    assert sent_keys() == ["adm-edited"]
    assert locmem.outbox[0]["name"] == "Edited"
    row.refresh_from_db()
    assert row.status == HealthcheckDefinition.STATUS.synced
    assert row.monitor_code.startswith("mem")


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_edit_pushes_nothing():
    row = make_row(key="adm-rolled")
    assert tasks.wait_for_background_pushes(timeout=10)
    locmem.reset()
    with transaction.atomic():
        row.name = "Never committed"
        row.save()
        transaction.set_rollback(True)
    assert tasks.wait_for_background_pushes(timeout=10)
    assert locmem.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_push_runs_in_a_background_thread_without_a_tasks_framework(settings, caplog):
    if hasattr(settings, "TASKS"):
        del settings.TASKS
    caplog.set_level(logging.INFO, logger="healthcheck_admin.sync.tasks")
    with transaction.atomic():
        row = make_row(key="adm-thread")
    assert tasks.wait_for_background_pushes(timeout=10)
    assert sent_keys() == ["adm-thread"]
    [record] = [r for r in caplog.records if r.getMessage().startswith("Pushed 1 monitor(s)")]
    assert record.threadName == "healthcheck-admin-push"
    row.refresh_from_db()
    assert row.status == HealthcheckDefinition.STATUS.synced


def test_enqueue_push_of_no_keys_does_nothing():
    tasks.enqueue_push([])
    assert not [t for t in threading.enumerate() if t.name == "healthcheck-admin-push"]


@pytest.mark.django_db(transaction=True)
def test_a_failing_push_is_logged_not_raised(cronitor_settings, caplog):
    cronitor_settings.set_down(True)
    caplog.set_level(logging.INFO)
    with transaction.atomic():
        row = make_row(key="adm-down", headers={"Authorization": "Bearer s3cr3t-value"})
    assert tasks.wait_for_background_pushes(timeout=20)
    row.refresh_from_db()
    assert row.status == HealthcheckDefinition.STATUS.failed
    assert row.last_error
    assert cronitor_settings.requests, "the push never reached the API"
    assert cronitor_settings.api_key not in caplog.text
    assert "s3cr3t-value" not in caplog.text
