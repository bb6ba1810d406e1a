"""The fault matrix's cases (tests/test_fault_matrix.py): the Cronitor faults and the push triggers."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from healthcheck_admin import startup
from healthcheck_admin.models import HealthcheckDefinition, RegistryState
from healthcheck_admin.sync import tasks
from healthcheck_admin.testing.emulator import CronitorEmulator

STATUS = HealthcheckDefinition.STATUS
MAX_RETRIES = 2
ATTEMPTS = MAX_RETRIES + 1
TIMEOUT = 2.0  # generous: a loaded CI machine must not time out where no fault is injected
SHORT_TIMEOUT = 0.3  # for the read-timeout faults only
SLOW = 0.6  # longer than SHORT_TIMEOUT: the client gives up
EDITED = ("fm-alpha", "fm-beta")
UNTOUCHED = "fm-gamma"
REJECTED = "fm-beta"
WRONG_KEY = "wrong-api-key-for-the-matrix"
CHANGELIST = "admin:healthcheck_admin_healthcheckdefinition_changelist"


@dataclass(frozen=True)
class Fault:
    """One fault. ``inject(emulator, pushes)`` queues it for ``pushes`` separate push runs.

    ``fails`` lists the edited keys that end ``failed`` (empty: the fault is retried away and
    every row ends ``synced``); ``error`` is a phrase their ``last_error`` must contain.
    """

    id: str
    inject: Callable[[CronitorEmulator, int], None]
    fails: tuple[str, ...]
    error: str = ""
    gave_up: bool = False  # the error says the retries were spent
    timeout: float = TIMEOUT  # HEALTHCHECKS['TIMEOUT'] while the fault is injected


def _persistent_status(status: int) -> Callable[[CronitorEmulator, int], None]:
    return lambda emulator, pushes: emulator.fail_next(status, times=ATTEMPTS * pushes, method="PUT")


def _transient_status(status: int) -> Callable[[CronitorEmulator, int], None]:
    return lambda emulator, pushes: emulator.fail_next(status, method="PUT")


def _stop(emulator: CronitorEmulator, pushes: int) -> None:
    emulator.stop()  # the port now refuses connections


def _reject(emulator: CronitorEmulator, pushes: int) -> None:
    emulator.reject_monitor(REJECTED, "refused by the fault matrix")


def _bad_key(emulator: CronitorEmulator, pushes: int) -> None:
    pass  # the trigger runs with HEALTHCHECKS['API_KEY'] = WRONG_KEY (see the test)


FAULTS = [
    # Retried faults, persistent: they outlast MAX_RETRIES, so the rows fail.
    Fault("500", _persistent_status(500), EDITED, "Cronitor answered 500", gave_up=True),
    Fault("502", _persistent_status(502), EDITED, "Cronitor answered 502", gave_up=True),
    Fault("503", _persistent_status(503), EDITED, "Cronitor answered 503", gave_up=True),
    Fault(
        "429-retry-after",
        lambda e, pushes: e.rate_limit_next(retry_after=1, times=ATTEMPTS * pushes),
        EDITED,
        "rate limited by Cronitor (429)",
        gave_up=True,
    ),
    Fault(
        "read-timeout",
        lambda e, pushes: e.delay_next(SLOW, times=ATTEMPTS * pushes),
        EDITED,
        f"no answer within {SHORT_TIMEOUT:g} s",
        gave_up=True,
        timeout=SHORT_TIMEOUT,
    ),
    Fault("connection-refused", _stop, EDITED, "the connection was refused", gave_up=True),
    Fault(
        "dropped-connection",
        lambda e, pushes: e.drop_next(times=ATTEMPTS * pushes),
        EDITED,
        "the connection was dropped",
        gave_up=True,
    ),
    # Never retried: the reply came, and it says no.
    Fault(
        "malformed-json",
        lambda e, pushes: e.malformed_next(times=pushes),
        EDITED,
        "a body that is not valid JSON",
    ),
    Fault(
        "400-one-monitor",
        _reject,
        (REJECTED,),
        "Cronitor rejected the monitor: key: refused by the fault matrix",
    ),
    Fault("403-bad-key", _bad_key, EDITED, "Cronitor refused the API key (403"),
    # Retried faults, transient: one occurrence, retried away; every row ends synced.
    Fault("500-transient", _transient_status(500), ()),
    Fault("502-transient", _transient_status(502), ()),
    Fault("503-transient", _transient_status(503), ()),
    Fault("429-retry-after-transient", lambda e, pushes: e.rate_limit_next(retry_after=1), ()),
    Fault("read-timeout-transient", lambda e, pushes: e.delay_next(SLOW), (), timeout=SHORT_TIMEOUT),
    Fault("dropped-connection-transient", lambda e, pushes: e.drop_next(), ()),
]


# -- triggers ----------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What the trigger itself reported: failed keys it named, and text it showed."""

    named: set[str]
    text: str


def edit(key: str) -> None:
    """An admin-like edit: read, change pushed fields, save in a committed transaction."""
    with transaction.atomic():
        row = HealthcheckDefinition.objects.get(key=key)
        row.name = edited_name(key)
        row.note = "edited under fault"
        row.save()


def edited_name(key: str) -> str:
    return f"{key} (edited)"


def on_save(ctx: Context) -> Outcome:
    ctx.healthchecks(SYNC_ON_SAVE=True)
    for key in EDITED:  # one save, one background push, waited for: deterministic
        edit(key)
        assert tasks.wait_for_background_pushes(timeout=30), "the post_save push is still running"
    ctx.healthchecks(SYNC_ON_SAVE=False)
    return Outcome(named=set(), text="")


def on_startup(ctx: Context) -> Outcome:
    for key in EDITED:
        edit(key)
    startup.reset()
    startup.mark_push_due()  # as post_migrate does after a deploy changed the table
    outcome = startup.run_startup_hook(wait=True)
    assert outcome is not None
    assert outcome.error is None, outcome.error
    assert outcome.upsert is not None
    assert outcome.upsert.skipped
    assert outcome.push is not None, "the startup hook pushed nothing"
    return Outcome(named=set(outcome.push.failed), text=outcome.summary())


def admin_action(ctx: Context) -> Outcome:
    for key in EDITED:
        edit(key)
    pks = HealthcheckDefinition.objects.filter(key__in=EDITED).values_list("pk", flat=True)
    response = ctx.client.post(
        reverse(CHANGELIST),
        {"action": "push_to_cronitor", "_selected_action": [str(pk) for pk in pks], "index": "0"},
        follow=True,
    )
    assert response.status_code == 200
    assert tasks.wait_for_background_pushes(timeout=60)  # the admin pushes off the request
    # The outcome is one counted message per kind; the failed keys are under "failed to push".
    page = ctx.client.get(reverse(CHANGELIST), {"status__exact": "failed"})
    messages = [str(message) for message in page.context["messages"]]
    html = page.content.decode()
    named = {key for key in EDITED if f">{key}</a>" in html}
    failed = [line for line in messages if "failed: see the 'failed to push' filter" in line]
    assert len(failed) == (1 if named else 0), messages
    if named:
        assert failed[0].startswith(f"{len(named)} monitor"), messages
    return Outcome(named=named, text="\n".join(messages))


def push_command(ctx: Context) -> Outcome:
    for key in EDITED:
        edit(key)
    out, err = io.StringIO(), io.StringIO()
    returncode = 0
    try:
        call_command("healthchecks", "push", stdout=out, stderr=err)
    except CommandError as exc:
        returncode = exc.returncode
    text = out.getvalue() + err.getvalue()
    assert returncode in (0, 1), returncode
    named = {key for key in EDITED if f"failed {key}:" in text}
    return Outcome(named=named, text=text)


def heal_with_push_command(ctx: Context) -> None:
    call_command("healthchecks", "push", stdout=io.StringIO(), stderr=io.StringIO())


def heal_with_startup(ctx: Context) -> None:
    startup.reset()  # a process starting later: a failed push left the "push due" mark behind,
    # due RETRY_FAILED_PUSH_AFTER seconds on; move its not-before into the past instead of waiting.
    RegistryState.objects.filter(name=startup.PUSH_DUE).update(value="000000000000")
    outcome = startup.run_startup_hook(wait=True)
    assert outcome is not None
    assert outcome.error is None, outcome.error


def heal_with_admin_action(ctx: Context) -> None:
    admin_action(ctx)


@dataclass(frozen=True)
class Trigger:
    id: str
    fire: Callable[[Context], Outcome]
    heal: Callable[[Context], None]
    pushes: int  # separate push runs one firing makes
    reports: bool  # whether the trigger itself names the failed keys


TRIGGERS = [
    Trigger("post_save", on_save, heal_with_push_command, pushes=len(EDITED), reports=False),
    Trigger("startup_hook", on_startup, heal_with_startup, pushes=1, reports=True),
    Trigger("admin_action", admin_action, heal_with_admin_action, pushes=1, reports=True),
    Trigger("push_command", push_command, heal_with_push_command, pushes=1, reports=True),
]


@dataclass
class Context:
    client: Client
    settings: Any
    emulator: CronitorEmulator

    def healthchecks(self, **values: Any) -> None:
        self.settings.HEALTHCHECKS = {**self.settings.HEALTHCHECKS, **values}
