"""plan(): create / update (with a field diff) / unchanged / remove / delete, sending nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from healthcheck_admin.models import HealthcheckDefinition, Tombstone
from healthcheck_admin.sync.plan import counts, plan, summary
from healthcheck_admin.sync.service import push
from tests.sync_utils import SECRET_HEADER, healthchecks, make_row

pytestmark = pytest.mark.django_db


def actions() -> dict[str, str]:
    return {item.key: item.action for item in plan(refresh=False)}


def test_plan_sends_nothing_and_names_every_action(sync_api, settings):
    make_row("changed")
    make_row("same")
    make_row("removed", source="code")
    push()
    make_row("new")
    changed = HealthcheckDefinition.objects.get(key="changed")
    changed.interval_seconds = 600
    changed.note = "new note"
    changed.save()
    HealthcheckDefinition.objects.filter(key="removed").update(removed_at=timezone.now(), status="pending")
    Tombstone.objects.create(key="deleted")
    sync_api.requests.clear()

    items = {item.key: item for item in plan(refresh=False)}

    assert sync_api.requests == []
    assert {key: item.action for key, item in items.items()} == {
        "changed": "update",
        "same": "unchanged",
        "removed": "remove",
        "new": "create",
        "deleted": "remove",
    }
    assert items["changed"].diff == {
        "note": (None, "new note"),
        "schedule": ("every 60 seconds", "every 600 seconds"),
    }
    assert items["new"].diff["request.url"] == (None, "https://example.com/new/")
    listed = list(items.values())
    assert counts(listed) == {
        "create": 1,
        "update": 1,
        "adopt": 0,
        "conflict": 0,
        "unchanged": 1,
        "disabled": 0,
        "remove": 2,
        "delete": 0,
    }
    assert summary(listed) == "Plan: 1 to create, 1 to update, 1 unchanged, 2 to remove, 0 to delete."

    healthchecks(settings, ON_REMOVE="delete")
    assert actions()["removed"] == "delete"


def test_after_a_push_everything_is_unchanged(sync_api):
    make_row("a")
    make_row("b", headers={"Authorization": SECRET_HEADER})
    push()
    assert set(actions().values()) == {"unchanged"}


def test_a_failed_row_is_planned_again(sync_api):
    make_row("a")
    sync_api.reject_monitor("a", "nope")
    push()
    item = plan()[0]
    assert item.action == "create"
    assert "nope" in item.error


def test_a_changed_masked_header_shows_as_changed_without_its_value(sync_api):
    row = make_row("a", headers={"Authorization": SECRET_HEADER})
    push()
    row.refresh_from_db()
    row.headers = {"Authorization": "Bearer another-secret"}
    row.save()

    item = plan()[0]

    assert item.action == "update"
    text = repr(item.as_dict())
    assert "another-secret" not in text
    assert SECRET_HEADER not in text
    assert "request" in item.diff


def test_diff_values_are_masked(sync_api):
    row = make_row("a", headers={"Accept": "text/plain"})
    push()
    row.refresh_from_db()
    row.headers = {"Accept": "text/plain", "Authorization": SECRET_HEADER}
    row.save()

    item = plan()[0]

    assert item.diff == {
        "request.headers": ({"Accept": "text/plain"}, {"Accept": "text/plain", "Authorization": "********"})
    }


def test_a_row_without_host_is_planned_with_its_error(settings):
    healthchecks(settings, HOSTNAME=None)
    make_row("a", url="/x/")
    item = plan()[0]
    assert item.action == "create"
    assert "HEALTHCHECKS['HOSTNAME'] is not set" in item.error


def test_plan_of_selected_rows_skips_tombstones():
    make_row("a")
    Tombstone.objects.create(key="t")
    assert [i.key for i in plan(HealthcheckDefinition.objects.all())] == ["a"]


def test_a_done_removal_is_unchanged(sync_api):
    row = make_row("a", source="code")
    push()
    HealthcheckDefinition.objects.filter(pk=row.pk).update(removed_at=timezone.now(), status="pending")
    push()
    row.refresh_from_db()
    assert row.status == "removed"
    assert actions() == {"a": "unchanged"}
