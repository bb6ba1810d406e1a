"""What each ``HEALTHCHECKS`` value may be: one rule per setting, checked by ``manage.py check``.

A rule takes the value and returns None when it is usable, else what was expected. Values are
refused here when they would fail later (at push, in a URL, in a key or tag Cronitor rejects),
so that every such problem is a system check error, not a traceback. Cronitor's own limits
come from :mod:`healthcheck_admin.limits`.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Callable
from urllib.parse import urlsplit

from healthcheck_admin import expiry, limits

ON_REMOVE_CHOICES = ("pause", "delete", "keep")
KEY_STRATEGIES = ("default", "legacy")
REQUIRE_LEVELS = ("warning", "error")
MAX_TIMEOUT = 300.0  # seconds for one request to Cronitor
MAX_BACKOFF = 60.0  # seconds before the first retry (later ones double it)

HOST_RE = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+(?::(?P<port>[0-9]{1,5}))?"  # name[:port]
    r"|\[[0-9A-Fa-f:.]+\](?::(?P<port6>[0-9]{1,5}))?"  # [IPv6][:port]
)

Rule = Callable[[object], "str | None"]


def http_url_problem(value: object) -> str | None:
    """Why ``value`` is not an absolute http(s) URL that HTTP can carry, or None."""
    expected = "an http(s) URL such as 'https://cronitor.io/api'"
    if not isinstance(value, str) or limits.control_character(value) or any(c.isspace() for c in value):
        return f"{expected}, without spaces or control characters"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return expected
    try:
        port = parts.port
    except ValueError:
        return f"{expected}, with a port from 1 to 65535"
    if port == 0:
        return f"{expected}, with a port from 1 to 65535"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return f"{expected}, without credentials (the API key goes in API_KEY)"
    if "\\" in value or parts.query or parts.fragment:
        return f"{expected}, without a backslash, query or fragment"
    return None


def _hostname(value: object) -> str | None:
    expected = "a host name such as 'www.example.com' (no scheme, no path, no wildcard)"
    match = HOST_RE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return expected
    port = match.group("port") or match.group("port6")
    if port is not None and not 1 <= int(port) <= 65535:
        return f"{expected}, with a port from 1 to 65535"
    return None


ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _hostname_setting(value: object) -> str | None:
    """``HOSTNAME``: None, a host name, or ``env:NAME`` (a variable holding a host or a URL)."""
    if value is None:
        return None
    if isinstance(value, str) and value.startswith("env:"):
        if ENV_NAME_RE.fullmatch(value[len("env:") :]):
            return None
        return "an env: reference such as 'env:RENDER_EXTERNAL_URL' (letters, digits and '_')"
    return _hostname(value)


def host_of(text: str) -> str | None:
    """The ``host[:port]`` in a host name or an http(s) URL without a path, or None.

    What an ``env:`` ``HOSTNAME`` may hold: ``pr-12.example.com`` or
    ``https://pr-12.onrender.com`` (the scheme is dropped: ``HTTPS`` decides it).
    """
    text = text.strip()
    if "://" in text:
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or http_url_problem(text) or parts.path not in ("", "/"):
            return None
        text = parts.netloc
    return text if text and _hostname(text) is None else None


def _dashboard(value: object) -> str | None:
    expected = "an http(s) URL template containing {key} (the only other placeholder is {code})"
    if not isinstance(value, str):
        return expected
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(value)]
    except ValueError:
        return expected
    names = {name for name, _, _ in fields if name is not None}
    if "key" not in names or not names <= {"key", "code"}:
        return expected
    if any(spec or conversion for name, spec, conversion in fields if name is not None):
        return f"{expected}, without format specs or conversions such as {{key:d}} or {{key!r}}"
    sample = value.replace("{key}", "k").replace("{code}", "c")
    parts = urlsplit(sample)
    if parts.scheme not in ("http", "https") or not parts.hostname or not _plain(sample):
        return f"{expected}, starting with http:// or https://, without spaces"
    return None


def _identifier(value: object) -> str | None:
    expected = (
        f"a string of at most {limits.MAX_ENVIRONMENT} ASCII letters, digits, '-', '_' or '.' "
        "(no spaces or slashes), such as 'production'"
    )
    if not isinstance(value, str):
        return expected
    try:
        limits.check_identifier("setting", value)
    except limits.HealthcheckError:
        return expected
    return None


def _str_list(expected: str, item_ok: Callable[[str], bool] = lambda _: True) -> Rule:
    def rule(value: object) -> str | None:
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and item_ok(v) for v in value):
            return expected
        return None

    return rule


def _tag(item: str) -> bool:
    try:
        limits.check_str_list("TAGS", [item])
    except limits.HealthcheckError:
        return False
    return True


def _plain(item: str) -> bool:
    """One line of text without spaces or control characters."""
    return bool(item) and limits.control_character(item) is None and not any(c.isspace() for c in item)


def _host_pattern(item: str) -> bool:
    """``www.example.com`` or ``*.example.com`` (every subdomain), no port."""
    name = item[2:] if item.startswith("*.") else item
    return _hostname(name) is None and ":" not in name and "*" not in name


def _is(predicate: Callable[[object], bool], expected: str) -> Rule:
    return lambda v: None if predicate(v) else expected


def _int_in(low: int, high: int) -> Rule:
    def ok(v: object) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and low <= v <= high

    return _is(ok, f"a whole number from {low} to {high}")


def _seconds(low_open: bool, high: float, expected: str) -> Rule:
    def rule(value: object) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return expected
        too_low = value <= 0 if low_open else value < 0
        return expected if too_low or value > high else None

    return rule


def _optional_str(expected: str) -> Rule:
    return _is(lambda v: v is None or (isinstance(v, str) and (not v or _plain(v))), expected)


RULES: dict[str, Rule] = {
    "BACKEND": _is(lambda v: isinstance(v, str), "a dotted path string"),
    "API_KEY": _optional_str("a string or None, without spaces or control characters"),
    "API_URL": lambda v: None if v is None else http_url_problem(v),
    "HOSTNAME": _hostname_setting,
    "EXPIRES_AFTER": expiry.problem,
    "HTTPS": _is(lambda v: isinstance(v, bool), "True or False"),
    "ENVIRONMENT": _identifier,
    "PROJECT": _identifier,
    "TAGS": _str_list(
        f"a list of strings (tags of at most {limits.MAX_TAG} characters, one line each)", _tag
    ),
    "BATCH_SIZE": _int_in(1, 1000),
    "TIMEOUT": _seconds(True, MAX_TIMEOUT, f"a positive number of seconds, at most {MAX_TIMEOUT:g}"),
    "MAX_RETRIES": _int_in(0, 10),
    "BACKOFF_SECONDS": _seconds(False, MAX_BACKOFF, f"a number of seconds >= 0 and at most {MAX_BACKOFF:g}"),
    "SYNC_ON_SAVE": _is(lambda v: isinstance(v, bool), "True or False"),
    "ADMIN_SAVE_NEEDS_PUSH_PERMISSION": _is(lambda v: isinstance(v, bool), "True or False"),
    "SYNC_ON_STARTUP": _is(lambda v: isinstance(v, bool), "True or False"),
    "UPSERT_ON_MIGRATE": _is(lambda v: isinstance(v, bool), "True or False"),
    "ON_REMOVE": _is(lambda v: v in ON_REMOVE_CHOICES, f"one of {', '.join(ON_REMOVE_CHOICES)}"),
    "KEY_STRATEGY": _is(lambda v: v in KEY_STRATEGIES, f"one of {', '.join(KEY_STRATEGIES)}"),
    "SENSITIVE_HEADERS": _str_list(
        "a list of header names", lambda v: limits.TOKEN_RE.fullmatch(v) is not None
    ),
    "RUN_ALLOWED_HOSTS": _str_list("a list of host names", _plain),
    "DEFAULT_INTERVAL_SECONDS": _is(
        lambda v: _int_in(*limits.INTERVAL_RANGE)(v) is None, "a whole number of seconds from 30 to 3600"
    ),
    "DEFAULT_TIMEOUT_SECONDS": _is(
        lambda v: _int_in(*limits.TIMEOUT_RANGE)(v) is None, "a whole number of seconds from 1 to 15"
    ),
    "DASHBOARD_URL": _dashboard,
    "DEFAULT_NOTIFY": _str_list(
        "a list of notification list keys, such as ['default']",
        lambda v: _plain(v) and len(v) <= limits.MAX_TAG,
    ),
    "LOAD_BALANCED_HOSTS": _str_list(
        "a list of host names, such as ['www.example.com', '*.example.com'] (no scheme or port)",
        _host_pattern,
    ),
    "API_VERSION": _optional_str("a date string such as '2020-10-01'"),
    "REQUIRE": _str_list("a list of route name patterns such as 'api:*' or 'shop:checkout'", _plain),
    "REQUIRE_LEVEL": _is(lambda v: v in REQUIRE_LEVELS, f"one of {', '.join(REQUIRE_LEVELS)}"),
}
