"""Declare Cronitor healthchecks beside your routes, manage them in the Django admin."""

from __future__ import annotations

from healthcheck_admin.declarations import Healthcheck, HealthcheckError
from healthcheck_admin.routing import path, put, re_path, url

__version__ = "0.1.0"

__all__ = ["Healthcheck", "HealthcheckError", "__version__", "path", "put", "re_path", "url"]
