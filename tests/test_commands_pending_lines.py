"""What ``plan``, ``push`` and ``drift`` print about removals, errors, notes and unverified
monitors, and their exit codes when Cronitor cannot be read or an option is bad.

Every test talks to the real emulator over loopback.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync.service import push
from tests.sync_utils import command, healthchecks, make_row

pytestmark = pytest.mark.django_db

OWN_TAG = "managed-by:healthcheck_admin:tests:test"


def ours(key: str, **fields: Any) -> dict[str, Any]:
    """A check monitor carrying this project's ownership tag."""
    return {
        "type": "check",
        "key": key,
        "request": {"url": f"https://example.com/{key}/"},
        "tags": [OWN_TAG],
        **fields,
    }


def failing(*args: str, **options: Any) -> tuple[int, str, str]:
    """Run a command that must fail: (exit code, message, stdout)."""
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("healthchecks", *args, stdout=out, stderr=StringIO(), **options)
    return raised.value.returncode, str(raised.value), out.getvalue()


# -- plan -----------------------------------------------------------------------------------------
def test_plan_marks_a_pending_deletion_as_needing_push_yes(sync_api, settings):
    healthchecks(settings, ON_REMOVE="delete", REFRESH=True)
    make_row("gone", source="code")  # not declared in tests/urls.py: the upsert marks it removed
    sync_api.add_monitors(ours("gone"))

    out, _ = command("plan")

    assert "- gone (delete) - needs 'push --yes'" in out
    assert "1 to delete" in out
    assert "gone" in sync_api.monitors


def test_plan_notes_a_removal_that_is_already_gone_from_cronitor(sync_api, settings):
    healthchecks(settings, REFRESH=True)
    make_row("vanished", source="code")

    out, _ = command("plan")

    assert "= vanished (unchanged)" in out
    assert "    note: already gone from Cronitor" in out


def test_plan_shows_the_last_error_of_a_row_under_it(sync_api, settings):
    healthchecks(settings, REFRESH=True)
    make_row("erred", last_error="Cronitor answered 400: bad assertion")

    out, _ = command("plan")

    lines = out.splitlines()
    at = lines.index("+ erred (create)")
    assert "    error: Cronitor answered 400: bad assertion" in lines[at:]


def test_plan_exits_1_when_cronitor_cannot_be_read_and_points_at_no_refresh(sync_api, settings):
    healthchecks(settings, REFRESH=True, MAX_RETRIES=0)
    make_row("unknown")
    sync_api.fail_next(500, method="GET")

    code, message, _ = failing("plan")

    assert code == 1
    assert "the plan is unknown (use --no-refresh to plan from the bookkeeping alone)" in message
    assert "Cronitor answered 500" in message
    out, _ = command("plan", "--no-refresh")
    assert "+ unknown (create)" in out


def test_a_backend_that_cannot_read_cronitor_plans_from_the_bookkeeping(settings):
    healthchecks(settings, BACKEND="healthcheck_admin.backends.dummy.DummyBackend", REFRESH=True)
    make_row("local-only")

    out, _ = command("plan")

    assert "+ local-only (create)" in out


def test_plan_without_refresh_names_a_row_pushed_before_accounts_were_recorded(sync_api):
    make_row("old-row")
    push()
    account = HealthcheckDefinition.objects.get(key="old-row").account
    assert account
    HealthcheckDefinition.objects.filter(key="old-row").update(account="")

    out, _ = command("plan", "--no-refresh")

    assert "~ old-row (update)" in out
    assert f"    account: '' -> {account!r}" in out
    assert HealthcheckDefinition.objects.get(key="old-row").account == ""  # the plan writes nothing


def test_plan_without_refresh_resends_a_row_whose_last_push_failed(sync_api):
    make_row("retry-me")
    push()
    HealthcheckDefinition.objects.filter(key="retry-me").update(status="failed")

    out, _ = command("plan", "--no-refresh")

    assert "~ retry-me (update)" in out
    assert "    status: 'failed' -> 'synced'" in out


# -- push -----------------------------------------------------------------------------------------
def test_push_dry_run_names_the_removal_it_would_make(sync_api, settings):
    healthchecks(settings, ON_REMOVE="pause")
    make_row("retired", source="code")
    sync_api.add_monitors(ours("retired"))

    out, _ = command("push", "--dry-run")

    assert "  would remove retired (ON_REMOVE='pause')" in out
    assert sync_api.monitors["retired"].get("paused") is not True
    assert sync_api.monitor_puts() == []


def test_push_refuses_a_bad_wait_with_exit_code_2_before_sending(sync_api):
    make_row("never-sent")

    code, message, _ = failing("push", "--verify", "--wait", "soon")

    assert code == 2
    assert "soon" in message
    assert sync_api.monitor_puts() == []
    assert HealthcheckDefinition.objects.get(key="never-sent").status != "synced"


def test_push_verify_exits_1_for_a_monitor_not_probed_within_the_wait(sync_api):
    make_row("unprobed")

    code, message, out = failing("push", "--verify", "--wait", "0")

    assert code == 1
    assert "changed monitor(s) not probed within --wait; they are unverified" in message
    assert "  unprobed: no probe result yet (configured, not verified)" in out
    assert HealthcheckDefinition.objects.get(key="unprobed").status == "synced"


# -- drift ----------------------------------------------------------------------------------------
def test_drift_text_names_monitors_missing_on_either_side_and_paused_orphans(sync_api):
    make_row("pushed-then-deleted")
    push()
    sync_api.dashboard_delete("pushed-then-deleted")
    sync_api.add_monitors(ours("stray"), ours("paused-orphan", paused=True))

    out, _ = command("drift")

    assert "? stray: on Cronitor with our tag, not in the table" in out
    assert "! pushed-then-deleted: pushed before, not on Cronitor (or untagged)" in out
    assert "  paused-orphan: paused on Cronitor, row deleted (ON_REMOVE pause)" in out
    assert "? paused-orphan" not in out


def test_drift_ignores_a_removed_row_still_on_cronitor(sync_api):
    make_row("being-removed", source="code")
    sync_api.add_monitors(ours("being-removed", name="Renamed on the dashboard"))

    out, _ = command("drift")

    assert "being-removed" not in out
    assert "0 changed, 0 missing locally, 0 missing remotely" in out


def test_drift_without_a_secret_compares_everything_but_headers_and_cookies(sync_api, monkeypatch):
    monkeypatch.setenv("HC_DRIFT_TOKEN", "drift-secret-value")
    make_row("with-secret", headers={"Authorization": "env:HC_DRIFT_TOKEN"})
    push()
    monkeypatch.delenv("HC_DRIFT_TOKEN")
    sync_api.dashboard_edit("with-secret", name="Renamed on the dashboard")

    out, _ = command("drift")

    assert "~ with-secret: name changed remotely" in out
    assert "request.headers" not in out
    assert "drift-secret-value" not in out


def test_plan_notes_a_changed_monitor_that_cronitor_holds_disabled(sync_api, settings):
    healthchecks(settings, REFRESH=True)
    row = make_row("held")
    push()
    sync_api.set_health("held", disabled=True)
    row.refresh_from_db()
    row.note = "changed in the admin"
    row.save()

    out, _ = command("plan")

    assert "~ held (update)" in out
    assert "    note: Cronitor holds this monitor disabled" in out
