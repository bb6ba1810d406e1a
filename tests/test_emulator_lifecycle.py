"""The Cronitor API emulator: recording, lifecycle, concurrency, its CLI and its imports."""

from __future__ import annotations

import ast
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from healthcheck_admin.testing import CronitorEmulator
from tests.utils import monitor, put_monitors

ROOT = Path(__file__).resolve().parent.parent


# -- recording, lifecycle, concurrency -------------------------------------------------------------
def test_recorded_requests_and_reset(emulator_session, cronitor_emulator):
    put_monitors(emulator_session, {"monitors": [monitor("a")]})
    put_monitors(emulator_session, [monitor("b"), monitor("c")])
    emulator_session.get(f"{emulator_session.base}/monitors", params={"page": "1"})
    assert [m["key"] for m in cronitor_emulator.sent_monitors()] == ["a", "b", "c"]
    assert len(cronitor_emulator.monitor_puts()) == 2
    (listing,) = cronitor_emulator.requests_to("GET")
    assert listing.query == {"page": "1"}
    assert listing.reused_connection is True
    assert cronitor_emulator.requests[0].json == {"monitors": [monitor("a")]}
    cronitor_emulator.fail_next()
    cronitor_emulator.reset()
    assert (cronitor_emulator.monitors, cronitor_emulator.requests) == ({}, [])
    assert put_monitors(emulator_session, [monitor()]).status_code == 200


def test_concurrent_puts_are_all_stored_with_unique_codes(cronitor_emulator):
    def push(worker):
        with requests.Session() as session:
            for batch in range(5):
                body = [monitor(f"w{worker}-{batch}-{i}") for i in range(10)]
                session.put(
                    f"{cronitor_emulator.url}/monitors", json=body, auth=(cronitor_emulator.api_key, "")
                )

    threads = [threading.Thread(target=push, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cronitor_emulator.monitors) == 300
    assert len(set(cronitor_emulator.codes.values())) == 300


def test_lifecycle():
    emulator = CronitorEmulator()
    with pytest.raises(RuntimeError, match="never started"):
        _ = emulator.url
    outcome = []

    def slow_request():
        try:
            requests.get(f"{emulator.url}/monitors", timeout=20)
        except requests.ConnectionError as exc:
            outcome.append(exc)

    with emulator:
        with pytest.raises(RuntimeError, match="already running"):
            emulator.start()
        emulator.delay_next(10)
        waiter = threading.Thread(target=slow_request)
        waiter.start()
        time.sleep(0.1)
        started = time.monotonic()
    assert time.monotonic() - started < 2  # stop() wakes the delayed handler instead of waiting 10 s
    waiter.join(2)
    assert len(outcome) == 1  # the delayed request was dropped, not answered after stop()
    assert not emulator.running


def test_stopped_emulator_refuses_connections_and_restarts_on_the_same_port():
    with CronitorEmulator() as emulator:
        emulator.add_monitors(monitor("kept"))
        url = emulator.url
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/monitors", auth=(emulator.api_key, ""), timeout=5)
    with emulator:
        assert emulator.url == url
        listing = requests.get(f"{url}/monitors", auth=(emulator.api_key, ""), timeout=5).json()
        assert [m["key"] for m in listing["monitors"]] == ["kept"]


def test_cli_serves_until_terminated():
    command = [
        sys.executable,
        "-m",
        "healthcheck_admin.testing.emulator",
        "--port",
        "0",
        "--api-key",
        "cli-key",
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/api")
        assert (
            requests.get(f"{url}/monitors", auth=("cli-key", ""), timeout=5).json()["total_monitor_count"]
            == 0
        )
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    assert stderr == ""  # quiet: no per-request logging, no runpy warning


def test_cronitor_settings_points_healthchecks_at_the_emulator(cronitor_settings, settings):
    from healthcheck_admin.conf import app_settings

    assert cronitor_settings.url == app_settings.API_URL
    assert cronitor_settings.api_key == app_settings.API_KEY
    assert settings.HEALTHCHECKS["BACKEND"] == "healthcheck_admin.backends.cronitor.CronitorBackend"
    assert settings.HEALTHCHECKS["ENVIRONMENT"] == "test"  # existing settings are kept


def test_emulator_modules_do_not_import_django_at_import_time():
    for name in (
        "__init__",
        "emulator",
        "_api",
        "_server",
        "_store",
        "_types",
        "_validation",
        "pytest_plugin",
    ):
        tree = ast.parse((ROOT / "healthcheck_admin" / "testing" / f"{name}.py").read_text())
        modules = [a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names]
        modules += [n.module or "" for n in tree.body if isinstance(n, ast.ImportFrom)]
        assert not [m for m in modules if m.split(".")[0] == "django"], name
