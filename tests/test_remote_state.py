"""Issue 8: Cronitor's state is the truth. Refresh, three-way plan, adoption, accounts, ownership.

Every test talks to the real emulator over loopback (the ``sync_api`` fixture).
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from django.core.management.base import CommandError
from django.utils import timezone

from healthcheck_admin.backends.base import CronitorError
from healthcheck_admin.models import HealthcheckDefinition, HealthcheckEvent
from healthcheck_admin.sync.plan import plan
from healthcheck_admin.sync.refresh import read_remote
from healthcheck_admin.sync.service import push
from healthcheck_admin.testing import CronitorEmulator
from tests.sync_utils import command, healthchecks, make_row

pytestmark = pytest.mark.django_db

CONSOLE = "healthcheck_admin.backends.console.ConsoleBackend"
CRONITOR = "healthcheck_admin.backends.cronitor.CronitorBackend"
OWN_TAG = "managed-by:healthcheck_admin:tests:test"


def dashboard_monitor(key: str, **fields: Any) -> dict[str, Any]:
    """A monitor made by hand on the dashboard: no ownership tag."""
    return {
        "type": "check",
        "key": key,
        "name": f"Check {key}",
        "request": {"url": f"https://example.com/{key}/"},
        "assertions": ["response.code = 200"],
        **fields,
    }


def dashboard_edit(sync_api: CronitorEmulator, key: str, **fields: Any) -> None:
    """An edit made "on the dashboard": a single-monitor PUT."""
    response = requests.put(
        f"{sync_api.url}/monitors/{key}", json=fields, auth=(sync_api.api_key, ""), timeout=5
    )
    assert response.status_code == 200, response.text


def actions(**kwargs: Any) -> dict[str, str]:
    return {item.key: item.action for item in plan(refresh=True, **kwargs)}


def test_dashboard_settings_survive_adoption_and_the_second_plan_is_clean(sync_api):
    sync_api.add_monitors(
        dashboard_monitor("routes", notify=["ops-oncall"]),
        dashboard_monitor("paused", paused=True),
        dashboard_monitor("noted", note="call Ana before restarting"),
        dashboard_monitor("asserted", assertions=["response.time < 2s"]),
    )
    for key in ("routes", "paused", "noted"):
        make_row(key, source="code")
    make_row("asserted", source="code", assertions=[], name="Renamed in code")

    items = {item.key: item for item in plan(refresh=True)}

    assert {key: item.action for key, item in items.items()} == dict.fromkeys(items, "adopt")
    assert items["asserted"].diff["name"] == ("Check asserted", "Renamed in code")
    assert OWN_TAG in items["routes"].diff["tags"][1]

    report = push(refresh=True)

    assert sorted(report.synced) == ["asserted", "noted", "paused", "routes"]
    assert sync_api.monitors["routes"]["notify"] == ["ops-oncall"]
    assert sync_api.monitors["paused"]["paused"] is True
    assert sync_api.monitors["noted"]["note"] == "call Ana before restarting"
    assert sync_api.monitors["asserted"]["assertions"] == ["response.time < 2s"]
    assert sync_api.monitors["asserted"]["name"] == "Renamed in code"
    assert "notify" not in sync_api.sent_monitors()[0]
    assert actions() == dict.fromkeys(items, "unchanged")
    assert set(HealthcheckEvent.objects.filter(kind="adopt").values_list("key", flat=True)) == set(items)


def test_an_existing_monitor_never_shows_as_create(sync_api):
    sync_api.add_monitors(dashboard_monitor("same"))
    make_row("same", source="code")

    assert actions() == {"same": "adopt"}
    sync_api.requests.clear()
    report = push(refresh=True)

    # the remote copy already matches except for our ownership tag, which is added
    assert report.sent == 1
    assert OWN_TAG in sync_api.monitors["same"]["tags"]


def test_demo_on_the_console_then_a_real_key_makes_every_row_pending(sync_api, settings, capsys):
    healthchecks(settings, BACKEND=CONSOLE)
    make_row("a")
    make_row("b")
    push(refresh=True)  # the console cannot read Cronitor: the fast path
    demo = HealthcheckDefinition.objects.get(key="a")
    assert (demo.status, demo.monitor_code) == ("synced", "")  # no made-up code is stored
    assert demo.account.startswith("local:console:")

    healthchecks(settings, BACKEND=CRONITOR)
    assert actions() == {"a": "create", "b": "create"}
    assert {item.key: item.action for item in plan(refresh=False)} == {"a": "create", "b": "create"}

    report = push(refresh=True)

    assert sorted(report.synced) == ["a", "b"]
    assert sorted(sync_api.monitors) == ["a", "b"]
    real = HealthcheckDefinition.objects.get(key="a")
    assert real.monitor_code == sync_api.codes["a"]
    assert not real.account.startswith("local:")
    assert real.account != demo.account
    assert sync_api.api_key not in real.account


def test_the_console_never_overwrites_state_recorded_for_a_real_account(sync_api, settings, capsys):
    make_row("a")
    push(refresh=True)
    before = HealthcheckDefinition.objects.get(key="a")
    healthchecks(settings, BACKEND=CONSOLE)

    report = push(refresh=True)

    after = HealthcheckDefinition.objects.get(key="a")
    assert report.unrecorded == ["a"]
    assert (after.account, after.monitor_code, after.pushed_fingerprint) == (
        before.account,
        before.monitor_code,
        before.pushed_fingerprint,
    )


def test_a_changed_api_key_makes_rows_pending_without_all(sync_api, settings):
    make_row("a")
    push(refresh=False)
    assert push(refresh=False).sent == 0
    with CronitorEmulator(api_keys=("other-key",)) as other:
        healthchecks(settings, API_URL=other.url, API_KEY=other.api_key)
        assert [item.action for item in plan(refresh=False)] == ["create"]
        assert push(refresh=False).sent == 1
        assert "a" in other.monitors


def test_a_dashboard_edit_is_repaired_by_plain_push(sync_api):
    make_row("a", timeout_seconds=10)
    push(refresh=True)
    dashboard_edit(sync_api, "a", request={"timeout_seconds": 3})

    item = plan(refresh=True)[0]

    assert item.action == "update"
    assert item.diff == {"request.timeout_seconds": (3, 10)}
    assert item.sources == {"request.timeout_seconds": "dashboard"}
    push(refresh=True)
    assert sync_api.monitors["a"]["request"]["timeout_seconds"] == 10
    assert actions() == {"a": "unchanged"}


def test_a_change_from_code_is_named_as_such(sync_api):
    row = make_row("a")
    push(refresh=True)
    row.refresh_from_db()  # save() writes every column: edit the row as stored
    row.interval_seconds = 300
    row.save()

    item = plan(refresh=True)[0]

    assert item.diff == {"schedule": ("every 60 seconds", "every 300 seconds")}
    assert item.sources == {"schedule": "code"}


def test_a_conflict_goes_to_code_and_keeps_the_remote_value_in_history(sync_api, settings):
    healthchecks(settings, REFRESH=True)
    row = make_row("a", name="First")
    push(refresh=True)
    dashboard_edit(sync_api, "a", name="Dashboard name")
    row.refresh_from_db()
    row.name = "Code name"
    row.save()

    item = plan(refresh=True)[0]

    assert item.action == "conflict"
    assert item.sources == {"name": "both"}
    out, _ = command("plan")
    assert "CONFLICT" in out
    assert "code wins" in out
    push(refresh=True)
    assert sync_api.monitors["a"]["name"] == "Code name"
    event = HealthcheckEvent.objects.get(kind="conflict")
    assert (event.key, event.detail["remote"], event.detail["code"]) == ("a", "Dashboard name", "Code name")
    assert event.definition == row


def test_tags_added_on_the_dashboard_are_kept(sync_api):
    make_row("a", tags=["web"])
    push(refresh=True)
    tags = sync_api.monitors["a"]["tags"]
    dashboard_edit(sync_api, "a", tags=[*tags, "team:payments"])

    assert actions() == {"a": "unchanged"}


def test_a_cleared_field_is_sent_cleared_once(sync_api):
    row = make_row("a", note="from code")
    push(refresh=True)
    row.refresh_from_db()
    row.note = ""
    row.save()

    push(refresh=True)

    assert sync_api.sent_monitors()[-1]["note"] == ""
    assert sync_api.monitors["a"]["note"] == ""
    assert actions() == {"a": "unchanged"}


def test_a_monitor_whose_ownership_tag_was_removed_is_left_alone(sync_api, settings):
    healthchecks(settings, REFRESH=True)
    make_row("a", source="code")
    push(refresh=True)
    dashboard_edit(sync_api, "a", tags=["someone-else"])
    HealthcheckDefinition.objects.filter(key="a").update(removed_at=timezone.now(), status="pending")

    assert "not ours" in plan(refresh=True)[0].note
    out, _ = command("push", "-v", "2")

    assert sync_api.monitors["a"]["paused"] is False
    assert "not ours, left alone" in out
    event = HealthcheckEvent.objects.get(kind="left_alone")
    assert OWN_TAG in event.message


def test_pause_writes_history(sync_api):
    make_row("a", source="code")
    push(refresh=True)
    HealthcheckDefinition.objects.filter(key="a").update(removed_at=timezone.now(), status="pending")

    push(refresh=True)

    assert sync_api.monitors["a"]["paused"] is True
    assert HealthcheckEvent.objects.filter(kind="pause", key="a").count() == 1


def test_a_failed_refresh_is_an_error_never_nothing_there(sync_api, settings):
    healthchecks(settings, REFRESH=True)
    make_row("a")
    sync_api.fail_next(500, times=50, method="GET")

    with pytest.raises(CronitorError, match="cannot read the monitors"):
        plan(refresh=True)
    report = push(refresh=True)
    assert report.error is not None
    assert not report.ok
    assert sync_api.monitor_puts() == []
    with pytest.raises(CommandError, match="cannot read Cronitor, nothing was sent"):
        command("push")


def test_refresh_sends_one_request_per_page(settings, db):
    with CronitorEmulator(page_size=50) as emulator:
        healthchecks(
            settings, BACKEND=CRONITOR, API_URL=emulator.url, API_KEY=emulator.api_key, SYNC_ON_SAVE=False
        )
        emulator.add_monitors(*(dashboard_monitor(f"m{n:03d}", tags=[OWN_TAG]) for n in range(120)))
        from healthcheck_admin.backends import get_backend

        with get_backend() as backend:
            state = read_remote(backend, [])

        assert len(state.monitors) == 120
        assert state.requests == 3
        assert [r.query.get("page") for r in emulator.requests_to("GET")] == ["1", "2", "3"]


def test_a_lookalike_remote_monitor_suggests_legacy_keys_or_import(sync_api):
    sync_api.add_monitors(dashboard_monitor("old-legacy-key", request={"url": "https://example.com/a/"}))
    make_row("a")

    item = plan(refresh=True)[0]

    assert item.action == "create"
    assert "'old-legacy-key'" in item.note
    assert "KEY_STRATEGY" in item.note
    assert "import" in item.note
