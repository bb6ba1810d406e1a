"""System checks. Every ID is documented in ``docs/checks.rst``.

Settings checks are pure functions of ``settings.HEALTHCHECKS``; the URLconf checks
walk the loaded URLconf (registered with the ``urls`` tag, so they run once it loads).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning
from django.core.checks import register as register_check
from django.utils.module_loading import import_string

from healthcheck_admin.conf import DEFAULTS, app_settings

PREFIX = "healthcheck_admin"
ON_REMOVE_CHOICES = ("pause", "delete", "keep")
KEY_STRATEGIES = ("default", "legacy")

#: What the URLconf problems found by the registry mean, with a hint each.
URLCONF_HINTS: dict[str, str] = {
    "E001": "Fix the healthcheck= argument; the message names the field.",
    "E002": "Check the route name, its namespace and the args/kwargs given to Healthcheck().",
    "E003": "Put healthcheck= on the path()s inside the included URLconf.",
    "E004": "Give the route a name=, or pass Healthcheck(route=...).",
    "E005": "Give one of the checks an explicit, unique key=.",
}


def _error(number: str, message: str, hint: str, obj: Any = None) -> Error:
    return Error(message, hint=hint, obj=obj, id=f"{PREFIX}.{number}")


def _setting_errors() -> list[CheckMessage]:
    raw = getattr(settings, "HEALTHCHECKS", {})
    if not isinstance(raw, dict):
        return [_error("E010", f"HEALTHCHECKS must be a dict, got {raw!r}.", "Set HEALTHCHECKS = {...}.")]
    errors: list[CheckMessage] = []
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        errors.append(
            _error(
                "E011",
                f"HEALTHCHECKS has unknown keys: {', '.join(map(repr, unknown))}.",
                f"Known keys: {', '.join(sorted(DEFAULTS))}.",
            )
        )
    for name, predicate, expected in _RULES:
        if name in raw and not predicate(raw[name]):
            shown = "<hidden>" if name == "API_KEY" else repr(raw[name])
            errors.append(
                _error(
                    "E012",
                    f"HEALTHCHECKS[{name!r}] is {shown}; expected {expected}.",
                    f"See docs/settings.rst for {name}.",
                )
            )
    backend = raw.get("BACKEND", DEFAULTS["BACKEND"])
    if isinstance(backend, str):
        errors.extend(_backend_errors(backend))
    return errors


def _backend_errors(backend: str) -> list[CheckMessage]:
    from healthcheck_admin.backends.base import BaseBackend

    hint = "Use a dotted path such as 'healthcheck_admin.backends.console.ConsoleBackend'."
    try:
        backend_class = import_string(backend)
    except ImportError as exc:
        return [_error("E013", f"HEALTHCHECKS['BACKEND'] {backend!r} cannot be imported: {exc}.", hint)]
    if not (isinstance(backend_class, type) and issubclass(backend_class, BaseBackend)):
        message = f"HEALTHCHECKS['BACKEND'] {backend!r} is not a subclass of BaseBackend."
        return [_error("E013", message, hint)]
    return []


HOST_RE = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+(?::[0-9]{1,5})?$"  # name[:port]
    r"|^\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?$"  # [IPv6][:port]
)


def _is_http_url(value: object) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _is_dashboard_template(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError:
        return False
    return "key" in names and names <= {"key", "code"}


def _is_str_list(value: object) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)


def _is_int_in(low: int, high: int) -> Callable[[object], bool]:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


_RULES: list[tuple[str, Callable[[object], bool], str]] = [
    ("BACKEND", lambda v: isinstance(v, str), "a dotted path string"),
    ("API_KEY", lambda v: v is None or isinstance(v, str), "a string or None"),
    (
        "API_URL",
        lambda v: v is None or _is_http_url(v),
        "an http(s) URL such as 'https://cronitor.io/api'",
    ),
    (
        "HOSTNAME",
        lambda v: v is None or (isinstance(v, str) and HOST_RE.match(v) is not None),
        "a host name such as 'www.example.com' (no scheme, no path, no wildcard)",
    ),
    ("HTTPS", lambda v: isinstance(v, bool), "True or False"),
    ("ENVIRONMENT", lambda v: isinstance(v, str), "a string such as 'production'"),
    ("PROJECT", lambda v: isinstance(v, str), "a string"),
    ("TAGS", _is_str_list, "a list of strings"),
    ("BATCH_SIZE", _is_int_in(1, 1000), "a whole number from 1 to 1000"),
    ("TIMEOUT", _is_number, "a positive number of seconds"),
    ("MAX_RETRIES", _is_int_in(0, 10), "a whole number from 0 to 10"),
    ("BACKOFF_SECONDS", lambda v: _is_number(v) or v == 0, "a number of seconds >= 0"),
    ("SYNC_ON_SAVE", lambda v: isinstance(v, bool), "True or False"),
    ("SYNC_ON_STARTUP", lambda v: isinstance(v, bool), "True or False"),
    ("ON_REMOVE", lambda v: v in ON_REMOVE_CHOICES, f"one of {', '.join(ON_REMOVE_CHOICES)}"),
    ("KEY_STRATEGY", lambda v: v in KEY_STRATEGIES, f"one of {', '.join(KEY_STRATEGIES)}"),
    ("SENSITIVE_HEADERS", _is_str_list, "a list of header names"),
    ("RUN_ALLOWED_HOSTS", _is_str_list, "a list of host names"),
    ("DEFAULT_INTERVAL_SECONDS", _is_int_in(30, 3600), "a whole number of seconds from 30 to 3600"),
    ("DEFAULT_TIMEOUT_SECONDS", _is_int_in(1, 15), "a whole number of seconds from 1 to 15"),
    (
        "DASHBOARD_URL",
        _is_dashboard_template,
        "a URL template containing {key} (the only other placeholder is {code})",
    ),
    ("API_VERSION", lambda v: v is None or isinstance(v, str), "a date string such as '2020-10-01'"),
]


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors = _setting_errors()
    if errors:
        return errors
    messages: list[CheckMessage] = []
    if app_settings.BACKEND.endswith("CronitorBackend") and not app_settings.HOSTNAME:
        messages.append(
            Warning(
                "HEALTHCHECKS['HOSTNAME'] is not set, so code-defined checks have no host "
                "and cannot be pushed.",
                hint="Set HEALTHCHECKS['HOSTNAME'] = 'www.example.com'. "
                "It is never guessed from ALLOWED_HOSTS.",
                id=f"{PREFIX}.W001",
            )
        )
    return messages


def check_urlconf(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from healthcheck_admin.registry import collect

    if _setting_errors():
        return []
    return [
        _error(problem.id, f"{problem.origin}: {problem.message}", URLCONF_HINTS[problem.id])
        for problem in collect(specs=False).problems
    ]


def register() -> None:
    register_check(Tags.compatibility)(check_settings)
    register_check(Tags.urls)(check_urlconf)
