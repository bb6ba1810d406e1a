"""Deploys with real processes: the demo on 8 gunicorn workers, PostgreSQL and the Cronitor emulator.

Each test creates its own database (``createdb``; dropped at the end), migrates it once and
starts gunicorn with ``migrations_demo/gunicorn.conf.py``, whose ``post_worker_init`` runs the
startup hook in every worker at once. Run with ``HEALTHCHECK_TEST_DB=postgres``.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

import pytest

# Skipped, not an error, where psycopg is not installed; the deploy harness needs it.
pytest.importorskip("psycopg", reason="the deploy tests need psycopg")

from migrations_demo.deploy_urls_template import Edit, render, route_name
from tests.deploy_admin_client import AdminClient
from tests.deploy_gunicorn import WORKERS
from tests.deploy_harness import (
    HOOK,
    PUSH_DONE,
    TABLE,
    Deployment,
    DeployResult,
    deployment,
    disagreements,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CHECKS = 20
UNCHANGED_PLAN = {"create": 0, "update": 0, "remove": 0, "delete": 0}


def deploy(site: Deployment, source: str, *, push_fails: bool = False) -> DeployResult:
    """One deploy of ``source``, with what must hold after any deploy.

    With ``push_fails`` the push is expected to fail: the hook lines are then the only
    problems, and the table cannot agree with the emulator until the next push.
    """
    site.write_urls(source)
    result = site.deploy()
    assert len(result.hook_lines) == WORKERS, result.log
    assert result.log.count("IntegrityError") == 0, result.log
    assert site.duplicate_keys() == []
    if push_fails:
        assert [line for line in result.problems() if HOOK not in line] == [], result.log
        return result
    assert result.problems() == [], result.log
    assert result.pushes <= 1, result.log  # once per deploy, never once per worker
    assert disagreements(site.rows(), site.emulator.monitors) == []
    return result


def changed_only(result: DeployResult, key: str) -> None:
    assert result.sent_keys == [key]
    # One page of the refresh, then the one PUT.
    assert [(r.method, r.path) for r in result.requests] == [
        ("GET", "/api/monitors"),
        ("PUT", "/api/monitors"),
    ]
    assert result.pushes == 1


def unchanged(result: DeployResult) -> None:
    assert result.requests == []
    assert result.pushes == 0


def test_deploys_upsert_once_and_send_only_what_changed() -> None:
    with deployment() as site:
        site.write_urls(render(CHECKS))
        site.migrate()

        first = deploy(site, render(CHECKS))
        active = [key for key, row in site.rows().items() if not row["removed"]]
        assert sorted(first.sent_keys) == sorted(active)  # everything, each monitor once
        # The refresh reads the account first (one page), then the batches go out (BATCH_SIZE 100).
        assert [r.method for r in first.requests if r.method == "GET"] == ["GET"]
        assert len([r for r in first.requests if r.method == "PUT"]) == math.ceil(len(active) / 100)
        assert first.pushes == 1
        code_rows = site.sql(f"SELECT count(*) FROM {TABLE} WHERE source = 'code'")

        unchanged(deploy(site, render(CHECKS)))

        edits = {3: Edit(assertion="response.code < 400")}
        changed_only(deploy(site, render(CHECKS, edits=edits)), site.key_of(route_name(3)))
        assert "response.code < 400" in site.emulator.monitors[site.key_of(route_name(3))]["assertions"]

        edits[7] = Edit(name="Deploy check seven, renamed")
        changed_only(deploy(site, render(CHECKS, edits=edits)), site.key_of(route_name(7)))
        assert site.emulator.monitors[site.key_of(route_name(7))]["name"] == "Deploy check seven, renamed"

        gone = site.key_of(route_name(5))
        removal = deploy(site, render(CHECKS, edits=edits, removed={5}))
        # The refresh reads the remote copy (still ours: it carries the ownership tag), then pauses it.
        assert [(r.method, r.path) for r in removal.requests] == [
            ("GET", "/api/monitors"),
            ("GET", f"/api/monitors/{gone}/pause"),
        ]
        assert site.emulator.monitors[gone]["paused"] is True

        unchanged(deploy(site, render(CHECKS, edits=edits, removed={5})))

        assert site.deploys == 6
        assert site.sql(f"SELECT count(*) FROM {TABLE} WHERE source = 'code'") == code_rows
        counts = site.plan()
        assert {action: counts[action] for action in UNCHANGED_PLAN} == UNCHANGED_PLAN


def test_a_failed_push_is_tried_once_per_deploy_and_healed_by_the_next_deploy() -> None:
    with deployment() as site:
        site.write_urls(render(CHECKS))
        site.migrate()
        deploy(site, render(CHECKS))
        key2, key4 = site.key_of(route_name(2)), site.key_of(route_name(4))

        # Check 2 changes while the key is refused (403): no retry helps, the deploy still serves.
        site.extra_env["CRONITOR_API_KEY"] = "revoked-key"
        edits = {2: Edit(assertion="response.code < 400")}
        refused = deploy(site, render(CHECKS, edits=edits), push_fails=True)
        # The refresh that comes first is refused: nothing is sent, and the changed row stays pending
        # (never marked synced, never removed) with the cause in the log, the key never in it.
        assert refused.sent_keys == []
        [(status, error)] = site.sql(f"SELECT status, last_error FROM {TABLE} WHERE key = %s", (key2,))
        assert status != "synced"
        assert "403" in refused.log
        assert "revoked-key" not in refused.log + error

        # The next deploy (check 4 changed too) sends both, each once: nothing was lost.
        del site.extra_env["CRONITOR_API_KEY"]
        edits[4] = Edit(name="Deploy check four, renamed")
        healed = deploy(site, render(CHECKS, edits=edits))
        assert sorted(healed.sent_keys) == sorted([key2, key4])
        assert healed.pushes == 1

        # Once per deploy across the 8 workers, failed or not: a worker that starts after
        # another one's push failed must not try again in the same deploy.
        assert (refused.pushes, len(refused.requests)) == (1, 1), "\n".join(refused.hook_lines)


EDITORS = 3
EDITS_PER_EDITOR = 8
#: Two command runners, each running its commands one after the other while the editors edit.
PUSH_COMMANDS = ((("push", "--all"), ("push",)), (("push",), ("push", "--all")))


def run_all(jobs: list[Callable[[], None]], timeout: float) -> list[BaseException]:
    """Run the jobs in threads at once; returns their exceptions (a job still running is one)."""
    errors: list[BaseException] = []

    def guarded(job: Callable[[], None]) -> None:
        try:
            job()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(job,), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    errors += [TimeoutError(f"{thread.name} still running") for thread in threads if thread.is_alive()]
    return errors


def test_concurrent_admin_edits_and_push_commands_leave_table_and_emulator_agreeing() -> None:
    with deployment() as site:
        site.extra_env["DEMO_BATCH_SIZE"] = "5"  # a push spans several requests: edits land mid-push
        site.write_urls(render(CHECKS))
        site.migrate()
        username, password = site.create_superuser()
        rows = site.rows()
        targets = [
            (row["pk"], "note" if row["source"] == "admin" else "override_note") for row in rows.values()
        ]
        targets = [t for t in targets if t[1] == "note"] + [t for t in targets if t[1] != "note"][:4]
        statuses: list[int] = []
        commands: list[tuple[int, str]] = []

        def editor(number: int) -> Callable[[], None]:
            def edit() -> None:
                client = AdminClient(server.url, username, password)
                for n in range(EDITS_PER_EDITOR):
                    pk, field = targets[(number + n) % len(targets)]
                    statuses.append(client.edit(pk, **{field: f"edited by editor {number}, edit {n}"}))

            return edit

        def pusher(sequence: tuple[tuple[str, ...], ...]) -> Callable[[], None]:
            def push() -> None:
                for args in sequence:
                    done = site.manage("healthchecks", *args, check=False)
                    commands.append((done.returncode, done.stdout + done.stderr))

            return push

        server = site.start()
        try:
            server.wait_for(HOOK, WORKERS, timeout=120)
            site.emulator.set_latency(0.05)
            jobs = [editor(number) for number in range(EDITORS)] + [pusher(seq) for seq in PUSH_COMMANDS]
            assert run_all(jobs, timeout=120) == []
            site.emulator.set_latency(0)
            server.wait_for(PUSH_DONE, statuses.count(302), timeout=60)  # each save's background push
            log = server.log()
        finally:
            server.stop()

        assert statuses == [302] * (EDITORS * EDITS_PER_EDITOR)
        assert [code for code, _ in commands] == [0] * sum(map(len, PUSH_COMMANDS)), commands
        assert "IntegrityError" not in log
        assert DeployResult([], log, 0).problems() == [], log
        assert site.duplicate_keys() == []
        after = site.rows()
        assert disagreements(after, site.emulator.monitors) == []
        notes = {(row["pk"], row["payload"].get("note", "")) for row in after.values() if not row["removed"]}
        assert sum(note.startswith("edited by editor") for _, note in notes) == len(targets)
        counts = site.plan()
        assert {action: counts[action] for action in UNCHANGED_PLAN} == UNCHANGED_PLAN
