"""Fault matrix: every Cronitor fault crossed with every push trigger, over real HTTP to the emulator.

Each case starts from a table in line with Cronitor (code rows plus three admin rows, all
synced), edits two admin rows, injects one fault, fires one trigger, then asserts:

- no edit is lost: the rows still hold the edited values;
- the pushed rows show a clear status: ``failed`` with a readable ``last_error`` naming the
  problem, or ``synced`` where the fault is transient and retried away (5xx, 429, timeouts
  and dropped connections are retried up to ``MAX_RETRIES``; the persistent variants outlast
  the retries). Untouched rows stay synced;
- the app keeps serving: the index and the admin changelist answer 200;
- after the faults are cleared, the next push through the same trigger (the ``push`` command
  for ``post_save``) heals everything: every row synced, the emulator holds every monitor with
  the edited values and the codes agree.

Retries are fast here: ``BACKOFF_SECONDS`` 0.01 and ``MAX_RETRIES`` 2; ``TIMEOUT`` is 0.3 s for the
read-timeout faults (the emulator answers after 0.6 s) and 2 s elsewhere.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from healthcheck_admin import startup
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync import tasks
from healthcheck_admin.sync.service import push
from healthcheck_admin.testing.emulator import CronitorEmulator
from healthcheck_admin.upsert import sync_code_checks
from tests.fault_matrix_cases import (
    ATTEMPTS,
    CHANGELIST,
    EDITED,
    FAULTS,
    MAX_RETRIES,
    STATUS,
    TIMEOUT,
    TRIGGERS,
    UNTOUCHED,
    WRONG_KEY,
    Context,
    Fault,
    Outcome,
    Trigger,
    edited_name,
)


def _trigger_param(trigger: Trigger) -> Any:
    # post_save pushes after a real commit, from a thread with its own connection.
    mark = pytest.mark.django_db(transaction=trigger.id in ("post_save", "admin_action"))  # background pushes
    return pytest.param(trigger, id=trigger.id, marks=mark)


@pytest.fixture
def matrix(client, settings, cronitor_settings) -> Iterator[Context]:
    """A table in line with the emulator, fast retry settings, a superuser logged in."""
    ctx = Context(client=client, settings=settings, emulator=cronitor_settings)
    ctx.healthchecks(
        MAX_RETRIES=MAX_RETRIES,
        BACKOFF_SECONDS=0.01,
        TIMEOUT=TIMEOUT,
        SYNC_ON_SAVE=False,
        SYNC_ON_STARTUP=True,
    )
    startup.reset()
    sync_code_checks()
    HealthcheckDefinition.objects.bulk_create(
        HealthcheckDefinition(key=key, name=key, url=f"https://example.com/{key}/", tags=["matrix"])
        for key in (*EDITED, UNTOUCHED)
    )
    assert push().ok, "the table could not be brought in line before the fault"
    assert statuses() == dict.fromkeys(statuses(), STATUS.synced)
    client.force_login(User.objects.create_superuser("root", "root@example.com", None))
    yield ctx
    assert tasks.wait_for_background_pushes(timeout=30)
    startup.reset()


def statuses() -> dict[str, str]:
    return dict(HealthcheckDefinition.objects.values_list("key", "status"))


def assert_readable(error: str, api_key: str) -> None:
    assert error
    assert "\n" not in error, error
    assert len(error) < 500, error
    assert "Traceback" not in error, error
    assert api_key not in error, error


def assert_faulted_state(ctx: Context, fault: Fault, outcome: Outcome, trigger: Trigger) -> None:
    rows = {row.key: row for row in HealthcheckDefinition.objects.all()}
    for key in EDITED:  # no edit is lost
        assert (rows[key].name, rows[key].note) == (edited_name(key), "edited under fault")
    for key in EDITED:
        row = rows[key]
        if key in fault.fails:
            assert row.status == STATUS.failed, (key, row.status)
            assert fault.error in row.last_error, row.last_error
            assert_readable(row.last_error, ctx.emulator.api_key)
            assert WRONG_KEY not in row.last_error
            if fault.gave_up:
                assert f"gave up after {ATTEMPTS} attempts" in row.last_error, row.last_error
        else:
            assert (row.status, row.last_error) == (STATUS.synced, ""), (key, row.last_error)
    others = [row for key, row in rows.items() if key not in EDITED]
    assert {row.status for row in others} == {STATUS.synced}  # untouched rows keep their state
    if trigger.reports:
        assert outcome.named == set(fault.fails), outcome.text
        assert ctx.emulator.api_key not in outcome.text
        assert WRONG_KEY not in outcome.text


def assert_still_serving(ctx: Context, fault: Fault) -> None:
    assert ctx.client.get("/").status_code == 200
    response = ctx.client.get(reverse(CHANGELIST), {"status__exact": STATUS.failed})
    assert response.status_code == 200
    html = response.content.decode()
    for key in EDITED:
        assert (key in html) == (key in fault.fails), key


def assert_healed(ctx: Context) -> None:
    rows = list(HealthcheckDefinition.objects.all())
    assert {row.key: row.status for row in rows} == {row.key: STATUS.synced for row in rows}
    assert all(row.last_error == "" for row in rows)
    codes = ctx.emulator.codes
    assert {row.key: row.monitor_code for row in rows} == {row.key: codes.get(row.key) for row in rows}
    with ctx.emulator.lock:
        names = {key: ctx.emulator.monitors[key]["name"] for key in EDITED}
    assert names == {key: edited_name(key) for key in EDITED}


def assert_retry_after_honoured(emulator: CronitorEmulator, waits: int) -> None:
    """At least ``waits`` retries came ``Retry-After: 1`` s after the 429 they answered."""
    puts = emulator.monitor_puts()
    gaps = [
        later.received_at - earlier.received_at
        for earlier, later in itertools.pairwise(puts)
        if earlier.fault == "rate_limit"
    ]
    assert sum(gap >= 1.0 for gap in gaps) >= waits, gaps


@pytest.mark.parametrize("trigger", [_trigger_param(t) for t in TRIGGERS])
@pytest.mark.parametrize("fault", FAULTS, ids=[f.id for f in FAULTS])
def test_fault_matrix(matrix: Context, fault: Fault, trigger: Trigger) -> None:
    emulator = matrix.emulator
    fault.inject(emulator, trigger.pushes)
    matrix.healthchecks(TIMEOUT=fault.timeout)
    if fault.id == "403-bad-key":
        matrix.healthchecks(API_KEY=WRONG_KEY)

    outcome = trigger.fire(matrix)

    assert_faulted_state(matrix, fault, outcome, trigger)
    assert_still_serving(matrix, fault)
    if fault.id.startswith("429"):
        assert_retry_after_honoured(emulator, MAX_RETRIES * trigger.pushes if fault.fails else 1)

    emulator.clear_faults()
    if not emulator.running:
        emulator.start()
    matrix.healthchecks(API_KEY=emulator.api_key, TIMEOUT=TIMEOUT)
    trigger.heal(matrix)
    assert_healed(matrix)
