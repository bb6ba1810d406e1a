"""Deploy the demo to gunicorn workers against a fresh PostgreSQL database and the Cronitor emulator.

Used by ``tests/test_deploys.py`` and ``benchmarks/bench_deploys.py``::

    with deployment() as site:                     # createdb, emulator; dropdb at the end
        site.write_urls(render(20))                # migrations_demo/deploy_urls_template.py
        site.migrate()                             # once: post_migrate upserts, marks a push due
        result = site.deploy()                     # 8 workers start, each runs the startup hook
        assert result.requests == [] ...

Every wait is bounded; a worker that never logs its hook fails the deploy with the log.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

import healthcheck_admin
from healthcheck_admin.testing.emulator import CronitorEmulator, RecordedRequest
from tests.deploy_gunicorn import DEMO, WORKERS, Gunicorn

#: Where this process found healthcheck_admin (the repository, or site-packages under tox's
#: installed wheel): the subprocesses import the same copy.
PACKAGE_DIR = Path(healthcheck_admin.__file__).resolve().parent.parent
PG = {"host": "127.0.0.1", "user": "postgres", "port": "5432"}
CONNINFO = "host={host} port={port} user={user} dbname={dbname}"
API_KEY = "deploy-harness-key"
HOOK = "Healthcheck startup hook"
#: Lines the background (post_save) pushes of healthcheck_admin.sync.tasks log when they end.
PUSH_DONE = re.compile(
    r"^(Pushed \d+ monitor|Push of \d+ monitor\(s\) had failures|Background push of)", re.M
)
#: Log lines that mean something went wrong: an exception, an error, a hook or push that failed.
PROBLEMS = re.compile(r"IntegrityError|Traceback|Exception|\[ERROR\]|hook failed|\b[1-9]\d* failed")
TABLE = "healthcheck_admin_healthcheckdefinition"

INSPECT = """
import json
import django
django.setup()
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync.payload import PayloadError, monitor_for, resolve
rows = {}
for row in HealthcheckDefinition.objects.all():
    try:
        payload = resolve(monitor_for(row))
    except PayloadError as exc:
        payload = {"error": str(exc)}
    rows[row.key] = {"pk": row.pk, "source": row.source, "route": row.route, "status": row.status,
                     "monitor_code": row.monitor_code, "removed": row.removed_at is not None,
                     "payload": payload}
print(json.dumps(rows))
"""


def _pg(program: str, *args: str) -> None:
    command = [program, "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], *args]
    subprocess.run(command, check=True, capture_output=True, timeout=60)


@dataclass
class DeployResult:
    """One deploy: the emulator requests made while it ran, and gunicorn's log."""

    requests: list[RecordedRequest]
    log: str
    seconds: float

    @property
    def sent_keys(self) -> list[str]:
        """Keys of the monitors sent in batch PUTs, in order, repeats kept."""
        return [
            str(m.get("key"))
            for r in self.requests
            if r.method == "PUT" and r.path.rstrip("/") == "/api/monitors" and isinstance(r.json, dict)
            for m in r.json.get("monitors", [])
            if isinstance(m, dict)
        ]

    @property
    def hook_lines(self) -> list[str]:
        return [line for line in self.log.splitlines() if HOOK in line]

    @property
    def pushes(self) -> int:
        """How many workers pushed from their startup hook."""
        return sum("push: " in line for line in self.hook_lines)

    def problems(self) -> list[str]:
        """Log lines that name an IntegrityError, a traceback, an error or a failure."""
        return [line for line in self.log.splitlines() if PROBLEMS.search(line)]


class Deployment:
    """A fresh database, the emulator, and a work directory holding the generated ``deploy_urls``."""

    def __init__(self, work: Path, dbname: str, emulator: CronitorEmulator) -> None:
        self.work = work
        self.dbname = dbname
        self.emulator = emulator
        self.deploys = 0
        #: Extra environment for every process, e.g. ``{"DEMO_BATCH_SIZE": "5"}``.
        self.extra_env: dict[str, str] = {}

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(self.work), str(DEMO), str(PACKAGE_DIR)]),
            "PYTHONDONTWRITEBYTECODE": "1",  # a rewritten deploy_urls.py must never load a stale .pyc
            "DJANGO_SETTINGS_MODULE": "deploy_settings",
            "DEMO_URLCONF": "deploy_urls",
            "DEMO_DATABASE_URL_POSTGRES": self.dbname,
            "DEMO_HOSTNAME": "127.0.0.1:8000",
            "DEMO_DEBUG": "0",
            "CRONITOR_API_KEY": self.emulator.api_key,
            "CRONITOR_API_URL": self.emulator.url,
            **self.extra_env,
            **extra,
        }

    def write_urls(self, source: str) -> None:
        (self.work / "deploy_urls.py").write_text(source)

    def manage(
        self, *args: str, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=DEMO,
            env=self.env(DJANGO_SUPERUSER_PASSWORD="deploy-admin-pw"),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
        return done

    def migrate(self) -> None:
        self.manage("migrate", "--verbosity", "0")

    def create_superuser(self, username: str = "admin") -> tuple[str, str]:
        self.manage("createsuperuser", "--noinput", "--username", username, "--email", "a@example.com")
        return username, "deploy-admin-pw"

    def sql(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(CONNINFO.format(dbname=self.dbname, **PG), autocommit=True) as connection:
            return list(connection.execute(query, params).fetchall())

    def duplicate_keys(self) -> list[str]:
        rows = self.sql(f"SELECT key FROM {TABLE} GROUP BY key HAVING count(*) > 1")
        return [str(row[0]) for row in rows]

    def key_of(self, route: str) -> str:
        rows = self.sql(f"SELECT key FROM {TABLE} WHERE route = %s AND source = 'code'", (route,))
        if len(rows) != 1:
            raise AssertionError(f"expected one code row for route {route!r}, found {len(rows)}")
        return str(rows[0][0])

    def rows(self) -> dict[str, dict[str, Any]]:
        """Every row with its status and the resolved payload the sync would send now."""
        done = subprocess.run(
            [sys.executable, "-c", INSPECT],
            cwd=DEMO,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0:
            raise AssertionError(f"inspecting the table failed:\n{done.stderr}")
        rows: dict[str, dict[str, Any]] = json.loads(done.stdout)
        return rows

    def plan(self) -> dict[str, int]:
        """The action counts of ``manage.py healthchecks plan --json``."""
        counts: dict[str, int] = json.loads(self.manage("healthchecks", "plan", "--json").stdout)["counts"]
        return counts

    def start(self, workers: int = WORKERS) -> Gunicorn:
        self.deploys += 1
        return Gunicorn(self.env(), self.work / f"gunicorn-{self.deploys}.log", workers)

    def deploy(self, workers: int = WORKERS, timeout: float = 120) -> DeployResult:
        """Start gunicorn, wait until every worker's startup hook has finished, serve one page, stop."""
        before = len(self.emulator.requests)
        started = time.monotonic()
        server = self.start(workers)
        try:
            server.wait_for(re.escape(HOOK), workers, timeout)
            seconds = time.monotonic() - started
            if server.get("/admin/login/") != 200:
                raise AssertionError(f"the admin login page did not answer 200; log:\n{server.log()}")
        finally:
            server.stop()
        with self.emulator.lock:
            requests = list(self.emulator.requests[before:])
        return DeployResult(requests, server.log(), seconds)


def disagreements(rows: Mapping[str, Mapping[str, Any]], monitors: Mapping[str, Any]) -> list[str]:
    """Where the table and the emulator differ: each active row's stored monitor must equal its payload.

    Header and cookie values are never printed (they may hold resolved secrets).
    """
    problems: list[str] = []
    for key, row in sorted(rows.items()):
        remote = monitors.get(key)
        if row["removed"]:
            if row["status"] != "removed" or (remote is not None and not remote.get("paused")):
                problems.append(f"{key}: removed from code, but status {row['status']!r} or not paused")
            continue
        if remote is None:
            problems.append(f"{key}: the emulator has no monitor")
            continue
        if row["status"] != "synced" or row["monitor_code"] != remote["attributes"]["code"]:
            problems.append(f"{key}: status {row['status']!r}, code {row['monitor_code']!r}")
        for name, value in row["payload"].items():
            if name == "request":
                differ = [sub for sub, item in value.items() if remote["request"].get(sub) != item]
                problems += [f"{key}: request.{sub} differs" for sub in differ]
            elif remote.get(name) != value:
                problems.append(f"{key}: {name} is {remote.get(name)!r} remotely, {value!r} in the table")
    problems += [f"{key}: monitor not in the table" for key in sorted(set(monitors) - set(rows))]
    return problems


@contextmanager
def deployment(prefix: str = "hc_deploys") -> Iterator[Deployment]:
    """A fresh database named ``<prefix>_<pid>_<random>`` and a running emulator; both go at the end."""
    dbname = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    _pg("createdb", dbname)
    try:
        with tempfile.TemporaryDirectory(prefix="hc-deploy-") as tmp, CronitorEmulator(API_KEY) as emulator:
            yield Deployment(Path(tmp), dbname, emulator)
    finally:
        _pg("dropdb", "--if-exists", "--force", dbname)
