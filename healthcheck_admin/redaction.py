"""Redaction, the one home of the rules: ``env:NAME`` references, masking, scrubbing and cutting.

*Masking* replaces a value by :data:`MASK` where it is shown (the admin, ``plan``, stored
payloads, the console backend). *Scrubbing* removes known secret values from free text that
a server may have echoed (error messages, response excerpts). The rules:

- a header is sensitive when its name (any case) is ``Authorization``, ``Proxy-Authorization``,
  ``Cookie``, ``X-Api-Key`` or is listed in ``HEALTHCHECKS["SENSITIVE_HEADERS"]``;
  its value is masked;
- every cookie value is masked, whatever the cookie's name: cookies are credentials as
  often as not;
- an ``env:NAME`` reference is masked in every header (sensitive or not) and cookie, and
  neither the reference nor the value it resolves to appears in free text or errors: an
  unset variable's error names the header or cookie, not the variable;
- a response header is masked in reasons when it is sensitive or ``Set-Cookie``.

Text is scrubbed *before* it is cut, a prefix of a secret of 8 characters or more is masked
wherever it appears, and a shorter one that remains at the cut is masked too (:func:`clip`).
Values shorter than :data:`MIN_SECRET` characters are not
scrubbed from free text: replacing ``"1"`` everywhere would make every message unreadable.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Collection, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from healthcheck_admin.conf import ALWAYS_SENSITIVE_HEADERS, app_settings
from healthcheck_admin.limits import MASK as MASK  # re-exported: redaction is where callers find it

ENV_PREFIX = "env:"
#: The shortest value :func:`scrub` removes from text, and the shortest prefix :func:`clip` removes.
MIN_SECRET = 4
#: A prefix of a secret this long is masked wherever it appears (it could identify the secret).
PREFIX_CHARS = 8
ELLIPSIS = "…"
_ALWAYS_MASKED_REPLIES = ALWAYS_SENSITIVE_HEADERS | {"set-cookie"}


class SecretError(LookupError):
    """An ``env:NAME`` reference names a variable that is not set (the message names neither)."""


# -- env: references ---------------------------------------------------------------------------------


def is_reference(value: object) -> bool:
    return isinstance(value, str) and value.startswith(ENV_PREFIX)


def resolve_secret(value: str) -> str:
    """Return ``value``, or the environment variable it names when written ``env:NAME``."""
    if not is_reference(value):
        return value
    try:
        return os.environ[value[len(ENV_PREFIX) :]]
    except KeyError:
        raise SecretError("its env: reference names an environment variable that is not set") from None


def resolve_all(values: Mapping[str, str]) -> dict[str, str]:
    """``values`` resolved; an unset variable's :class:`SecretError` names the entry, not the variable."""
    resolved: dict[str, str] = {}
    for name, value in values.items():
        try:
            resolved[name] = resolve_secret(value)
        except SecretError as exc:
            raise SecretError(f"{name!r}: {exc}") from None
    return resolved


# -- which names are sensitive -----------------------------------------------------------------------


def is_sensitive(name: str) -> bool:
    """Whether a request header's value is a credential (the built-in names and ``SENSITIVE_HEADERS``)."""
    return name.lower() in app_settings.SENSITIVE_HEADERS


def is_masked(name: str) -> bool:
    """Whether a *response* header's value must stay out of reasons: sensitive, or ``Set-Cookie``.

    Works without configured settings (the assertion evaluator is usable outside Django).
    """
    if name.lower() in _ALWAYS_MASKED_REPLIES:
        return True
    try:
        return is_sensitive(name)
    except ImproperlyConfigured:
        return False


# -- masking for display -----------------------------------------------------------------------------


def masks_header(name: str, value: object) -> bool:
    """Whether the stored header ``name: value`` is shown as :data:`MASK`: sensitive, or ``env:``."""
    return is_reference(value) or is_sensitive(name)


def masks_cookie(name: str, value: object) -> bool:
    """Whether the stored cookie ``name=value`` is shown as :data:`MASK`: always."""
    return True


def mask_value(name: str, value: str) -> str:
    """Mask a header value for display (a sensitive value or an ``env:`` reference)."""
    return MASK if masks_header(name, value) else value


def mask_headers(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: MASK if masks_header(name, value) else value for name, value in values.items()}


def mask_cookies(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: MASK if masks_cookie(name, value) else value for name, value in values.items()}


#: The masking rule of each stored map that may hold secrets, by field name.
MASKED_FIELDS = {"headers": mask_headers, "cookies": mask_cookies}


def mask_field(field: str, value: Any) -> Any:
    """``value`` of the model field ``field`` as it may be shown (headers and cookies masked)."""
    if field in MASKED_FIELDS and isinstance(value, Mapping):
        return MASKED_FIELDS[field](value)
    return value


def mask_monitor(monitor: Mapping[str, Any], stored: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A copy of a monitor safe to show: sensitive and ``env:`` header values and every cookie masked.

    A copy read from Cronitor holds resolved values: pass the row's ``stored`` headers, so that a
    header stored as an ``env:`` reference is masked too (names compared in any case).
    """
    masked = copy.deepcopy(dict(monitor))
    request = masked.get("request")
    if isinstance(request, dict):
        for part, rule in MASKED_FIELDS.items():
            request[part] = rule(request.get(part) or {})
        referenced = {str(name).lower() for name, value in (stored or {}).items() if is_reference(value)}
        for name in [name for name in request["headers"] if str(name).lower() in referenced]:
            request["headers"][name] = MASK
    return masked


# -- scrubbing free text -----------------------------------------------------------------------------


def secret_values(headers: Mapping[str, Any] | None, cookies: Mapping[str, Any] | None) -> frozenset[str]:
    """The values that must never be shown, as they are sent, for headers and cookies *as stored*.

    A sensitive header's value, any header written as ``env:NAME`` (the reference itself and
    the value it resolves to) and every cookie value. An unset variable contributes only its
    reference (nothing is sent for it).
    """
    found: set[str] = set()
    raws = [raw for name, raw in (headers or {}).items() if is_reference(raw) or is_sensitive(str(name))]
    for raw in [*raws, *(cookies or {}).values()]:
        found.add(_resolved(raw))
        if is_reference(raw):
            found.add(str(raw))
    return frozenset(value for value in found if len(value) >= MIN_SECRET)


def _resolved(raw: object) -> str:
    try:
        return resolve_secret(str(raw))
    except SecretError:
        return ""


def scrub(text: str, secrets: Collection[str]) -> str:
    """``text`` with every secret masked, longest first, and any piece of one that starts it.

    A secret of :data:`MIN_SECRET` characters or more is masked wherever it appears; so is
    any prefix of one of :data:`PREFIX_CHARS` characters or more (a server that cut an echo
    short leaves one behind).
    """
    for value in sorted(secrets, key=len, reverse=True):
        if len(value) >= MIN_SECRET:
            text = text.replace(value, MASK)
            if len(value) > PREFIX_CHARS:
                text = _mask_prefixes(text, value)
    return text


def _mask_prefixes(text: str, value: str) -> str:
    head = value[:PREFIX_CHARS]
    parts: list[str] = []
    start = 0
    found = text.find(head)
    while found != -1:
        end = found + PREFIX_CHARS
        while end < len(text) and end - found < len(value) and text[end] == value[end - found]:
            end += 1
        parts += [text[start:found], MASK]
        start = end
        found = text.find(head, end)
    return "".join(parts) + text[start:] if parts else text


def clip(text: str, limit: int, secrets: Collection[str] = ()) -> str:
    """``text`` scrubbed, then cut to ``limit`` characters (``…`` included).

    Scrubbing first means that no secret is cut in two; a shorter prefix of a secret
    (:data:`MIN_SECRET` to :data:`PREFIX_CHARS` characters) that ends the cut text is masked
    as well.
    """
    text = scrub(text, secrets)
    if len(text) <= limit:
        return text
    return scrub_tail(text[: max(0, limit - len(ELLIPSIS))], secrets) + ELLIPSIS


def scrub_tail(text: str, secrets: Collection[str]) -> str:
    """``text`` with the longest prefix of any secret that ends it masked."""
    longest = 0
    for value in secrets:
        for size in range(min(len(value) - 1, len(text)), MIN_SECRET - 1, -1):
            if size > longest and text.endswith(value[:size]):
                longest = size
                break
    return text[: len(text) - longest] + MASK if longest else text
