"""Issue 8: ``push --verify`` waits for each changed monitor's first probe (the real emulator)."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync.service import push
from healthcheck_admin.sync.verify import parse_wait, verify
from healthcheck_admin.testing import CronitorEmulator
from tests.sync_utils import command, make_row, use

pytestmark = pytest.mark.django_db


def test_push_verify_exits_nonzero_when_a_changed_monitor_fails_its_first_probe(settings, db):
    with CronitorEmulator(auto_probe=lambda key: key != "broken") as emulator:
        use(settings, emulator, REFRESH=True)
        make_row("fine")
        make_row("broken")

        with pytest.raises(CommandError, match="failing their first probe") as caught:
            command("push", "--verify", "--wait", "30s")

        assert caught.value.returncode == 1
        assert HealthcheckDefinition.objects.get(key="broken").status == "synced"


def test_push_verify_passes_when_every_changed_monitor_passes(settings, db):
    with CronitorEmulator(auto_probe=True) as emulator:
        use(settings, emulator, REFRESH=True)
        make_row("fine")

        out, _ = command("push", "--verify")

        assert "0 failing, 0 not probed yet" in out


def test_verify_waits_for_the_first_probe_and_gives_up_at_the_deadline(sync_api):
    make_row("slow")
    push()
    clock = [0.0]

    def sleep(seconds: float) -> None:  # a probe arrives while we wait
        clock[0] += seconds
        sync_api.probe("slow", passing=False, message="timeout")

    report = verify(["slow"], wait=60, poll=5, clock=lambda: clock[0], sleep=sleep)
    assert report.failing == {"slow": report.failing["slow"]}
    assert not report.ok

    make_row("never")
    push()
    clock[0] = 0.0
    report = verify(
        ["never"], wait=10, poll=5, clock=lambda: clock[0], sleep=lambda s: clock.__setitem__(0, clock[0] + s)
    )
    assert report.waiting == ["never"]


def test_parse_wait():
    assert (parse_wait("10m"), parse_wait("90s"), parse_wait("1h"), parse_wait("45")) == (600, 90, 3600, 45)
    with pytest.raises(ValueError, match="not a duration"):
        parse_wait("soon")


@pytest.mark.parametrize(
    ("status", "body", "said"),
    [(500, None, "500"), (200, ["not", "a", "monitor"], "the reply is not a monitor")],
)
def test_push_verify_exits_1_with_a_clear_message_when_cronitor_fails_while_verifying(
    sync_api, settings, status, body, said
):
    make_row("pushed")
    sync_api.fail_next(status, body=body, times=50, method="GET")

    with pytest.raises(CommandError, match="could not read the changed monitors") as caught:
        command("push", "--verify", "--wait", "0")

    assert caught.value.returncode == 1
    assert said in str(caught.value)
    assert settings.HEALTHCHECKS["API_KEY"] not in str(caught.value)
    assert HealthcheckDefinition.objects.get(key="pushed").status == "synced"
