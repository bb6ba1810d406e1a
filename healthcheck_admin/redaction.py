"""Redaction: ``env:NAME`` secret references, masking of sensitive values and scrubbing of text."""

from __future__ import annotations

import os
from collections.abc import Mapping

from healthcheck_admin.conf import app_settings

ENV_PREFIX = "env:"
MASK = "********"


class SecretError(LookupError):
    """An ``env:NAME`` reference names a variable that is not set."""


def is_reference(value: str) -> bool:
    return value.startswith(ENV_PREFIX)


def resolve_secret(value: str) -> str:
    """Return ``value``, or the environment variable it names when written ``env:NAME``."""
    if not is_reference(value):
        return value
    name = value[len(ENV_PREFIX) :]
    try:
        return os.environ[name]
    except KeyError:
        raise SecretError(
            f"environment variable {name!r} is not set; it is referenced as {value!r}"
        ) from None


def resolve_all(values: Mapping[str, str]) -> dict[str, str]:
    return {name: resolve_secret(value) for name, value in values.items()}


def is_sensitive(name: str) -> bool:
    return name.lower() in app_settings.SENSITIVE_HEADERS


def mask_value(name: str, value: str) -> str:
    """Mask a header value for display; an unresolved ``env:`` reference is safe to show."""
    if is_reference(value) or not is_sensitive(name):
        return value
    return MASK


def mask_headers(values: Mapping[str, str]) -> dict[str, str]:
    return {name: mask_value(name, value) for name, value in values.items()}


def mask_cookies(values: Mapping[str, str]) -> dict[str, str]:
    """Cookie values are credentials as often as not: every resolved value is masked."""
    return {name: value if is_reference(value) else MASK for name, value in values.items()}
