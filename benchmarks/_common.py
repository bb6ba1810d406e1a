"""Shared set-up for the benchmarks: a throw-away Django project on SQLite (or PostgreSQL)."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(settings_module: str = "tests.settings") -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()


def configure_cronitor(database: str, api_url: str, api_key: str, **healthchecks: object) -> None:
    """``settings.configure()`` for a child process: a SQLite file and the Cronitor backend at ``api_url``."""
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        USE_TZ=True,
        SECRET_KEY="bench",
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "healthcheck_admin"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": database}},
        HEALTHCHECKS={
            "BACKEND": "healthcheck_admin.backends.cronitor.CronitorBackend",
            "API_KEY": api_key,
            "API_URL": api_url,
            "HOSTNAME": "example.com",
            "ENVIRONMENT": "bench",
            "SYNC_ON_SAVE": False,
            "SYNC_ON_STARTUP": False,
            **healthchecks,
        },
    )


def create_schema() -> None:
    """Create a database of the benchmark's own, migrate it, and drop it when the benchmark exits.

    Django's test-database machinery does the work, so a benchmark never writes to a database
    that it did not create: on PostgreSQL, ``bench_healthcheck_admin_<pid>`` (the server's own
    databases, ``postgres`` and ``test`` included, are only ever used to create and drop it); on
    SQLite, the test settings' per-process file.
    """
    import atexit

    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if connection.vendor == "postgresql":
        connection.settings_dict["TEST"]["NAME"] = f"bench_healthcheck_admin_{os.getpid()}"
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    atexit.register(connection.creation.destroy_test_db, original, verbosity=0)


def timed(function: Callable[[], object], repeat: int = 3) -> float:
    """Median wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def machine() -> str:
    import platform

    return f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}"
