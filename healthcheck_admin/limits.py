"""What Cronitor's ``check`` monitor accepts, in one place: standard library only.

The declaration (``Healthcheck(...)``), the model, the admin form, the system checks and the
emulator's strict validation all read these values and call these validators, so a value is
refused the same way wherever it is written, and on every database (a NUL character never
reaches PostgreSQL). Facts come from ``cronitor_api.md`` §5; where Cronitor documents no limit
(``note``, one assertion), the limit is this package's own and says so.

The interval grammar (:mod:`healthcheck_admin.intervals`, re-exported here): ``2s``, ``600ms``,
``5 min`` (assertions), ``every 60 seconds`` (a check's ``schedule``) and ``every 8 hours``
(``realert_interval``) share one table of units.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from healthcheck_admin.intervals import INTERVAL_RE as INTERVAL_RE  # re-exported: one grammar
from healthcheck_admin.intervals import UNITS as UNITS
from healthcheck_admin.intervals import interval as interval
from healthcheck_admin.intervals import schedule_seconds as schedule_seconds

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "eu-west-1",
    "eu-central-1",
    "eu-north-1",
    "ap-northeast-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-south-1",
    "sa-east-1",
    "me-south-1",
)
#: The alert-noise controls (A4): sent only when set, so the dashboard's values stand otherwise.
NOISE_FIELDS = ("failure_tolerance", "realert_interval", "group")
#: The fields of Cronitor's ``request`` object for a check, and of the monitor around it.
REQUEST_FIELDS = (
    "url",
    "method",
    "headers",
    "cookies",
    "body",
    "timeout_seconds",
    "regions",
    "follow_redirects",
    "verify_ssl",
)
MONITOR_FIELDS = ("assertions", "interval_seconds", "tags", "notify", "note", "paused", *NOISE_FIELDS)

INTERVAL_RANGE = (30, 3600)  # a check's schedule: 30 s to 1 h
TIMEOUT_RANGE = (1, 15)  # request.timeout_seconds
#: No documented limits (Cronitor: default 0 and 8 hours): these are this package's own.
FAILURE_TOLERANCE_RANGE = (0, 1000)  # consecutive failed requests before an alert
REALERT_RANGE = (60, 30 * 86400)  # realert_interval: 1 minute to 30 days
# What Cronitor assumes where a monitor leaves them unset (its replies show them all the same).
NOISE_DEFAULTS = {"failure_tolerance": 0, "realert_interval": "every 8 hours", "group": None}

MAX_KEY = 100
#: A monitor key: always matched whole (``fullmatch``), so a trailing newline is refused.
KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}")
TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # an HTTP token (RFC 9110): header and cookie names
MAX_NAME = 100  # Cronitor's integrations truncate names to 100
MAX_TAG = 100  # ... and each tag to 100
MAX_REQUEST_MAP = 5120  # headers, cookies: names and values together
#: How a masked value is shown (``redaction.MASK``); never a value: a header or cookie holding it is refused.
MASK = "********"
MAX_URL = 2000
MAX_NOTE = 2000  # no documented limit: this package's, generous for an alert text
MAX_ASSERTION = 1000  # no documented limit: this package's, per assertion
MAX_ENVIRONMENT = 30  # ENVIRONMENT and PROJECT: they go into keys and the ownership tag
#: ``ENVIRONMENT`` and ``PROJECT``: ASCII letters, digits, ``-``, ``_`` and ``.``.
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")

#: Unicode categories no field carries: control characters, surrogates, line and paragraph separators.
BAD_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
MULTILINE = "\t\n\r"  # what a note or a request body may hold besides printable text


class HealthcheckError(ValueError):
    """A healthcheck declaration or definition is invalid. The message names the field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


def fail(name: str, value: object, expected: str) -> HealthcheckError:
    return HealthcheckError(name, f"expected {expected}, got {value!r}")


def control_character(text: str, allowed: str = "") -> str | None:
    """``'\\x00' at position 3`` for the first character no field may hold, or None."""
    if text.isprintable() and text.isascii():  # the common case, without a per-character loop
        return None
    for position, char in enumerate(text):
        if char not in allowed and unicodedata.category(char) in BAD_CATEGORIES:
            return f"{char!r} at position {position}"
    return None


def check_text(name: str, text: str, *, allowed: str = "", max_length: int | None = None) -> str:
    """A string without control characters (except ``allowed``), at most ``max_length`` long."""
    if max_length is not None and len(text) > max_length:
        raise HealthcheckError(name, f"is {len(text)} characters long; the limit is {max_length}")
    bad = control_character(text, allowed)
    if bad is not None:
        raise HealthcheckError(name, f"must not contain control characters or line breaks, found {bad}")
    return text


def check_int_range(name: str, value: object, bounds: tuple[int, int], unit: str = "s") -> int:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(name, value, f"a whole number of seconds from {low} to {high}")
    if not low <= value <= high:
        raise HealthcheckError(name, f"{value!r} is out of range; use {low} to {high} {unit}")
    return value


def check_str_map(name: str, value: object) -> dict[str, str]:
    """Headers and cookies: a mapping of HTTP token names to values HTTP can carry.

    A cookie value also may not hold ``;``, which would end it and start another cookie.
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        example = "{'session': 'env:SESSION_ID'}" if name == "cookies" else "{'Accept': 'application/json'}"
        raise fail(name, value, f"a dict of strings, e.g. {example}")
    for key, item in value.items():
        if not isinstance(key, str) or not key.strip():
            raise HealthcheckError(name, f"names must be non-empty strings, got {key!r}")
        if not TOKEN_RE.fullmatch(key):
            raise HealthcheckError(name, f"{key!r} is not a valid name: no spaces, colons or separators")
        if not isinstance(item, str):
            raise HealthcheckError(name, f"the value of {key!r} must be a string, got {item!r}")
        bad = control_character(item, "\t" if name != "cookies" else "")
        if bad is not None:
            # The value may be a secret: name the character and its position, never the value.
            raise HealthcheckError(
                name, f"the value of {key!r} must not contain control characters or line breaks, found {bad}"
            )
        if MASK in item:
            raise HealthcheckError(
                name,
                f"the value of {key!r} contains the mask {MASK!r}, which stands for a hidden value and is "
                "never one itself; write the value, or an 'env:NAME' reference",
            )
        if name == "cookies" and ";" in item:
            raise HealthcheckError(
                name, f"the value of {key!r} must not contain ';', which separates cookies"
            )
    result = dict(value)
    if sum(len(k) + len(v) for k, v in result.items()) > MAX_REQUEST_MAP:
        raise HealthcheckError(name, f"is longer than Cronitor's limit of {MAX_REQUEST_MAP} characters")
    return result


def check_str_list(
    name: str, value: object, *, choices: Sequence[str] = (), max_length: int = MAX_TAG
) -> list[str]:
    """Tags, notify lists, regions: non-empty one-line strings, duplicates dropped, order kept."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
        raise fail(name, value, "a list of strings")
    items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise HealthcheckError(name, f"items must be non-empty strings, got {item!r}")
        if choices and item not in choices:
            raise HealthcheckError(name, f"unknown value {item!r}; use one of {', '.join(choices)}")
        if len(item) > max_length:
            raise HealthcheckError(
                name, f"{item[:40]!r}... is {len(item)} characters long; the limit is {max_length}"
            )
        bad = control_character(item)
        if bad is not None:
            raise HealthcheckError(name, f"{item!r} must not contain control characters or line breaks")
    return list(dict.fromkeys(items))


def check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise fail(name, value, "True or False")
    return value


def check_optional_str(
    name: str, value: object, max_length: int | None = None, *, allowed: str = ""
) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise fail(name, value, "a string")
    return check_text(name, value, allowed=allowed, max_length=max_length)


def check_method(value: object) -> str:
    if not isinstance(value, str) or value.upper() not in METHODS:
        raise HealthcheckError("method", f"{value!r} is not supported; use one of {', '.join(METHODS)}")
    return value.upper()


def check_key(value: object, name: str = "key") -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not KEY_RE.fullmatch(value):
        raise HealthcheckError(
            name, f"{value!r} is not a valid monitor key; use 1-100 letters, digits, '-', '_', '.' or ':'"
        )
    return value


def check_url(name: str, value: object) -> str:
    """An absolute http(s) URL that HTTP can carry: no whitespace or control characters."""
    if not isinstance(value, str):
        raise fail(name, value, "a string")
    check_text(name, value, max_length=MAX_URL)
    if any(char.isspace() for char in value):
        raise HealthcheckError(name, f"{value!r} must not contain spaces; percent-encode them as %20")
    return value


def check_assertion_length(name: str, items: Sequence[str]) -> None:
    for item in items:
        if len(item) > MAX_ASSERTION:
            raise HealthcheckError(
                name, f"{item[:40]!r}... is {len(item)} characters long; the limit is {MAX_ASSERTION}"
            )


def check_identifier(name: str, value: str, max_length: int = MAX_ENVIRONMENT) -> str:
    """``ENVIRONMENT`` and ``PROJECT``: short ASCII names that fit in keys and tags."""
    if value and (len(value) > max_length or not NAME_RE.fullmatch(value)):
        raise HealthcheckError(
            name,
            f"{value!r} must be 1-{max_length} ASCII letters, digits, '-', '_' or '.', "
            "starting with a letter or digit (no spaces or slashes)",
        )
    return value


def check_failure_tolerance(value: object, name: str = "failure_tolerance") -> int | None:
    """Consecutive failed requests Cronitor tolerates before alerting; None: unset (Cronitor's 0)."""
    if value is None:
        return None
    low, high = FAILURE_TOLERANCE_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise fail(name, value, f"a whole number of failed requests from {low} to {high}")
    return value


def check_realert_interval(value: object, name: str = "realert_interval") -> str | None:
    """``"every 8 hours"`` (the schedule grammar) or a whole number of hours, as Cronitor reads it;
    returned as the interval text (``8`` becomes ``"every 8 hours"``). None or ``""``: unset."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        text = f"every {value} hour{'s' if value != 1 else ''}"
    elif isinstance(value, str):
        text = check_text(name, value.strip(), max_length=50)
    else:
        raise fail(name, value, "an interval such as 'every 8 hours', or a whole number of hours")
    seconds = schedule_seconds(text)
    if seconds is None:
        raise fail(name, value, "an interval such as 'every 8 hours' or 'every 1 day', or a number of hours")
    low, high = REALERT_RANGE
    if not low <= seconds <= high:
        raise HealthcheckError(name, f"{value!r} is out of range; use 1 minute to 30 days")
    return text


def check_group(value: object, name: str = "group") -> str | None:
    """A Cronitor group key (the monitor key grammar); None or ``""``: no group set."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not KEY_RE.fullmatch(value):
        raise HealthcheckError(
            name, f"{value!r} is not a valid group key; use 1-100 letters, digits, '-', '_', '.' or ':'"
        )
    return value
