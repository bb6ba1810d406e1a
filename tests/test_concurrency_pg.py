"""Concurrent upserts from several real processes on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from healthcheck_admin.models import HealthcheckDefinition

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent
WORKERS = 6

SCRIPT = """
import os, sys, time
import django
django.setup()
from healthcheck_admin.upsert import sync_code_checks
start = float(sys.argv[1])
time.sleep(max(0.0, start - time.time()))
result = sync_code_checks(force=sys.argv[2] == "force")
print("RESULT", "skipped" if result.skipped else result.summary())
"""


def start_workers(mode: str) -> list[subprocess.CompletedProcess[str]]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "HEALTHCHECK_TEST_DB": "postgres",
        "PGDATABASE": connection.settings_dict["NAME"],
    }
    start = time.time() + 2.0  # every process imports Django first, then all start together
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, str(start), mode],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WORKERS)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return results


@pytest.mark.parametrize("mode", ["force", "startup"])
def test_concurrent_upserts_never_conflict_or_duplicate(mode):
    results = start_workers(mode)
    for result in results:
        assert result.returncode == 0, result.stderr
        assert "IntegrityError" not in result.stderr
    keys = list(HealthcheckDefinition.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == 5
    summaries = [line for r in results for line in r.stdout.splitlines() if line.startswith("RESULT")]
    assert len(summaries) == WORKERS
    if mode == "startup":
        # Once per deploy: one process upserts, the others find the fingerprint current.
        assert sum("skipped" in line for line in summaries) == WORKERS - 1
