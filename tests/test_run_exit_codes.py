"""``healthchecks run``: a run is green only when checks ran; an unwritable ``--junit`` comes last."""

from __future__ import annotations

from pathlib import Path
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
        yield running


def test_every_check_refused_exits_3(server: Any) -> None:
    HealthcheckDefinition.objects.create(key="adm-meta", url="http://169.254.169.254/latest/")
    code, out, message = run()
    assert code == 3
    assert "0 passed, 0 failed, 0 error, 1 refused" in out
    assert "1 of 1 checks were refused" in message
    assert run("--allow-refused")[0] == 0


def test_one_refused_among_passing_checks_exits_3(server: Any) -> None:
    HealthcheckDefinition.objects.create(key="adm-ok", url=server.url("/json"))
    HealthcheckDefinition.objects.create(key="adm-meta", url="http://169.254.169.254/latest/")
    assert run()[0] == 3
    assert run("--allow-refused")[0] == 0


def test_a_failure_outranks_a_refusal(server: Any) -> None:
    HealthcheckDefinition.objects.create(key="adm-down", url=server.url("/status/503"))
    HealthcheckDefinition.objects.create(key="adm-meta", url="http://169.254.169.254/latest/")
    assert run()[0] == 1
    assert run("--allow-refused")[0] == 1


def test_no_check_at_all_exits_3(server: Any) -> None:
    code, out, message = run()
    assert (code, "0 checks" in out) == (3, True)
    assert "no check ran" in message


@pytest.mark.parametrize("kind", ["missing-directory", "a-directory"])
def test_an_unwritable_junit_file_prints_the_results_then_exits_2(
    server: Any, tmp_path: Path, kind: str
) -> None:
    HealthcheckDefinition.objects.create(key="adm-ok", url=server.url("/json"))
    HealthcheckDefinition.objects.create(key="adm-down", url=server.url("/status/503"))
    target = tmp_path / "nowhere" / "junit.xml" if kind == "missing-directory" else tmp_path
    code, out, message = run("--junit", str(target))
    assert code == 2
    assert "FAIL    adm-down" in out
    assert "2 checks: 1 passed, 1 failed" in out
    assert repr(str(target)) in message
    assert "could not be written" in message
    assert "Traceback" not in message


def test_every_command_has_a_row_in_the_exit_code_table() -> None:
    """docs/commands.rst keeps all exit codes in one table; a new subcommand must add its row."""
    from healthcheck_admin.cli import SUBCOMMANDS

    text = (Path(__file__).resolve().parent.parent / "docs" / "commands.rst").read_text(encoding="utf-8")
    table = text.split(":name: exit-codes", 1)[1].split("\n\n\n", 1)[0]
    rows = [row for row in table.split("   * - ")[2:]]
    commands = [row.split("\n", 1)[0].strip().strip("`") for row in rows]
    assert sorted(commands) == sorted(SUBCOMMANDS)
    header = table.split("   * - ")[1]
    assert [cell.strip() for cell in header.split("- ")][1:] == ["0", "1", "2", "3"]
