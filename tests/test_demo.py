"""The demo project, driven as a user would: ``manage.py`` in subprocesses, on its own SQLite file."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import healthcheck_admin
from healthcheck_admin.testing import CronitorEmulator

# Each test runs the demo's manage.py (and runserver) in subprocesses.
pytestmark = pytest.mark.slow

DEMO = Path(__file__).resolve().parent.parent / "migrations_demo"
PACKAGE_ROOT = Path(healthcheck_admin.__file__).resolve().parent.parent
CODE_KEYS = {
    "demo.index",
    "demo.search.query-acme",
    "demo.leads-detail.put.lead-12345",
    "demo.status",
    "demo.shop:catalogue",
    "demo.shop:product.42",
    "demo.admin:login",
}
ADMIN_KEYS = {"adm-example-home", "adm-demo-status"}


@pytest.fixture
def demo_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRONITOR_", "DJANGO_SETTINGS"))}
    env.update({"DEMO_DB": str(tmp_path / "demo.sqlite3"), "PYTHONPATH": str(PACKAGE_ROOT)})
    manage(env, "migrate", "--verbosity", "0")
    return env


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=DEMO, env=env, capture_output=True, text=True, timeout=120
    )
    if check:
        assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def runserver(demo_env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    env = {**demo_env, "DEMO_HOSTNAME": f"127.0.0.1:{port}"}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=DEMO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/admin/login/", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "runserver did not answer within 30 s"
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_demo_lists_its_code_and_admin_checks(demo_env):
    listing = manage(demo_env, "healthchecks", "list").stdout
    for key in CODE_KEYS | ADMIN_KEYS:
        assert key in listing
    assert "tos" not in listing  # a route without a check


def test_the_demo_coverage_names_tos_as_the_one_candidate(demo_env):
    payload = json.loads(manage(demo_env, "healthchecks", "coverage", "--json").stdout)
    assert [item["name"] for item in payload["candidate"]] == ["tos"]
    assert {item["name"] for item in payload["covered"]} == {
        "index",
        "search",
        "leads-detail",
        "status",
        "shop:catalogue",
        "shop:product",
    }
    assert payload["needs_args"] == []
    assert all(item["reason"] == "admin" for item in payload["excluded"])
    assert "admin:login" in {item["name"] for item in payload["excluded"] if item["has_check"]}
    # The demo REQUIREs index and shop:*, which have checks: check is quiet.
    assert "no issues" in manage(demo_env, "check").stdout
    failed = manage(demo_env, "healthchecks", "coverage", "--fail-under", "90", check=False)
    assert failed.returncode == 3
    assert "below --fail-under 90%" in failed.stderr


def test_without_a_key_the_demo_uses_the_console_backend(demo_env):
    result = manage(demo_env, "healthchecks", "push")
    assert "PUT https://cronitor.io/api/monitors" in result.stdout  # printed, not sent
    assert "demo-token-value" not in result.stdout + result.stderr  # the demo's env: secret stays masked
    assert '"X-Demo-Token": "********"' in result.stdout


def test_with_a_key_and_url_the_demo_pushes_and_then_plans_nothing(demo_env):
    with CronitorEmulator(api_keys=["demo-key"]) as emulator:
        env = {**demo_env, "CRONITOR_API_KEY": "demo-key", "CRONITOR_API_URL": emulator.url}
        pushed = manage(env, "healthchecks", "push")
        assert set(emulator.monitors) == CODE_KEYS | ADMIN_KEYS
        assert len(emulator.monitor_puts()) == 1
        assert "demo-key" not in pushed.stdout + pushed.stderr
        plan = manage(env, "healthchecks", "plan", "--exit-code")
        assert "9 unchanged" in plan.stdout
        requests_before = len(emulator.requests)
        manage(env, "healthchecks", "push")
        # the refresh reads one page; nothing is sent
        assert len(emulator.requests) == requests_before + 1
        assert len(emulator.monitor_puts()) == 1, "a second push with nothing changed sent monitors"


def test_run_in_process_passes_for_the_demo_code_checks(demo_env):
    result = manage(demo_env, "healthchecks", "run", "--in-process", "--source", "code")
    assert "7 passed, 0 failed, 0 error" in result.stdout


def test_run_base_url_against_the_served_demo_passes(demo_env, runserver):
    result = manage(demo_env, "healthchecks", "run", "--base-url", runserver, "--source", "code", "-v", "2")
    assert "7 passed, 0 failed, 0 error" in result.stdout
    assert runserver in result.stdout  # the requests went to the served demo


def test_run_refuses_the_external_admin_check_without_failing(demo_env):
    result = manage(demo_env, "healthchecks", "run", "--key", "adm-example-home", "--allow-refused")
    assert "1 refused" in result.stdout
    assert "www.example.com" in result.stdout
