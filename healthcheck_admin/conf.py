"""Settings, read lazily from ``settings.HEALTHCHECKS`` on every access.

Nothing here runs at import time, so ``override_settings`` just works. Every
setting and its default is documented in ``docs/settings.rst``; the system
checks in :mod:`healthcheck_admin.checks` validate the values.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

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


T = TypeVar("T")


def _strings(value: Any) -> list[str]:
    """A list-of-strings setting; None (or unset with an empty default) is an empty list."""
    return [str(item) for item in value or []]


class Setting(Generic[T]):
    """A setting read as ``convert(value)``, the value or its default; named after its attribute."""

    def __init__(self, convert: Callable[[Any], T]) -> None:
        self.convert = convert

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, conf: None, owner: type | None = None) -> Setting[T]: ...
    @overload
    def __get__(self, conf: Settings, owner: type | None = None) -> T: ...
    def __get__(self, conf: Settings | None, owner: type | None = None) -> T | Setting[T]:
        return self if conf is None else self.convert(conf.get(self.name))


class Settings:
    """Typed accessors for ``settings.HEALTHCHECKS``."""

    def _raw(self) -> dict[str, Any]:
        value = getattr(settings, "HEALTHCHECKS", {})
        return value if isinstance(value, dict) else {}

    def get(self, name: str) -> Any:
        return self._raw().get(name, DEFAULTS[name])

    def strings(self, name: str) -> list[str]:
        """A list-of-strings setting; None (or unset with an empty default) is an empty list."""
        return _strings(self.get(name))

    BACKEND = Setting(str)
    HTTPS = Setting(bool)
    TAGS = Setting(_strings)
    BATCH_SIZE = Setting(int)
    TIMEOUT = Setting(float)
    MAX_RETRIES = Setting(int)
    BACKOFF_SECONDS = Setting(float)
    #: An admin save by a user without the push permission waits for someone who has it.
    ADMIN_SAVE_NEEDS_PUSH_PERMISSION = Setting(bool)
    SYNC_ON_SAVE = Setting(bool)
    SYNC_ON_STARTUP = Setting(bool)
    #: Whether plan and push read Cronitor first when not told (``--no-refresh`` overrides).
    REFRESH = Setting(bool)
    UPSERT_ON_MIGRATE = Setting(bool)
    ON_REMOVE = Setting(str)
    KEY_STRATEGY = Setting(str)
    RUN_ALLOWED_HOSTS = Setting(_strings)
    DEFAULT_INTERVAL_SECONDS = Setting(int)
    DEFAULT_TIMEOUT_SECONDS = Setting(int)
    DASHBOARD_URL = Setting(str)
    #: The notification lists that reach someone when a check names none (plan's warning).
    DEFAULT_NOTIFY = Setting(_strings)
    LOAD_BALANCED_HOSTS = Setting(_strings)
    #: fnmatch patterns of route names that must have a check (``manage.py check`` says which do not).
    REQUIRE = Setting(_strings)
    #: ``"warning"`` or ``"error"``: the level of the ``REQUIRE`` system checks.
    REQUIRE_LEVEL = Setting(str)

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
    def REFRESH_EVERY_SECONDS(self) -> int:
        """Period of the background refresh through the Tasks framework; 0 turns it off."""
        return int(self.get("REFRESH_EVERY_SECONDS") or 0)

    @property
    def SENSITIVE_HEADERS(self) -> frozenset[str]:
        extra = {header.lower() for header in self.strings("SENSITIVE_HEADERS")}
        return ALWAYS_SENSITIVE_HEADERS | extra

    @property
    def OWNERSHIP_TAG(self) -> str:
        """The tag that marks monitors this project may pause or delete."""
        env = self.ENVIRONMENT or "default"
        return f"managed-by:healthcheck_admin:{self.PROJECT}:{env}"


app_settings = Settings()
