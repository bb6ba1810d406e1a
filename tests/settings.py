"""Settings for the test suite. ``HEALTHCHECK_TEST_DB=postgres`` switches to PostgreSQL."""

from __future__ import annotations

import os
import tempfile

SECRET_KEY = "healthcheck-admin-tests"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", "example.com"]
USE_TZ = True
SITE_ID = 1
ROOT_URLCONF = "tests.urls"
STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The admin's apps, and sites for Healthcheck(sites=True) (tests/test_variants.py).
CONTRIB_APPS = ["admin", "auth", "contenttypes", "sessions", "messages", "staticfiles", "sites"]
INSTALLED_APPS = [*(f"django.contrib.{app}" for app in CONTRIB_APPS), "healthcheck_admin", "tests.testapp"]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

# Only what the admin needs: the apps' templates and the context processors its system checks
# ask for (admin.E402, admin.E404, admin.W411), in that order.
ADMIN_CONTEXT_PROCESSORS = [
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "django.template.context_processors.request",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ADMIN_CONTEXT_PROCESSORS},
    }
]

if os.environ.get("HEALTHCHECK_TEST_DB") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("PGDATABASE", "test"),
            "USER": os.environ.get("PGUSER", "postgres"),
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
            "TEST": {"NAME": os.environ.get("HEALTHCHECK_TEST_DB_NAME", "test_healthcheck_admin")},
        }
    }
else:
    # A file, not ":memory:": Django's in-memory test database is one shared cache, whose table
    # locks fail at once ("database table is locked") when a background push writes while a test
    # saves a row. A file waits for the other writer (``timeout``), as a deployed SQLite does.
    # Each pytest-xdist worker gets its own file (pytest-django adds the worker's suffix).
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(tempfile.gettempdir(), "healthcheck_admin_tests.sqlite3"),
            # What docs/settings.rst recommends for SQLite: wait for a writer, take the write lock
            # when a transaction starts (no deadlock between a read and a write), and WAL.
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # One file per process: parallel runs of the suite never share one.
            "TEST": {"NAME": os.path.join(tempfile.gettempdir(), f"test_hc_admin_{os.getpid()}.sqlite3")},
        }
    }

HEALTHCHECKS = {
    "BACKEND": "healthcheck_admin.backends.locmem.LocmemBackend",
    "HOSTNAME": "example.com",
    "ENVIRONMENT": "test",
    "SYNC_ON_STARTUP": False,
    # The transport and bookkeeping tests count requests from the first PUT; the refresh
    # tests (tests/test_remote_*.py) turn it on with refresh=True or REFRESH=True.
    "REFRESH": False,
}
