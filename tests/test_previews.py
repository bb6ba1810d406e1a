"""Preview environments that expire: the ``expires:`` tag, and ``prune --expired`` from another environment.

Every test talks to the Cronitor emulator over real HTTP. An expiry in the past comes from a first
push recorded long ago (the ``RegistryState`` row a real first push writes), not from patched time.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.management.base import CommandError
from django.utils import timezone

from healthcheck_admin import expiry
from healthcheck_admin.models import HealthcheckDefinition, HealthcheckEvent, RegistryState, Tombstone
from healthcheck_admin.sync.service import push
from healthcheck_admin.upsert import sync_code_checks
from tests.sync_utils import command, dashboard_monitor, healthchecks

pytestmark = pytest.mark.django_db

OTHER_PROJECT = "managed-by:healthcheck_admin:another-project:pr-9"


def started(environment: str, days_ago: int) -> None:
    """Record ``environment``'s first push ``days_ago`` days back (what a push that long ago wrote)."""
    at = timezone.now() - dt.timedelta(days=days_ago)
    RegistryState.objects.update_or_create(
        name=f"expiry-start:{environment}", defaults={"value": at.isoformat()}
    )


def deploy(settings: Any, environment: str, **values: Any) -> list[str]:
    """A fresh deployment of the same code (its own table) that pushes its code checks; its keys."""
    HealthcheckDefinition.objects.all().delete()
    Tombstone.objects.all().delete()
    healthchecks(settings, **{"ENVIRONMENT": environment, "EXPIRES_AFTER": None, **values})
    sync_code_checks()
    report = push()
    assert report.ok, report.failed
    return list(HealthcheckDefinition.objects.values_list("key", flat=True))


def expires_tags(doc: dict[str, Any]) -> list[str]:
    return [tag for tag in doc["tags"] if tag.startswith("expires:")]


def test_each_pushed_monitor_carries_the_expiry_date_of_the_first_push(sync_api, settings):
    keys = deploy(settings, "pr-123", EXPIRES_AFTER="3d")

    expected = f"expires:{(timezone.now() + dt.timedelta(days=3)).astimezone(dt.timezone.utc).date()}"
    assert keys
    assert {tuple(expires_tags(sync_api.monitors[key])) for key in keys} == {(expected,)}
    assert RegistryState.objects.filter(name="expiry-start:pr-123").exists()


def test_the_date_comes_from_the_recorded_first_push_not_from_today(sync_api, settings):
    started("pr-7", days_ago=2)
    keys = deploy(settings, "pr-7", EXPIRES_AFTER="3d")

    tomorrow = (timezone.now() + dt.timedelta(days=1)).astimezone(dt.timezone.utc).date()
    assert expires_tags(sync_api.monitors[keys[0]]) == [f"expires:{tomorrow}"]


@pytest.mark.parametrize("refresh", [False, True])
def test_an_unchanged_deploy_sends_nothing(sync_api, settings, refresh):
    deploy(settings, "pr-5", EXPIRES_AFTER="3d", REFRESH=refresh)
    puts = len(sync_api.monitor_puts())
    expiry.forget()  # a new process: the start is read back from the table

    report = push()

    assert report.ok
    assert report.sent == 0
    assert len(sync_api.monitor_puts()) == puts


def test_without_expires_after_no_expiry_tag_and_no_state(sync_api, settings):
    keys = deploy(settings, "staging")
    assert expires_tags(sync_api.monitors[keys[0]]) == []
    assert not RegistryState.objects.filter(name__startswith="expiry-start:").exists()


@pytest.fixture
def previews(sync_api, settings) -> dict[str, list[str]]:
    """Monitors of several environments and owners on the emulator; then ``production`` runs the prune."""
    started("pr-1", days_ago=10)
    world = {
        "expired": deploy(settings, "pr-1", EXPIRES_AFTER="2d"),
        "unexpired": deploy(settings, "pr-2", EXPIRES_AFTER="3d"),
        "no-expiry": deploy(settings, "staging"),
    }
    sync_api.add_monitors(
        dashboard_monitor("theirs-expired", tags=[OTHER_PROJECT, "expires:2020-01-01"]),
        dashboard_monitor("hand-made-expired", tags=["expires:2020-01-01"]),
    )
    world["not-ours"] = ["theirs-expired", "hand-made-expired"]
    HealthcheckDefinition.objects.all().delete()  # production's own table knows none of them
    healthchecks(settings, ENVIRONMENT="production", EXPIRES_AFTER=None)
    return world


def snapshot(emulator: Any, keys: list[str]) -> dict[str, dict[str, Any]]:
    return {key: json.loads(json.dumps(emulator.monitors[key])) for key in keys}


def test_prune_from_another_environment_pauses_the_expired_previews(previews, sync_api):
    expired = previews["expired"]
    assert expired
    assert not any(sync_api.monitors[key].get("paused") for key in expired)

    out, _ = command("prune", "--expired")

    assert all(sync_api.monitors[key]["paused"] is True for key in expired)
    assert set(sync_api.monitors) >= set(expired)  # paused (ON_REMOVE="pause"), not deleted
    assert f"{len(expired)} expired monitor(s) were paused" in out
    events = HealthcheckEvent.objects.filter(kind="pause")
    assert sorted(events.values_list("key", flat=True)) == sorted(expired)


@pytest.mark.parametrize("case", ["unexpired", "no-expiry", "not-ours"])
def test_prune_never_touches_other_monitors(previews, sync_api, case):
    keys = previews[case]
    assert keys
    before = snapshot(sync_api, keys)

    command("prune", "--expired")

    assert snapshot(sync_api, keys) == before
    assert not HealthcheckEvent.objects.filter(key__in=keys).exists()


def test_dry_run_lists_the_expired_monitors_and_changes_nothing(previews, sync_api):
    everything = list(sync_api.monitors)
    before = snapshot(sync_api, everything)

    out, _ = command("prune", "--expired", "--dry-run", "--json")

    report = json.loads(out)
    assert sorted(report["expired"]) == sorted(previews["expired"])
    assert report["dry_run"] is True
    assert snapshot(sync_api, everything) == before
    assert sync_api.requests_to("GET", "/api/monitors/") == []  # no pause request
    assert not HealthcheckEvent.objects.exists()


def test_a_second_prune_sends_no_pause(previews, sync_api):
    command("prune", "--expired")
    pauses = len(sync_api.requests_to("GET", "/api/monitors/"))

    out, _ = command("prune", "--expired", verbosity=2)

    assert len(sync_api.requests_to("GET", "/api/monitors/")) == pauses
    assert "0 expired monitor(s) were paused" in out
    assert f"{len(previews['expired'])} already paused" in out


def test_on_remove_delete_waits_for_yes_then_deletes_only_the_expired(previews, sync_api, settings):
    healthchecks(settings, ON_REMOVE="delete")
    others = [*previews["unexpired"], *previews["no-expiry"], *previews["not-ours"]]

    out, _ = command("prune", "--expired")
    assert set(previews["expired"]) <= set(sync_api.monitors)
    assert "deletion waits for --yes" in out

    command("prune", "--expired", "--yes")
    assert not set(previews["expired"]) & set(sync_api.monitors)
    assert set(others) <= set(sync_api.monitors)


def test_a_listing_that_fails_prunes_nothing(previews, sync_api):
    sync_api.fail_next(500, method="GET", times=10)

    with pytest.raises(CommandError) as raised:
        command("prune", "--expired")

    assert raised.value.returncode == 1
    sync_api.clear_faults()
    assert not any(sync_api.monitors[key].get("paused") for key in previews["expired"])


def test_prune_needs_expired_and_a_backend_that_reads_cronitor(settings):
    with pytest.raises(CommandError) as raised:
        command("prune")
    assert raised.value.returncode == 2

    healthchecks(settings, BACKEND="healthcheck_admin.backends.console.ConsoleBackend")
    with pytest.raises(CommandError) as raised:
        command("prune", "--expired")
    assert raised.value.returncode == 2
