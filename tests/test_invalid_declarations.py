"""A typo in a declaration never removes a live check: it is "declared but invalid", kept as it was."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from healthcheck_admin import startup
from healthcheck_admin.checks import check_urlconf
from healthcheck_admin.models import HealthcheckDefinition, RegistryState
from healthcheck_admin.registry import collect
from healthcheck_admin.startup import run_startup_hook
from healthcheck_admin.upsert import sync_code_checks

KEPT = ("test.typo-status", "typo-keyed")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_hook() -> Any:
    startup.reset()
    yield
    assert startup.wait_for_startup(timeout=30), "the startup hook is still running"
    startup.reset()


@pytest.fixture
def deployed(cronitor_settings: Any, settings: Any) -> Any:
    """typo_before deployed: rows upserted and pushed to the emulator over loopback HTTP."""
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "SYNC_ON_STARTUP": True, "ENVIRONMENT": "test"}
    settings.ROOT_URLCONF = "tests.urlconfs.typo_before"
    RegistryState.objects.all().delete()
    HealthcheckDefinition.objects.all().delete()
    outcome = run_startup_hook(wait=True)
    assert outcome is not None
    assert outcome.error is None
    assert outcome.push is not None
    assert outcome.push.ok
    return cronitor_settings


def snapshot() -> dict[str, tuple[Any, ...]]:
    fields = ("key", "revision", "status", "removed_at", "spec_fingerprint", "interval_seconds", "paused")
    return {row[0]: row for row in HealthcheckDefinition.objects.values_list(*fields)}


def test_an_invalid_declaration_leaves_the_row_and_its_monitor_as_they_were(
    deployed: Any, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    rows_before = snapshot()
    monitors_before = {key: dict(deployed.monitors[key]) for key in KEPT}
    assert set(KEPT) <= set(rows_before)
    sent_before = len(deployed.requests)

    settings.ROOT_URLCONF = "tests.urlconfs.typo_after"
    with caplog.at_level(logging.INFO):
        outcome = run_startup_hook(wait=True)

    assert outcome is not None
    assert outcome.error is None
    assert outcome.upsert is not None
    assert outcome.upsert.invalid == sorted(KEPT)
    assert outcome.upsert.removed == ["test.typo-goes"], "a route really removed is still removed"
    after = snapshot()
    for key in KEPT:
        assert after[key] == rows_before[key], f"{key} was changed"
        assert deployed.monitors[key] == monitors_before[key], f"the monitor of {key} was changed"
        assert deployed.monitors[key].get("paused") is not True
    assert "2 kept: declared but invalid" in caplog.text
    assert "'test.typo-status'" in caplog.text
    assert "interval_seconds: 5 is out of range" in caplog.text
    assert "'typo keyed' is not a valid monitor key" in caplog.text
    sent = " ".join(map(str, deployed.requests[sent_before:]))
    assert "typo-status" not in sent, "the kept check was sent or paused"
    assert "typo-keyed" not in sent, "the kept check was sent or paused"
    assert "typo-goes" in sent, "the removed check was paused as before"


def test_the_invalid_declarations_are_system_check_errors(settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.urlconfs.typo_after"
    messages = check_urlconf()
    by_route = {m.msg.split(":")[0]: m for m in messages}
    assert {m.id for m in messages} == {"healthcheck_admin.E001"}
    assert "interval_seconds: 5 is out of range" in by_route["route 'status/'"].msg
    assert "'typo keyed' is not a valid monitor key" in by_route["route 'keyed/'"].msg
    assert "left as they are" in str(by_route["route 'status/'"].hint)


def test_collect_names_what_the_invalid_declarations_still_mean(settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.urlconfs.typo_after"
    collected = collect()
    assert collected.invalid_routes == {"typo-status", "typo-keyed"}
    assert collected.invalid_keys == set()  # a bad key is not a key: the route names the row
    assert [spec.values["route"] for spec in collected.specs] == ["typo-stays"]


def test_a_nul_in_a_header_is_an_error_at_check_and_never_reaches_the_database(settings: Any) -> None:
    """On PostgreSQL a NUL would be a DataError for every upsert; here it stops at the declaration."""
    settings.ROOT_URLCONF = "tests.urlconfs.nul_header"
    messages = check_urlconf()
    assert [m.id for m in messages] == ["healthcheck_admin.E001"]
    assert "must not contain control characters" in messages[0].msg
    assert "a\x00b" not in messages[0].msg
    result = sync_code_checks()
    assert len(result.created) == 1
    assert list(HealthcheckDefinition.objects.values_list("route", flat=True)) == ["nul-fine"]
