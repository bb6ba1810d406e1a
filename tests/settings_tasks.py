"""Test settings plus django-tasks-db: for the ``db_worker`` test (tests/test_tasks_worker.py).

The web side and the worker are subprocesses of the test run; ``PGDATABASE`` names the
test database they share with it, and the Cronitor backend sends to the emulator at
``CRONITOR_API_URL`` with ``CRONITOR_API_KEY``.
"""

from __future__ import annotations

import os
from importlib.util import find_spec

from tests.settings import *  # noqa: F403
from tests.settings import HEALTHCHECKS, INSTALLED_APPS

INSTALLED_APPS = [
    *INSTALLED_APPS,
    *([] if find_spec("django.tasks") else ["django_tasks"]),
    "django_tasks_db",
]

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

HEALTHCHECKS = {
    **HEALTHCHECKS,
    "BACKEND": "healthcheck_admin.backends.cronitor.CronitorBackend",
    "BACKOFF_SECONDS": 0.01,
    # tests/test_tasks_worker.py turns the periodic refresh on in its web and worker processes.
    "REFRESH_EVERY_SECONDS": int(os.environ.get("HC_REFRESH_EVERY_SECONDS", "0")),
}
