"""``AppConfig.ready()`` and import never touch the database or the network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "migrations_demo"

# Records every database connection attempt while django.setup() runs ready() and the
# package's modules import, and fails on Django's "during app initialization" warning.
PROBE = """
import warnings, django
from django.db import connections
warnings.simplefilter("error")
seen = []
import django.db.backends.base.base as base
original = base.BaseDatabaseWrapper.ensure_connection
def ensure_connection(self):
    seen.append("connect:" + self.alias)
    return original(self)
base.BaseDatabaseWrapper.ensure_connection = ensure_connection
django.setup()
import healthcheck_admin.admin, healthcheck_admin.checks, healthcheck_admin.signals
print("CONNECTIONS", len(seen))
"""


def run(args, cwd=ROOT, **env):
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    environment.pop("CRONITOR_API_KEY", None)
    return subprocess.run(
        args, cwd=cwd, env=environment, capture_output=True, text=True, timeout=120, check=False
    )


def test_setup_and_ready_open_no_database_connection():
    result = run([sys.executable, "-W", "error", "-c", PROBE], DJANGO_SETTINGS_MODULE="tests.settings")
    assert result.returncode == 0, result.stderr
    assert "CONNECTIONS 0" in result.stdout


def test_manage_check_passes_with_warnings_as_errors_for_the_test_project():
    result = run(
        [sys.executable, "-W", "error", "-m", "django", "check"], DJANGO_SETTINGS_MODULE="tests.settings"
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_demo_manage_check_passes_with_warnings_as_errors(tmp_path):
    result = run(
        [sys.executable, "-W", "error", "manage.py", "check"],
        cwd=DEMO,
        DEMO_DB=str(tmp_path / "demo.sqlite3"),
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert not (tmp_path / "demo.sqlite3").exists(), "check must not create or open the database"
