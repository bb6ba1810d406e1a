"""Demo settings: SQLite, no network. Environment variables:

- ``CRONITOR_API_KEY``: with it the Cronitor backend pushes for real; without it the
  console backend prints what it would send.
- ``CRONITOR_API_URL``: the monitor API, e.g. the emulator's ``http://127.0.0.1:8765/api``.
- ``DEMO_HOSTNAME``: the host the checks call (default ``127.0.0.1:8000``, the runserver).
- ``DEMO_DB``: the SQLite file (default ``db.sqlite3`` beside manage.py).
"""

from __future__ import annotations

import os
from pathlib import Path

# Demo values for the env: secrets the seeded checks reference (never do this with real secrets).
os.environ.setdefault("DEMO_TOKEN", "demo-token-value")
os.environ.setdefault("DEMO_STATUS_TOKEN", "Bearer demo-status-token")

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "demo-only-not-secret")
DEBUG = os.environ.get("DEMO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "healthcheck_admin",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "demo.urls"
WSGI_APPLICATION = "demo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

if os.environ.get("DEMO_DATABASE_URL_POSTGRES"):
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ["DEMO_DATABASE_URL_POSTGRES"],
            "USER": os.environ.get("PGUSER", "postgres"),
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("DEMO_DB", str(BASE_DIR / "db.sqlite3")),
            # A background push's bookkeeping and a request's write wait for each other
            # instead of failing (see "SQLite" in docs/settings.rst).
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }

USE_TZ = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_API_KEY = os.environ.get("CRONITOR_API_KEY", "")
HEALTHCHECKS = {
    "BACKEND": (
        "healthcheck_admin.backends.cronitor.CronitorBackend"
        if _API_KEY
        else "healthcheck_admin.backends.console.ConsoleBackend"
    ),
    "HOSTNAME": os.environ.get("DEMO_HOSTNAME", "127.0.0.1:8000"),
    "HTTPS": os.environ.get("DEMO_HTTPS", "0") == "1",
    "ENVIRONMENT": os.environ.get("DEMO_ENVIRONMENT", "demo"),
    "PROJECT": "migrations_demo",
    "TAGS": ["demo"],
    "SENSITIVE_HEADERS": ["X-Demo-Token"],
    # Routes that must keep a check: manage.py check warns when one loses it (docs/coverage.rst).
    "REQUIRE": ["index", "shop:*"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"healthcheck_admin": {"handlers": ["console"], "level": "INFO"}},
}
