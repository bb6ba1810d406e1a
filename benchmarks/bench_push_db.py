"""Benchmark: push 1,000 changed checks on SQLite (a file) and on PostgreSQL, in the same run.

The backend is ``locmem`` (no network), so what is measured is the push's own work: building
the monitors and the bookkeeping (each batch claimed, then its outcome written, a constant
number of statements per batch). Target: SQLite within 2x of PostgreSQL.

Run: ``python benchmarks/bench_push_db.py``. Each database is created for this run and removed
at the end: a temporary SQLite file, and a PostgreSQL database named
``bench_push_<pid>_<random>`` on 127.0.0.1:5432 (dropped even if the run fails).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1000
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}


def child(engine: str, name: str) -> None:
    """Configure Django on the given database, migrate, create ``ROWS`` rows and time one push."""
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    database: dict[str, object] = {"ENGINE": engine, "NAME": name}
    if engine.endswith("sqlite3"):
        database["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    else:
        database.update(HOST=PG["host"], PORT=PG["port"], USER=PG["user"])
    settings.configure(
        DATABASES={"default": database},
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "healthcheck_admin"],
        ROOT_URLCONF="benchmarks._empty_urls",
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        HEALTHCHECKS={
            "BACKEND": "healthcheck_admin.backends.locmem.LocmemBackend",
            "HOSTNAME": "bench.example.com",
            "SYNC_ON_SAVE": False,
            "SYNC_ON_STARTUP": False,
            "UPSERT_ON_MIGRATE": False,
        },
    )
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from healthcheck_admin.models import HealthcheckDefinition
    from healthcheck_admin.sync.service import push

    call_command("migrate", verbosity=0)
    HealthcheckDefinition.objects.bulk_create(
        HealthcheckDefinition(key=f"adm-bench-{n:04d}", url=f"https://bench.example.com/{n}", tags=["bench"])
        for n in range(ROWS)
    )
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        report = push()
        seconds = time.perf_counter() - started
    assert len(report.synced) == ROWS, report.summary()
    assert HealthcheckDefinition.objects.filter(status="synced").count() == ROWS
    print(json.dumps({"seconds": seconds, "queries": len(queries.captured_queries)}))


def run(engine: str, name: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", engine, name],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the {engine} run failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    import psycopg

    dbname = f"bench_push_{os.getpid()}_{secrets.token_hex(4)}"
    admin = "host={host} port={port} user={user} dbname=postgres".format(**PG)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{dbname}"')
    try:
        with tempfile.TemporaryDirectory(prefix="bench-push-") as tmp:
            sqlite = run("django.db.backends.sqlite3", str(Path(tmp) / "bench.sqlite3"))
        postgres = run("django.db.backends.postgresql", dbname)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    ratio = sqlite["seconds"] / postgres["seconds"]
    print(f"bench_push_db: push of {ROWS} changed checks (locmem backend), same run")
    print(f"{'database':<12}{'time':>10}{'queries':>10}")
    print(f"{'sqlite':<12}{sqlite['seconds']:>9.2f}s{sqlite['queries']:>10}")
    print(f"{'postgresql':<12}{postgres['seconds']:>9.2f}s{postgres['queries']:>10}")
    print(f"ratio sqlite / postgresql: {ratio:.2f} (target <= 2.00) {'OK' if ratio <= 2 else 'OVER'}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
