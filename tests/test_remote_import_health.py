"""Issue 8: import and adopt, quota, health read-back, periodic refresh.

Every test talks to the real emulator over loopback.
"""

from __future__ import annotations

import json

import pytest
from django.core.management.base import CommandError

from healthcheck_admin.forms import HealthcheckDefinitionForm
from healthcheck_admin.models import HealthcheckDefinition, HealthcheckEvent
from healthcheck_admin.sync.plan import plan
from healthcheck_admin.sync.refresh import DISABLED_MESSAGE, refresh
from healthcheck_admin.sync.service import push, push_keys
from healthcheck_admin.sync.tasks import schedule_refresh
from healthcheck_admin.testing import CronitorEmulator
from tests.sync_utils import ADMIN_FORM, command, dashboard_monitor, healthchecks, make_row, use


def _fresh(row: HealthcheckDefinition) -> HealthcheckDefinition:
    row.refresh_from_db()
    return row


pytestmark = pytest.mark.django_db


OWN_TAG = "managed-by:healthcheck_admin:tests:test"


def test_import_all_turns_50_dashboard_monitors_into_rows_and_the_next_push_sends_none(sync_api, settings):
    healthchecks(settings, REFRESH=True)
    sync_api.add_monitors(
        *(dashboard_monitor(f"dash-{n:02d}", notify=["ops"], tags=["team:web"]) for n in range(50))
    )

    out, _ = command("import", "--all")

    assert "imported 50" in out
    rows = HealthcheckDefinition.objects.filter(key__startswith="dash-")
    assert rows.count() == 50
    row = rows.get(key="dash-07")
    assert (row.source, row.status, row.monitor_code) == ("admin", "synced", sync_api.codes["dash-07"])
    assert (row.interval_seconds, row.timeout_seconds, row.notify) == (300, 7, ["ops"])
    assert sync_api.monitors["dash-07"]["tags"] == ["team:web", OWN_TAG] or set(
        sync_api.monitors["dash-07"]["tags"]
    ) == {
        "team:web",
        OWN_TAG,
    }
    assert HealthcheckEvent.objects.filter(kind="import").count() == 50
    sync_api.requests.clear()

    report = push(rows=rows)  # (the code checks of tests/urls.py, upserted by the command, are new)
    report_fast = push(rows=rows, refresh=False)

    assert (report.sent, report_fast.sent, report.skipped) == (0, 0, 50)
    assert sync_api.monitor_puts() == []
    assert all(item.action == "unchanged" for item in plan(rows=rows))


def test_import_dry_run_changes_nothing_and_usage_is_checked(sync_api):
    sync_api.add_monitors(dashboard_monitor("dash"))

    out, _ = command("import", "--key", "dash", "--dry-run")

    assert "would import 1" in out
    assert not HealthcheckDefinition.objects.filter(key="dash").exists()
    assert sync_api.monitor_puts() == []
    with pytest.raises(CommandError, match="--key K"):
        command("import")
    with pytest.raises(CommandError, match="not imported"):
        command("import", "--key", "no-such-key")


def test_import_adopts_a_code_row_offering_dashboard_settings_as_overrides(sync_api, settings):
    healthchecks(settings, REFRESH=True)
    sync_api.add_monitors(dashboard_monitor("coded", notify=["pager"], note="ask Ana", paused=True))
    make_row("coded", source="code", url="https://example.com/coded/")

    out, _ = command("import", "--key", "coded")

    row = HealthcheckDefinition.objects.get(key="coded")
    assert "adopted 1" in out
    assert (row.override_notify, row.override_note, row.override_paused) == (["pager"], "ask Ana", True)
    assert HealthcheckEvent.objects.get(kind="adopt").key == "coded"
    push()
    doc = sync_api.monitors["coded"]
    assert (doc["notify"], doc["note"], doc["paused"]) == (["pager"], "ask Ana", True)


def test_an_admin_row_may_not_take_over_someone_elses_monitor_unless_adopted(sync_api, settings):
    healthchecks(settings, REFRESH=True)
    sync_api.add_monitors(dashboard_monitor("theirs", note="ops note"))
    before = len(sync_api.requests)

    form = HealthcheckDefinitionForm(data=ADMIN_FORM)  # the form does not ask Cronitor
    assert form.is_valid(), form.errors
    form.save()
    assert len(sync_api.requests) == before

    push_keys(["theirs"])  # what the save's task runs: it refreshes first, since the row was never pushed

    row = _fresh(HealthcheckDefinition.objects.get(key="theirs"))
    assert row.status == "failed"
    assert "a monitor with the key 'theirs' already exists on Cronitor" in row.last_error
    assert "not managed by this project; tick 'adopt" in row.last_error
    assert sync_api.monitor_puts() == []
    assert sync_api.monitors["theirs"]["name"] == "Dashboard theirs"
    assert [item.error for item in plan(rows=HealthcheckDefinition.objects.filter(key="theirs"))] == [
        row.last_error
    ]

    row.adopt_remote = True
    row.save()
    report = push_keys(["theirs"], refresh=True)

    assert report.synced == ["theirs"]
    doc = sync_api.monitors["theirs"]
    assert (doc["name"], doc["note"]) == ("Mine", "ops note")  # taken over, dashboard-only field kept
    assert OWN_TAG in doc["tags"]


def test_an_admin_row_whose_key_is_free_or_ours_is_pushed_without_adopting(sync_api, settings):
    healthchecks(settings, REFRESH=True)
    sync_api.add_monitors(dashboard_monitor("ours", tags=[OWN_TAG]))
    for key in ("ours", "brand-new"):
        form = HealthcheckDefinitionForm(data={**ADMIN_FORM, "key": key})
        assert form.is_valid(), form.errors
        form.save()

    report = push_keys(["ours", "brand-new"])

    assert sorted(report.synced) == ["brand-new", "ours"]
    assert sync_api.monitors["ours"]["name"] == "Mine"


def test_over_the_quota_rows_show_disabled_with_a_clear_message(settings, db):
    with CronitorEmulator(monitor_quota=2) as emulator:
        use(settings, emulator, REFRESH=True)
        for n in range(3):
            make_row(f"q{n}")

        push()

        statuses = dict(HealthcheckDefinition.objects.values_list("key", "status"))
        disabled = [key for key, status in statuses.items() if status == "disabled"]
        assert len(disabled) == 1
        row = HealthcheckDefinition.objects.get(key=disabled[0])
        assert "saved this monitor disabled" in row.last_error
        assert "monitor limit" in row.last_error
        refresh()
        assert _fresh(row).health == "disabled"
        out, _ = command("list")
        assert "saved this monitor disabled" in out
        listed = {item["key"]: item for item in json.loads(command("list", "--json")[0])}
        assert (listed[row.key]["status"], listed[row.key]["health"]) == ("disabled", "disabled")
        assert "disabled" in plan_action(row.key)


def plan_action(key: str) -> str:
    return next(item.action for item in plan(refresh=True) if item.key == key)


def test_refresh_disables_a_synced_row_that_cronitor_holds_disabled(sync_api):
    row = make_row("a")
    push()
    sync_api.set_health("a", disabled=True)

    refresh()

    row.refresh_from_db()
    assert (row.status, row.health, row.last_error) == ("disabled", "disabled", DISABLED_MESSAGE)
    sync_api.set_health("a", disabled=False)
    refresh()
    assert _fresh(row).status == "synced"


def test_a_failing_monitor_shows_failing_after_refresh_in_list_and_the_failing_queryset(sync_api):
    make_row("up")
    make_row("down")
    push()
    sync_api.probe("up", passing=True)
    sync_api.probe("down", passing=False, message="HTTP 503")

    out, _ = command("refresh")

    assert "1 passing, 1 failing" in out
    down = HealthcheckDefinition.objects.get(key="down")
    assert down.health == "failing"
    assert "HTTP 503" in down.health_event
    assert down.health_event_at is not None
    assert down.health_read_at is not None
    assert list(HealthcheckDefinition.objects.filter(health="failing").values_list("key", flat=True)) == [
        "down"
    ]
    listed = {item["key"]: item for item in json.loads(command("list", "--json")[0])}
    assert (listed["down"]["health"], listed["up"]["health"]) == ("failing", "passing")


def test_a_failed_refresh_stores_nothing(sync_api):
    row = make_row("a")
    push()
    sync_api.fail_next(500, times=50, method="GET")

    with pytest.raises(CommandError, match="refresh failed, nothing stored"):
        command("refresh")
    assert _fresh(row).health_read_at is None


def test_periodic_refresh_is_off_without_the_setting_or_a_tasks_backend(settings):
    assert schedule_refresh() is False
    healthchecks(settings, REFRESH_EVERY_SECONDS=300)
    assert schedule_refresh() is False  # no TASKS configured: nothing to enqueue on
