"""``healthchecks run --repeat N``: each check's flake rate, against a server that fails every other time."""

from __future__ import annotations

import json
from typing import Any

import pytest

from healthcheck_admin.models import HealthcheckDefinition
from tests.servers import serve
from tests.sync_utils import healthchecks
from tests.utils import run_admin_rows as run

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(settings: Any) -> Any:
    healthchecks(settings, RUN_ALLOWED_HOSTS=["127.0.0.1"])
    with serve() as running:
        HealthcheckDefinition.objects.create(
            key="adm-flaky", url=running.url("/flaky/a"), assertions=["response.code = 200"]
        )
        HealthcheckDefinition.objects.create(
            key="adm-steady", url=running.url("/text"), assertions=["response.code = 200"]
        )
        yield running


def test_repeat_reports_each_checks_flake_rate_and_exits_1_when_any_run_failed(server: Any) -> None:
    code, out, message = run("--repeat", "4")

    assert code == 1
    assert message == "some healthchecks failed"
    assert "adm-flaky: flake rate 2/4 (50%)" in out
    assert "adm-steady: flake rate 0/4 (0%)" in out
    flaky = [seen for seen in server.recorder.seen if seen["path"] == "/flaky/a"]
    assert len(flaky) == 4


def test_repeat_in_json_carries_runs_and_failures(server: Any) -> None:
    code, out, _ = run("--repeat", "3", "--json")

    by_key = {entry["key"]: entry for entry in json.loads(out)}
    assert code == 1
    assert (by_key["adm-flaky"]["runs"], by_key["adm-flaky"]["failures"]) == (3, 1)  # 200, 500, 200
    assert by_key["adm-flaky"]["state"] == "failed"  # the first failure is the one reported
    assert by_key["adm-steady"]["flake_rate"] == 0


def test_a_check_that_passes_every_run_exits_0(server: Any) -> None:
    code, out, _ = run("--repeat", "3", "--key", "adm-steady")
    assert code == 0
    assert "adm-steady: flake rate 0/3 (0%)" in out


@pytest.mark.parametrize("bad", ["0", "-2", "1001"])
def test_a_bad_repeat_is_misconfiguration(server: Any, bad: str) -> None:
    code, _, message = run("--repeat", bad)
    assert code == 2
    assert f"--repeat must be a whole number from 1 to 1000, got {bad}" in message
    assert server.recorder.seen == []
