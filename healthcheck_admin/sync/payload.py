"""A row as the Cronitor ``check`` monitor it becomes, its fingerprint, and its masked form.

:func:`monitor_for` builds the *unresolved* monitor: ``env:NAME`` header and cookie values
stay references, so it is safe to fingerprint and to store. :func:`resolve` makes the copy
that goes over the wire. :func:`healthcheck_admin.redaction.mask_monitor` makes the copy that
may be shown or logged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.utils import timezone

from healthcheck_admin import expiry
from healthcheck_admin.conf import app_settings
from healthcheck_admin.redaction import SecretError, resolve_all
from healthcheck_admin.registry import fingerprint as canonical_fingerprint
from healthcheck_admin.tracking import json_copy

if TYPE_CHECKING:
    from healthcheck_admin.models import HealthcheckDefinition

Monitor = dict[str, Any]


class PayloadError(ValueError):
    """A row cannot become a monitor; the message says what to fix."""


def _tags(row: HealthcheckDefinition) -> list[str]:
    ordered = [*app_settings.TAGS, *row.effective_tags, app_settings.OWNERSHIP_TAG, expiry.tag()]
    return list(dict.fromkeys(tag for tag in ordered if tag))


def _check_url(row: HealthcheckDefinition) -> None:
    parts = urlsplit(row.url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return
    if not app_settings.HOSTNAME:
        raise PayloadError(
            f"HEALTHCHECKS['HOSTNAME'] is not set, so the URL {row.url!r} has no host; "
            "set it to the public host name, e.g. 'www.example.com'"
        )
    raise PayloadError(f"url {row.url!r} is not an absolute http(s) URL; give it a scheme and a host")


def monitor_for(row: HealthcheckDefinition) -> Monitor:
    """The unresolved monitor for ``row``; raises :class:`PayloadError` if the row has no host.

    Only fields that the declaration or the row sets are present: an empty ``notify``, ``note``,
    ``assertions``, ``headers``, ``cookies``, ``body``, ``regions``, ``realert_interval`` or
    ``group`` and an unset ``paused`` or ``failure_tolerance`` are omitted, so that Cronitor keeps
    whatever ops set on the dashboard (omitted = leave as is).
    """
    _check_url(row)
    request: dict[str, Any] = {"url": row.url, "method": row.method}
    for name in ("headers", "cookies"):
        if getattr(row, name):
            request[name] = dict(getattr(row, name))
    if row.body:
        request["body"] = row.body
    request["timeout_seconds"] = row.timeout_seconds
    if row.regions:
        request["regions"] = list(row.regions)
    request["follow_redirects"] = row.follow_redirects
    request["verify_ssl"] = row.verify_ssl
    monitor: Monitor = {
        "type": "check",
        "key": row.key,
        "name": row.display_name,
        "schedule": f"every {row.interval_seconds} seconds",
        "request": request,
        "tags": _tags(row),
    }
    if row.assertions:
        monitor["assertions"] = list(row.assertions)
    if row.override_notify is not None or row.notify:
        monitor["notify"] = row.effective_notify
    if row.effective_note:
        monitor["note"] = row.effective_note
    if row.effective_failure_tolerance is not None:
        monitor["failure_tolerance"] = row.effective_failure_tolerance
    for name in ("realert_interval", "group"):
        if getattr(row, f"effective_{name}"):
            monitor[name] = getattr(row, f"effective_{name}")
    if row.override_paused is not None or row.paused:
        monitor["paused"] = row.effective_paused
    if "paused" in monitor and row.snoozed_until is not None and row.snoozed_until > timezone.now():
        del monitor["paused"]  # a timed pause (snooze) stands on Cronitor until it expires by itself
    return monitor


def resolve(monitor: Monitor) -> Monitor:
    """A copy with ``env:NAME`` header and cookie values read from the environment.

    Raises :class:`PayloadError` naming the header and the variable (never a value).
    """
    resolved: Monitor = json_copy(monitor)
    request = resolved.get("request") or {}
    for part in ("headers", "cookies"):
        try:
            request[part] = resolve_all(request.get(part) or {})
        except SecretError as exc:
            raise PayloadError(f"request {part}: {exc}; set the variable or change the value") from None
    return resolved


def fingerprint(monitor: Monitor) -> str:
    """SHA-256 of the unresolved monitor (so secrets never reach the database)."""
    return canonical_fingerprint(monitor)


def flatten(monitor: Monitor | None) -> dict[str, Any]:
    """``{"name": ..., "request.url": ...}``: one entry per pushed field, for diffs."""
    flat: dict[str, Any] = {}
    for name, value in (monitor or {}).items():
        if name == "request" and isinstance(value, dict):
            flat.update({f"request.{sub}": item for sub, item in value.items()})
        else:
            flat[name] = value
    return flat


def diff(old: Monitor | None, new: Monitor) -> dict[str, tuple[Any, Any]]:
    """Changed fields of two *masked* monitors: ``{field: (old, new)}``; absent is None."""
    before, after = flatten(old), flatten(new)
    names = sorted(set(before) | set(after))
    return {
        name: (before.get(name), after.get(name)) for name in names if before.get(name) != after.get(name)
    }
