"""System checks. Every ID is in :mod:`healthcheck_admin.check_ids` and documented in ``docs/checks.rst``.

Settings checks are pure functions of ``settings.HEALTHCHECKS`` (and ``CRONITOR_API_URL`` in the
environment); the URLconf checks walk the loaded URLconf (registered with the ``urls`` tag, so
they run once it loads). What each setting may be is in :mod:`healthcheck_admin.setting_rules`.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning
from django.core.checks import register as register_check
from django.utils.module_loading import import_string

from healthcheck_admin import check_ids as ids
from healthcheck_admin.conf import DEFAULTS, app_settings
from healthcheck_admin.redaction import ENV_PREFIX, is_reference
from healthcheck_admin.setting_rules import (
    KEY_STRATEGIES,
    ON_REMOVE_CHOICES,
    RULES,
    host_of,
    http_url_problem,
)

__all__ = [
    "KEY_STRATEGIES",
    "ON_REMOVE_CHOICES",
    "check_required_routes",
    "check_settings",
    "check_urlconf",
    "register",
]


def _error(check_id: str, message: str, hint: str | None = None) -> CheckMessage:
    return _message(Error, check_id, message, hint)


def _message(
    level: type[Error] | type[Warning], check_id: str, message: str, hint: str | None = None
) -> CheckMessage:
    """A check message at ``level`` with its full ID; the hint is the ID's documented one by default."""
    return level(message, hint=hint or ids.HINTS[check_id], id=ids.full(check_id))


def _setting_errors() -> list[CheckMessage]:
    raw = getattr(settings, "HEALTHCHECKS", {})
    if not isinstance(raw, dict):
        return [_error(ids.SETTING_NOT_A_DICT, f"HEALTHCHECKS must be a dict, got {raw!r}.")]
    errors: list[CheckMessage] = []
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        errors.append(
            _error(
                ids.SETTING_UNKNOWN,
                f"HEALTHCHECKS has unknown keys: {', '.join(map(repr, unknown))}.",
                f"Known keys: {', '.join(sorted(DEFAULTS))}.",
            )
        )
    for name, rule in RULES.items():
        expected = rule(raw[name]) if name in raw else None
        if expected is not None:
            shown = "<hidden>" if name == "API_KEY" or is_reference(raw[name]) else repr(raw[name])
            errors.append(
                _error(
                    ids.SETTING_INVALID,
                    f"HEALTHCHECKS[{name!r}] is {shown}; expected {expected}.",
                    f"See docs/settings.rst for {name}.",
                )
            )
    if raw.get("API_URL") is None and os.environ.get("CRONITOR_API_URL"):
        problem = http_url_problem(os.environ["CRONITOR_API_URL"])
        if problem is not None:
            shown = os.environ["CRONITOR_API_URL"]
            message = f"CRONITOR_API_URL in the environment is {shown!r}; expected {problem}."
            errors.append(_error(ids.ENV_API_URL_INVALID, message))
    errors.extend(_environment_errors(raw))
    backend = raw.get("BACKEND", DEFAULTS["BACKEND"])
    if isinstance(backend, str):
        errors.extend(_backend_errors(backend))
    return errors


def _environment_errors(raw: dict[str, Any]) -> list[CheckMessage]:
    """An ``env:`` HOSTNAME whose variable holds no host, and an expiry without an environment.

    Neither message shows the reference nor the variable's value (the secrets rules).
    """
    errors: list[CheckMessage] = []
    hostname = raw.get("HOSTNAME")
    if is_reference(hostname) and RULES["HOSTNAME"](hostname) is None:
        name = str(hostname)[len(ENV_PREFIX) :]
        if os.environ.get(name) and host_of(os.environ[name]) is None:
            message = (
                "HEALTHCHECKS['HOSTNAME'] is an env: reference to a variable that holds neither a "
                "host name nor an http(s) URL without a path."
            )
            errors.append(_error(ids.HOSTNAME_ENV_INVALID, message))
    if raw.get("EXPIRES_AFTER") is not None and not raw.get("ENVIRONMENT"):
        message = "HEALTHCHECKS['EXPIRES_AFTER'] is set but HEALTHCHECKS['ENVIRONMENT'] is not."
        errors.append(_error(ids.EXPIRES_WITHOUT_ENVIRONMENT, message))
    return errors


def _backend_errors(backend: str) -> list[CheckMessage]:
    from healthcheck_admin.backends.base import BaseBackend

    try:
        backend_class = import_string(backend)
    except ImportError as exc:
        return [
            _error(ids.BACKEND_INVALID, f"HEALTHCHECKS['BACKEND'] {backend!r} cannot be imported: {exc}.")
        ]
    if not (isinstance(backend_class, type) and issubclass(backend_class, BaseBackend)):
        return [
            _error(
                ids.BACKEND_INVALID, f"HEALTHCHECKS['BACKEND'] {backend!r} is not a subclass of BaseBackend."
            )
        ]
    return []


def _warnings() -> list[CheckMessage]:
    raw: dict[str, Any] = getattr(settings, "HEALTHCHECKS", {})
    messages: list[CheckMessage] = []
    unset = is_reference(raw.get("HOSTNAME")) and not app_settings.HOSTNAME
    no_host = "code-defined checks have no host and cannot be pushed."
    if app_settings.BACKEND.endswith("CronitorBackend") and unset:
        message = (
            f"HEALTHCHECKS['HOSTNAME'] is an env: reference to a variable that is not set here, so {no_host}"
        )
        messages.append(_message(Warning, ids.HOSTNAME_ENV_UNSET, message))
    elif app_settings.BACKEND.endswith("CronitorBackend") and not app_settings.HOSTNAME:
        message = f"HEALTHCHECKS['HOSTNAME'] is not set, so {no_host}"
        messages.append(_message(Warning, ids.NO_HOSTNAME, message))
    if app_settings.KEY_STRATEGY == "legacy" and "HTTPS" not in raw:
        message = (
            "KEY_STRATEGY is 'legacy' and HTTPS is not set: django_auto_healthchecks defaulted to "
            "HTTPS = False, this package defaults to HTTPS = True, so the migrated monitors' URLs "
            "change from http:// to https:// at the next push."
        )
        messages.append(_message(Warning, ids.LEGACY_HTTPS, message))
    return messages


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return _setting_errors() or _warnings()


def check_urlconf(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from healthcheck_admin.registry import collect

    if _setting_errors():
        return []
    return [
        _error(problem.id, f"{problem.origin}: {problem.message}")
        for problem in collect(specs=False).problems
    ]


# REQUIRE_LEVEL -> (message level, ID of a route without a check, ID of a pattern naming no route)
_REQUIRE_MESSAGES: dict[str, tuple[type[Error] | type[Warning], str, str]] = {
    "warning": (Warning, ids.REQUIRED_UNCHECKED, ids.REQUIRE_UNMATCHED),
    "error": (Error, ids.REQUIRED_UNCHECKED_ERROR, ids.REQUIRE_UNMATCHED_ERROR),
}


def check_required_routes(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``HEALTHCHECKS["REQUIRE"]``: routes without a check, and patterns naming no route.

    Nothing is walked while REQUIRE is empty, so ``manage.py check`` costs nothing more by default.
    """
    patterns = app_settings.REQUIRE
    if not patterns or _setting_errors():
        return []
    from healthcheck_admin.coverage import required_problems

    level, unchecked_id, unmatched_id = _REQUIRE_MESSAGES[app_settings.REQUIRE_LEVEL]
    missing, unmatched = required_problems(patterns)
    messages = [
        _message(
            level,
            unchecked_id,
            f"route {route.name!r} (/{route.route}) has no healthcheck, and HEALTHCHECKS['REQUIRE'] "
            "requires one.",
        )
        for route in missing
    ]
    messages.extend(
        _message(level, unmatched_id, f"HEALTHCHECKS['REQUIRE'] pattern {pattern!r} matches no named route.")
        for pattern in unmatched
    )
    return messages


def register() -> None:
    register_check(Tags.compatibility)(check_settings)
    register_check(Tags.urls)(check_urlconf)
    register_check(Tags.urls)(check_required_routes)
