"""Settings, read lazily from ``settings.HEALTHCHECKS`` on every access.

Nothing here runs at import time, so ``override_settings`` just works. Every
setting and its default is documented in ``docs/settings.rst``; the system
checks in :mod:`healthcheck_admin.checks` validate the values.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "BACKEND": "healthcheck_admin.backends.cronitor.CronitorBackend",
    "API_KEY": None,
    "API_URL": None,
    "API_VERSION": None,
    "HOSTNAME": None,
    "EXPIRES_AFTER": None,
    "HTTPS": True,
    "ENVIRONMENT": "",
    "PROJECT": "",
    "TAGS": [],
    "BATCH_SIZE": 100,
    "TIMEOUT": 30.0,
    "MAX_RETRIES": 4,
    "BACKOFF_SECONDS": 0.5,
    "SYNC_ON_SAVE": True,
    "ADMIN_SAVE_NEEDS_PUSH_PERMISSION": True,
    "SYNC_ON_STARTUP": True,
    "REFRESH": True,
    "REFRESH_EVERY_SECONDS": 0,
    "UPSERT_ON_MIGRATE": True,
    "ON_REMOVE": "pause",
    "KEY_STRATEGY": "default",
    "SENSITIVE_HEADERS": [],
    "RUN_ALLOWED_HOSTS": [],
    "DEFAULT_INTERVAL_SECONDS": 60,
    "DEFAULT_TIMEOUT_SECONDS": 10,
    "DASHBOARD_URL": "https://cronitor.io/app/monitors/{key}",
    "DEFAULT_NOTIFY": [],
    "LOAD_BALANCED_HOSTS": [],
    "REQUIRE": [],
    "REQUIRE_LEVEL": "warning",
}

DEFAULT_API_URL = "https://cronitor.io/api"
ALWAYS_SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})


class Settings:
    """Typed accessors for ``settings.HEALTHCHECKS``."""

    def _raw(self) -> dict[str, Any]:
        value = getattr(settings, "HEALTHCHECKS", {})
        return value if isinstance(value, dict) else {}

    def get(self, name: str) -> Any:
        return self._raw().get(name, DEFAULTS[name])

    def strings(self, name: str) -> list[str]:
        """A list-of-strings setting; None (or unset with an empty default) is an empty list."""
        return [str(item) for item in self.get(name) or []]

    @property
    def BACKEND(self) -> str:
        return str(self.get("BACKEND"))

    @property
    def API_KEY(self) -> str:
        """The Cronitor API key; ``CRONITOR_API_KEY`` in the environment is the fallback."""
        return str(self.get("API_KEY") or os.environ.get("CRONITOR_API_KEY", ""))

    @property
    def API_URL(self) -> str:
        url = self.get("API_URL") or os.environ.get("CRONITOR_API_URL") or DEFAULT_API_URL
        return str(url).rstrip("/")

    @property
    def API_VERSION(self) -> str | None:
        value = self.get("API_VERSION")
        return str(value) if value else None

    @property
    def HOSTNAME(self) -> str | None:
        """The public host; ``env:NAME`` reads it (a host or an http(s) URL) from the environment.

        An unset variable, or one that holds neither, gives None (as if HOSTNAME were unset;
        ``manage.py check`` says which, without naming the variable).
        """
        value = self.get("HOSTNAME")
        if not value:
            return None
        from healthcheck_admin.redaction import SecretError, is_reference, resolve_secret

        if not is_reference(value):
            return str(value)
        from healthcheck_admin.setting_rules import host_of

        try:
            return host_of(resolve_secret(str(value)))
        except SecretError:
            return None

    @property
    def EXPIRES_AFTER(self) -> str | None:
        """How long the monitors of this (preview) environment live; None: for ever."""
        value = self.get("EXPIRES_AFTER")
        return str(value) if value else None

    @property
    def HTTPS(self) -> bool:
        return bool(self.get("HTTPS"))

    @property
    def ENVIRONMENT(self) -> str:
        return str(self.get("ENVIRONMENT") or "")

    @property
    def PROJECT(self) -> str:
        project = self.get("PROJECT")
        if project:
            return str(project)
        module = getattr(settings, "ROOT_URLCONF", "") or "django"
        return str(module).split(".")[0]

    @property
    def TAGS(self) -> list[str]:
        return self.strings("TAGS")

    @property
    def BATCH_SIZE(self) -> int:
        return int(self.get("BATCH_SIZE"))

    @property
    def TIMEOUT(self) -> float:
        return float(self.get("TIMEOUT"))

    @property
    def MAX_RETRIES(self) -> int:
        return int(self.get("MAX_RETRIES"))

    @property
    def BACKOFF_SECONDS(self) -> float:
        return float(self.get("BACKOFF_SECONDS"))

    @property
    def ADMIN_SAVE_NEEDS_PUSH_PERMISSION(self) -> bool:
        """An admin save by a user without the push permission waits for someone who has it."""
        return bool(self.get("ADMIN_SAVE_NEEDS_PUSH_PERMISSION"))

    @property
    def SYNC_ON_SAVE(self) -> bool:
        return bool(self.get("SYNC_ON_SAVE"))

    @property
    def SYNC_ON_STARTUP(self) -> bool:
        return bool(self.get("SYNC_ON_STARTUP"))

    @property
    def REFRESH(self) -> bool:
        """Whether plan and push read Cronitor first when not told (``--no-refresh`` overrides)."""
        return bool(self.get("REFRESH"))

    @property
    def REFRESH_EVERY_SECONDS(self) -> int:
        """Period of the background refresh through the Tasks framework; 0 turns it off."""
        return int(self.get("REFRESH_EVERY_SECONDS") or 0)

    @property
    def UPSERT_ON_MIGRATE(self) -> bool:
        return bool(self.get("UPSERT_ON_MIGRATE"))

    @property
    def ON_REMOVE(self) -> str:
        return str(self.get("ON_REMOVE"))

    @property
    def KEY_STRATEGY(self) -> str:
        return str(self.get("KEY_STRATEGY"))

    @property
    def SENSITIVE_HEADERS(self) -> frozenset[str]:
        extra = {header.lower() for header in self.strings("SENSITIVE_HEADERS")}
        return ALWAYS_SENSITIVE_HEADERS | extra

    @property
    def RUN_ALLOWED_HOSTS(self) -> list[str]:
        return self.strings("RUN_ALLOWED_HOSTS")

    @property
    def DEFAULT_INTERVAL_SECONDS(self) -> int:
        return int(self.get("DEFAULT_INTERVAL_SECONDS"))

    @property
    def DEFAULT_TIMEOUT_SECONDS(self) -> int:
        return int(self.get("DEFAULT_TIMEOUT_SECONDS"))

    @property
    def DASHBOARD_URL(self) -> str:
        return str(self.get("DASHBOARD_URL"))

    @property
    def DEFAULT_NOTIFY(self) -> list[str]:
        """The notification lists that reach someone when a check names none (plan's warning)."""
        return self.strings("DEFAULT_NOTIFY")

    @property
    def LOAD_BALANCED_HOSTS(self) -> list[str]:
        return self.strings("LOAD_BALANCED_HOSTS")

    @property
    def REQUIRE(self) -> list[str]:
        """fnmatch patterns of route names that must have a check (``manage.py check`` says which do not)."""
        return self.strings("REQUIRE")

    @property
    def REQUIRE_LEVEL(self) -> str:
        """``"warning"`` or ``"error"``: the level of the ``REQUIRE`` system checks."""
        return str(self.get("REQUIRE_LEVEL"))

    @property
    def OWNERSHIP_TAG(self) -> str:
        """The tag that marks monitors this project may pause or delete."""
        env = self.ENVIRONMENT or "default"
        return f"managed-by:healthcheck_admin:{self.PROJECT}:{env}"


app_settings = Settings()
