"""A push killed with SIGKILL is claimed again after its lease: real gunicorn, PostgreSQL, the emulator.

The emulator holds the batch ``PUT`` (``delay_next``) so that the push is in flight when the
whole server is killed. The rows are then ``pushing``, never ``synced``; once their lease has
run out (moved into the past here, instead of waiting for it), the next start pushes them.
Run with ``HEALTHCHECK_TEST_DB=postgres``.
"""

from __future__ import annotations

import os
import re
import signal
import time

import pytest

from healthcheck_admin.testing._types import Fault
from migrations_demo.deploy_urls_template import render
from tests.deploy_admin_client import AdminClient
from tests.deploy_gunicorn import Gunicorn
from tests.deploy_harness import HOOK, TABLE, Deployment, deployment, disagreements

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CHECKS = 3
HANG = 120.0  # longer than the test: the push never ends on its own


def wait_until(site: Deployment, server: Gunicorn, query: str, timeout: float = 60) -> None:
    """Poll the table until ``query`` returns a row (bounded; fails with the server's log)."""
    deadline = time.monotonic() + timeout
    while not site.sql(query):
        if time.monotonic() > deadline or server.process.poll() is not None:
            raise AssertionError(f"{query!r} never held; log:\n{server.log()}")
        time.sleep(0.05)


def wait_for_the_held_put(site: Deployment, server: Gunicorn, timeout: float = 60) -> None:
    """Wait until the emulator holds the batch PUT. A row says ``pushing`` from its claim, before
    the PUT is sent: killed earlier, the delay would still be queued for the next deploy's PUT."""
    deadline = time.monotonic() + timeout
    while not any(r.fault == "delay" for r in site.emulator.monitor_puts()):
        if time.monotonic() > deadline or server.process.poll() is not None:
            raise AssertionError(f"the batch PUT never arrived; log:\n{server.log()}")
        time.sleep(0.05)


def kill(server: Gunicorn) -> None:
    os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=30)


def statuses(site: Deployment) -> set[str]:
    return {str(row[0]) for row in site.sql(f"SELECT DISTINCT status FROM {TABLE}")}


def lease_runs_out(site: Deployment) -> None:
    site.sql(
        f"UPDATE {TABLE} SET lease_expires_at = now() - interval '1 second' "
        "WHERE status = 'pushing' RETURNING id"
    )


def hold_the_put(site: Deployment) -> None:
    """Hold the next batch ``PUT`` (not the refresh's ``GET`` that comes first)."""
    site.emulator.queue_fault(Fault("delay", method="PUT", seconds=HANG), 1)


def test_a_startup_hook_killed_mid_push_is_pushed_by_the_next_start() -> None:
    with deployment("hc_killed") as site:
        site.write_urls(render(CHECKS))
        site.migrate()  # marks the push due
        hold_the_put(site)
        server = site.start(workers=1)
        try:
            wait_until(site, server, f"SELECT 1 FROM {TABLE} WHERE status = 'pushing'")
            wait_for_the_held_put(site, server)
        finally:
            kill(server)
        assert statuses(site) == {"pushing"}, "nothing may be marked synced before Cronitor confirmed it"
        assert site.emulator.monitors == {}
        lease_runs_out(site)
        result = site.deploy(workers=1)
        assert result.pushes == 1, result.log
        assert statuses(site) == {"synced"}
        assert disagreements(site.rows(), site.emulator.monitors) == []


def test_a_push_after_an_admin_save_killed_mid_way_is_pushed_by_the_next_start() -> None:
    with deployment("hc_killed") as site:
        site.write_urls(render(CHECKS))
        site.migrate()
        site.deploy(workers=1)
        assert statuses(site) == {"synced"}
        username, password = site.create_superuser()
        [(pk, key)] = site.sql(f"SELECT id, key FROM {TABLE} WHERE source = 'code' ORDER BY key LIMIT 1")
        server = site.start(workers=1)
        try:
            server.wait_for(re.escape(HOOK), 1, 60)
            hold_the_put(site)
            client = AdminClient(server.url, username, password)
            assert client.edit(pk, override_note="edited before the kill") == 302
            wait_until(site, server, f"SELECT 1 FROM {TABLE} WHERE id = {int(pk)} AND status = 'pushing'")
            wait_for_the_held_put(site, server)
        finally:
            kill(server)
        assert site.emulator.monitors[key].get("note") != "edited before the kill"
        [(status,)] = site.sql(f"SELECT status FROM {TABLE} WHERE id = %s", (pk,))
        assert status == "pushing", "the row must not say synced while Cronitor has the old version"
        lease_runs_out(site)
        result = site.deploy(workers=1)
        assert result.sent_keys == [key], result.log
        assert site.emulator.monitors[key]["note"] == "edited before the kill"
        assert disagreements(site.rows(), site.emulator.monitors) == []
