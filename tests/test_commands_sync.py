"""``manage.py healthchecks list|plan|push|drift``: output, --json and exit codes, over real HTTP."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync.service import push
from tests.sync_utils import command, healthchecks, make_row, make_rows

pytestmark = pytest.mark.django_db

STATUS = HealthcheckDefinition.STATUS


def OURS(key: str) -> dict[str, Any]:
    tags = ["managed-by:healthcheck_admin:tests:test"]
    return {"type": "check", "key": key, "request": {"url": "https://example.com/"}, "tags": tags}


def exit_code(*args: str) -> tuple[int, str]:
    with pytest.raises(CommandError) as raised:
        command(*args)
    return raised.value.returncode, str(raised.value)


# -- list -----------------------------------------------------------------------------------------
def test_list_upserts_the_code_checks_then_prints_one_row_each(sync_api):
    make_row("admin-row", method="POST", body="{}")

    out, _ = command("list")

    lines = out.splitlines()
    keys = sorted(HealthcheckDefinition.objects.values_list("key", flat=True))
    assert len(keys) > 1  # the code checks of tests/urls.py were upserted
    assert lines[0].split() == ["HEALTH", "KEY", "SOURCE", "METHOD", "URL", "STATUS"]
    assert len(lines) == len(keys) + 2
    row_line = next(line for line in lines if " admin-row " in line)
    assert row_line.split() == [
        "unknown",
        "admin-row",
        "admin",
        "POST",
        "https://example.com/admin-row/",
        "pending",
    ]
    assert lines[-1] == f"{len(keys)} checks"


def test_list_json_is_a_list_of_objects(sync_api):
    make_row("a")
    out, _ = command("list", "--json")
    data = json.loads(out)
    row = next(item for item in data if item["key"] == "a")
    assert row == {
        "health": "unknown",
        "health_event": "",
        "health_event_at": None,
        "health_read_at": None,
        "key": "a",
        "source": "admin",
        "method": "GET",
        "url": "https://example.com/a/",
        "status": "pending",
        "monitor_code": "",
        "last_error": "",
    }
    assert any(item["source"] == "code" for item in data)


def test_list_marks_removals_that_are_due(sync_api):
    make_row("old", source="code")
    out, _ = command("list", "--json")
    assert {i["key"]: i["status"] for i in json.loads(out)}["old"] == "pending (removal due)"


# -- plan -----------------------------------------------------------------------------------------
def test_plan_shows_actions_and_diffs_and_sends_nothing(sync_api):
    command("push")
    row = HealthcheckDefinition.objects.get(key="test.index")
    row.override_note = "on call: ops"
    row.save()
    make_row("brand-new")
    sync_api.requests.clear()

    out, _ = command("plan")

    assert sync_api.requests == []
    assert "~ test.index (update)" in out
    assert "    note: None -> 'on call: ops'" in out
    assert "+ brand-new (create)" in out
    assert "(unchanged)" not in out  # only at -v 2
    assert out.splitlines()[-1].startswith("Plan: 1 to create, 1 to update,")
    assert "(unchanged)" in command("plan", verbosity=2)[0]


def test_plan_exit_code_is_2_when_changes_are_pending_and_0_after_a_push(sync_api):
    make_row("a")
    code, message = exit_code("plan", "--exit-code")
    assert code == 2
    assert "changes are pending" in message

    command("push")
    out, _ = command("plan", "--exit-code")
    assert "0 to create, 0 to update" in out


def test_plan_json(sync_api):
    command("push")
    make_row("a")
    out, _ = command("plan", "--json")
    data = json.loads(out)
    item = next(i for i in data["items"] if i["key"] == "a")
    assert item["action"] == "create"
    assert item["diff"]["request.url"] == [None, "https://example.com/a/"]
    assert data["counts"]["create"] == 1
    assert "validation" not in data


def test_plan_validate_uses_rollback_and_fails_on_invalid_monitors(sync_api):
    make_row("good")
    make_row("bad")
    sync_api.reject_monitor("bad", "not on my watch")

    code, message = exit_code("plan", "--validate")

    assert code == 1
    assert "1 monitor(s) failed validation" in message
    assert all(r.json["rollback"] is True for r in sync_api.monitor_puts())
    assert sync_api.monitors == {}
    assert HealthcheckDefinition.objects.get(key="good").status == STATUS.pending


def test_plan_validate_json_reports_valid_and_invalid(sync_api):
    make_row("bad")
    sync_api.reject_monitor("bad", "nope")
    with pytest.raises(CommandError):
        command("plan", "--validate", "--json")
    sync_api.clear_faults()
    out, _ = command("plan", "--validate", "--json")
    assert "bad" in json.loads(out)["validation"]["valid"]


# -- push -----------------------------------------------------------------------------------------
def test_push_prints_a_summary_and_pushes_nothing_the_second_time(sync_api):
    make_row("a")
    out, _ = command("push")
    total = HealthcheckDefinition.objects.count()
    traffic = f"({total} monitors in 1 request)"
    assert out.splitlines()[-1] == f"{total} synced, 0 failed, 0 unchanged, 0 removed {traffic}"

    out, _ = command("push")
    traffic = "(0 monitors in 0 requests)"
    assert out.splitlines()[-1] == f"0 synced, 0 failed, {total} unchanged, 0 removed {traffic}"


def test_push_all_resends_everything(sync_api):
    command("push")
    sync_api.requests.clear()
    _out, _ = command("push", "--all")
    assert len(sync_api.sent_monitors()) == HealthcheckDefinition.objects.count()


def test_push_exits_1_when_a_row_fails_and_names_it(sync_api):
    make_row("bad")
    sync_api.reject_monitor("bad", "broken monitor")
    with pytest.raises(CommandError) as raised:
        command("push")
    assert raised.value.returncode == 1
    assert "1 check(s) failed to push" in str(raised.value)
    assert HealthcheckDefinition.objects.get(key="bad").status == STATUS.failed


def test_push_failure_lines_go_to_stdout(sync_api):
    make_row("bad")
    sync_api.reject_monitor("bad", "broken monitor")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("healthchecks", "push", stdout=out)
    assert "  failed bad: Cronitor rejected the monitor: key: broken monitor" in out.getvalue()


def test_push_dry_run_sends_nothing(sync_api):
    make_row("a")
    out, _ = command("push", "--dry-run")
    assert sync_api.requests == []
    assert "  would send a" in out
    assert "nothing sent" in out.splitlines()[-1]
    assert HealthcheckDefinition.objects.get(key="a").status == STATUS.pending


def test_push_shows_progress_on_long_runs(sync_api, settings):
    healthchecks(settings, BATCH_SIZE=10)
    make_rows(25)
    out, _ = command("push")
    total = HealthcheckDefinition.objects.count()
    progress = [line for line in out.splitlines() if line.startswith("  sent ")]
    assert progress[-1] == f"  sent {total}/{total} monitors"
    assert len(progress) == -(-total // 10)
    assert command("push", verbosity=0)[0].count("  sent ") == 0


def test_push_yes_confirms_deletions(sync_api, settings):
    healthchecks(settings, ON_REMOVE="delete")
    make_row("gone", source="code")  # not declared in tests/urls.py: the upsert marks it removed
    sync_api.add_monitors(OURS("gone"))

    out, _ = command("push")
    assert "gone: deletion pending; run 'push --yes' to delete it" in out
    assert "gone" in sync_api.monitors

    out, _ = command("push", "--yes", verbosity=2)
    assert "  removed gone" in out
    assert "gone" not in sync_api.monitors


# -- drift ----------------------------------------------------------------------------------------
def test_drift_reports_and_exit_code(sync_api):
    command("push")
    out, _ = command("drift", "--exit-code")
    assert "0 changed, 0 missing locally, 0 missing remotely" in out

    with sync_api.lock:
        sync_api.monitors["test.index"]["request"]["timeout_seconds"] = 3
    out, _ = command("drift")
    assert "~ test.index: request.timeout_seconds changed remotely" in out
    code, message = exit_code("drift", "--exit-code")
    assert code == 2
    assert "drift found" in message


def test_drift_json(sync_api):
    push()
    sync_api.add_monitors(OURS("stray"))
    out, _ = command("drift", "--json")
    data = json.loads(out)
    assert data["missing_locally"] == ["stray"]
    assert data["drift"] is True


def test_drift_exits_1_when_the_list_fails(sync_api, settings):
    healthchecks(settings, MAX_RETRIES=0)
    sync_api.fail_next(500, method="GET")
    code, message = exit_code("drift")
    assert code == 1
    assert "cannot list the monitors on Cronitor, so drift is unknown" in message
    assert "Cronitor answered 500" in message
