"""An honest model: save() saves what it was given; bookkeeping goes through named, batched methods."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models.signals import pre_save
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from healthcheck_admin.models import SYNC_FIELDS, HealthcheckDefinition
from tests.utils import admin_form

STATUS = HealthcheckDefinition.STATUS
AT = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
#: A value for every sync column, none of them its default.
SYNC_VALUES = {
    "monitor_code": "abc123",
    "status": STATUS.failed,
    "last_pushed_at": AT,
    "last_error": "Cronitor said no",
    "pushed_fingerprint": "f" * 64,
    "pushed_payload": {"key": "adm-honest", "type": "check"},
    "account": "cronitor:acct",
    "lease_expires_at": AT,
    "remote_payload": {"key": "adm-honest", "paused": True},
    "health": HealthcheckDefinition.HEALTH.failing,
    "health_event": "alert",
    "health_event_at": AT,
    "health_read_at": AT,
}


def make_row(key: str = "adm-honest", **values) -> HealthcheckDefinition:
    return HealthcheckDefinition.objects.create(key=key, url="https://status.example.com/", **values)


def test_every_sync_column_has_a_value_in_this_test():
    assert set(SYNC_VALUES) == set(SYNC_FIELDS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SYNC_VALUES))
def test_a_plain_save_saves_each_sync_column_it_was_given(name):
    row = make_row()
    setattr(row, name, SYNC_VALUES[name])
    row.save()
    row.refresh_from_db()
    assert getattr(row, name) == SYNC_VALUES[name]


@pytest.mark.django_db
def test_a_plain_save_saves_every_field_it_was_given():
    row = make_row()
    for name, value in SYNC_VALUES.items():
        setattr(row, name, value)
    row.name, row.note = "Renamed", "a note"
    row.save()
    row.refresh_from_db()
    assert {name: getattr(row, name) for name in SYNC_VALUES} == SYNC_VALUES
    assert (row.name, row.note) == ("Renamed", "a note")


@pytest.mark.django_db
def test_an_edit_of_a_pushed_field_makes_a_synced_row_pending_with_a_new_revision():
    row = make_row()
    HealthcheckDefinition.objects.record_synced([row], [{"monitor_code": "c1"}])
    row.refresh_from_db()
    assert row.status == STATUS.synced
    revision = row.revision
    row.note = "changed"
    row.save()
    row.refresh_from_db()
    assert row.status == STATUS.pending
    assert row.revision != revision


@pytest.mark.django_db
def test_record_writes_a_batch_in_a_constant_number_of_statements():
    rows = [make_row(f"adm-batch-{n:03d}") for n in range(120)]
    with CaptureQueriesContext(connection) as few:
        written = HealthcheckDefinition.objects.record_synced(rows[:3], [{"monitor_code": "a"}] * 3)
    with CaptureQueriesContext(connection) as many:
        written |= HealthcheckDefinition.objects.record_failed(rows[3:], [f"e{n}" for n in range(117)])
    assert written == {row.pk for row in rows}
    assert len(many.captured_queries) == len(few.captured_queries)
    by_key = {row.key: row for row in HealthcheckDefinition.objects.all()}
    assert by_key["adm-batch-000"].status == STATUS.synced
    assert by_key["adm-batch-000"].monitor_code == "a"
    assert (by_key["adm-batch-119"].status, by_key["adm-batch-119"].last_error) == (STATUS.failed, "e116")


@pytest.mark.django_db
def test_record_leaves_a_row_edited_since_it_was_read_and_says_so():
    stale, fresh = make_row("adm-stale"), make_row("adm-fresh")
    HealthcheckDefinition.objects.filter(pk=stale.pk).update(revision="edited-meanwhile", note="edit")
    written = HealthcheckDefinition.objects.record_synced([stale, fresh], [{"monitor_code": "s"}] * 2)
    assert written == {fresh.pk}
    stale.refresh_from_db()
    assert (stale.monitor_code, stale.status, stale.note) == ("", STATUS.pending, "edit")


@pytest.mark.django_db
def test_a_claim_shows_pushing_and_becomes_claimable_again_once_its_lease_ran_out():
    row = make_row()
    assert HealthcheckDefinition.objects.claim([row]) == {row.pk}
    row.refresh_from_db()
    assert row.status == STATUS.pushing
    assert row.lease_expires_at is not None
    assert row.lease_expires_at > timezone.now()
    assert not HealthcheckDefinition.objects.claimable().exists()
    HealthcheckDefinition.objects.filter(pk=row.pk).update(lease_expires_at=timezone.now())
    assert list(HealthcheckDefinition.objects.claimable()) == [row]


@pytest.mark.django_db
def test_the_admin_writes_only_the_fields_its_form_changed_never_the_sync_columns(client):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    row = make_row(key="adm-new", name="New check", tags=["ops"], headers={"Accept": "application/json"})
    url = reverse("admin:healthcheck_admin_healthcheckdefinition_change", args=[row.pk])

    def push_lands_meanwhile(sender, instance, **kwargs):
        # A background push records its outcome after the admin read the row, before it saves.
        current = HealthcheckDefinition.objects.get(pk=instance.pk)
        HealthcheckDefinition.objects.record_synced([current], [{"monitor_code": "pushed-code"}])

    pre_save.connect(push_lands_meanwhile, sender=HealthcheckDefinition, dispatch_uid="test-push-lands")
    try:
        response = client.post(url, admin_form(name="Renamed", assertions="[]"))
    finally:
        pre_save.disconnect(dispatch_uid="test-push-lands", sender=HealthcheckDefinition)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.name == "Renamed"
    assert row.monitor_code == "pushed-code", "the admin wrote its stale copy of the sync columns"
    assert row.status == STATUS.pending, "the edit is not pushed yet"
