"""Strict validation of monitor documents, as the emulator's ``PUT /api/monitors`` applies it.

The emulator is a *shared-rules fake* (see ``docs/testing.rst``): the field lists, ranges and the
assertion grammar come from the package's own modules (:mod:`healthcheck_admin.limits` and
:mod:`healthcheck_admin.assertions.grammar`, both free of Django), so a rule the client gets wrong is
wrong here too. What the emulator checks on its own is the protocol: body shapes, merge semantics,
authentication, pagination, health and quota.

Each check returns a list of ``(field, message)`` problems; an empty list means valid. Messages name
the field and the bad value, except for header, cookie and body values, which may hold secrets and
are therefore described by type or size only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from healthcheck_admin.assertions.grammar import parse as parse_assertion
from healthcheck_admin.assertions.values import AssertionSyntaxError
from healthcheck_admin.limits import (
    INTERVAL_RANGE,
    MAX_KEY,
    MAX_REQUEST_MAP,
    REGIONS,
    TIMEOUT_RANGE,
    schedule_seconds,
)
from healthcheck_admin.limits import (
    METHODS as METHODS,  # re-exported: one home for the limits (tests/test_limits.py)
)
from healthcheck_admin.limits import REQUEST_FIELDS as declared_request_fields

Problem = tuple[str, str]

TYPES = ("job", "check", "heartbeat", "site")
PLATFORMS = ("http", "browser", "tcp", "udp")
MAX_KEY_LENGTH = MAX_KEY
MAX_MAP_CHARS = MAX_REQUEST_MAP

WRITABLE_FIELDS = frozenset(
    {
        "key", "type", "name", "schedule", "schedules", "request", "assertions", "notify", "tags",
        "group", "note", "paused", "platform", "realert_interval", "grace_seconds", "failure_tolerance",
        "schedule_tolerance", "consecutive_alert_threshold", "timezone", "environments", "metadata",
    }
)  # fmt: skip
# Read-only fields of a monitor document: accepted and ignored on input, as Django REST Framework does.
READ_ONLY_FIELDS = frozenset(
    {
        "attributes", "created", "disabled", "initialized", "passing", "running", "latest_event",
        "latest_events", "latest_issue", "latest_invocations", "next_expected_at", "public_badge_url",
        "statuspages", "site", "has_duration_history", "request_interval_seconds", "group_name",
    }
)  # fmt: skip
REQUEST_FIELDS = frozenset(declared_request_fields)

_METRIC_ASSERTION_RE = re.compile(r"^metric\.(duration|count|error_count|error_rate)\s+(<|<=|>|>=|=)\s+.+$")


def parse_interval(text: str) -> int | None:
    """Seconds in ``"every 5 minutes"`` (also ``every 30 s``, ``every 1 min``); None if unreadable."""
    return schedule_seconds(text)


def unknown_fields(item: Mapping[str, Any]) -> list[Problem]:
    """Fields the API does not know, at the top level and inside ``request``."""
    known = WRITABLE_FIELDS | READ_ONLY_FIELDS
    problems = [
        (str(name), f"unknown field {name!r}; allowed fields are {', '.join(sorted(WRITABLE_FIELDS))}")
        for name in item
        if name not in known
    ]
    request = item.get("request")
    if isinstance(request, Mapping):
        problems += [
            (f"request.{name}", f"unknown field {name!r}; allowed are {', '.join(sorted(REQUEST_FIELDS))}")
            for name in request
            if name not in REQUEST_FIELDS
        ]
    return problems


def check_key(value: object) -> list[Problem]:
    if not isinstance(value, str) or not value.strip():
        return [("key", f"is required and must be a non-empty string, got {value!r}")]
    if len(value) > MAX_KEY_LENGTH:
        return [("key", f"is {len(value)} characters long; the limit is {MAX_KEY_LENGTH}")]
    return []


def validate_monitor(doc: Mapping[str, Any]) -> list[Problem]:
    """Problems with the writable fields of a complete (already merged) monitor document."""
    problems = check_key(doc.get("key"))
    monitor_type = doc.get("type")
    if monitor_type not in TYPES:
        problems.append(("type", f"must be one of {', '.join(TYPES)}, got {monitor_type!r}"))
    for name, checker in _FIELD_CHECKS.items():
        if doc.get(name) is not None:
            problems += checker(name, doc[name])
    if monitor_type == "check":
        problems += _check_fields(doc)
    else:
        problems += _each_assertion(doc.get("assertions"), _metric_assertion_problem)
    return problems


def _check_fields(doc: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    request = doc.get("request")
    if not isinstance(request, Mapping):
        problems.append(("request", f"checks need a request object with a url, got {request!r}"))
    else:
        problems += _request_problems(request)
    schedule = doc.get("schedule")
    if schedule is not None:
        problems += _interval_problems("schedule", schedule)
    for index, item in enumerate(doc.get("schedules") or []):
        problems += _interval_problems(f"schedules[{index}]", item)
    if doc.get("platform") is not None and doc["platform"] not in PLATFORMS:
        problems.append(("platform", f"must be one of {', '.join(PLATFORMS)}, got {doc['platform']!r}"))
    problems += _each_assertion(doc.get("assertions"), _check_assertion_problem)
    return problems


def _request_problems(request: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    url = request.get("url")
    if not isinstance(url, str) or not re.match(r"^https?://[^/\s?#]+", url) or re.search(r"\s", url):
        problems.append(("request.url", f"must be an absolute http:// or https:// URL, got {url!r}"))
    method = request.get("method", "GET")
    if method not in METHODS:
        problems.append(("request.method", f"must be one of {', '.join(METHODS)}, got {method!r}"))
    timeout = request.get("timeout_seconds")
    low, high = TIMEOUT_RANGE
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, int) or not low <= timeout <= high
    ):
        problems.append(
            ("request.timeout_seconds", f"must be a whole number from {low} to {high}, got {timeout!r}")
        )
    for name in ("headers", "cookies"):
        if request.get(name) is not None:
            problems += _string_map(f"request.{name}", request[name])
    body = request.get("body")
    if body is not None and not isinstance(body, str):
        problems.append(("request.body", f"must be a string, got {type(body).__name__}"))
    if request.get("regions") is not None:
        problems += _string_list("request.regions", request["regions"], REGIONS)
    for name in ("follow_redirects", "verify_ssl"):
        if request.get(name) is not None and not isinstance(request[name], bool):
            problems.append((f"request.{name}", f"must be true or false, got {request[name]!r}"))
    return problems


def _interval_problems(field: str, value: object) -> list[Problem]:
    seconds = parse_interval(value) if isinstance(value, str) else None
    if seconds is None:
        return [(field, f"must read like 'every 60 seconds' or 'every 5 minutes', got {value!r}")]
    low, high = INTERVAL_RANGE
    if not low <= seconds <= high:
        return [(field, f"checks accept intervals from 30 seconds to 1 hour, got {value!r}")]
    return []


def _string_map(field: str, value: object) -> list[Problem]:
    if not isinstance(value, Mapping):
        return [(field, f"must be an object of strings, got {type(value).__name__}")]
    for name, item in value.items():
        if not isinstance(item, str):
            return [(field, f"the value of {name!r} must be a string, got {type(item).__name__}")]
    size = sum(len(str(name)) + len(item) for name, item in value.items())
    if size > MAX_MAP_CHARS:
        return [(field, f"is {size} characters long; the limit is {MAX_MAP_CHARS}")]
    return []


def _string_list(field: str, value: object, choices: tuple[str, ...] = ()) -> list[Problem]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return [(field, f"must be a list of strings, got {value!r}")]
    unknown = [item for item in value if choices and item not in choices]
    if unknown:
        return [(field, f"unknown value {unknown[0]!r}; use one of {', '.join(choices)}")]
    return []


def _type_check(expected: type | tuple[type, ...], label: str) -> Callable[[str, object], list[Problem]]:
    allowed = expected if isinstance(expected, tuple) else (expected,)

    def check(field: str, value: object) -> list[Problem]:
        if isinstance(value, allowed) and (bool in allowed or not isinstance(value, bool)):
            return []
        return [(field, f"must be {label}, got {value!r}")]

    return check


def _non_negative_int(field: str, value: object) -> list[Problem]:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return [(field, f"must be a whole number >= 0, got {value!r}")]
    return []


def _realert_interval(field: str, value: object) -> list[Problem]:
    """``every 8 hours`` (the schedule grammar) or an integer number of hours (A4)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return []
    if isinstance(value, str) and (parse_interval(value) or 0) >= 1:
        return []
    return [(field, f"must be an interval like 'every 8 hours' or a whole number of hours, got {value!r}")]


def _group(field: str, value: object) -> list[Problem]:
    """A group key: like a monitor key, a non-empty string of at most 100 characters."""
    if isinstance(value, str) and value.strip() and len(value) <= MAX_KEY_LENGTH:
        return []
    return [
        (
            field,
            f"must be a group key, a non-empty string of at most {MAX_KEY_LENGTH} characters, got {value!r}",
        )
    ]


_FIELD_CHECKS: dict[str, Callable[[str, Any], list[Problem]]] = {
    "name": _type_check(str, "a string"),
    "schedule": _type_check(str, "a string"),
    "schedules": _string_list,
    "assertions": _string_list,
    "notify": _string_list,
    "tags": _string_list,
    "environments": _string_list,
    "group": _group,
    "note": _type_check(str, "a string"),
    "timezone": _type_check(str, "a string"),
    "paused": _type_check(bool, "true or false"),
    "realert_interval": _realert_interval,
    "grace_seconds": _non_negative_int,
    "failure_tolerance": _non_negative_int,
    "schedule_tolerance": _non_negative_int,
    "consecutive_alert_threshold": _non_negative_int,
}


def _each_assertion(value: object, problem_of: Callable[[str], str | None]) -> list[Problem]:
    if not isinstance(value, list):
        return []  # the type problem is reported by _FIELD_CHECKS
    problems: list[Problem] = []
    for index, text in enumerate(value):
        message = problem_of(text) if isinstance(text, str) else None
        if message:
            problems.append((f"assertions[{index}]", message))
    return problems


def _check_assertion_problem(text: str) -> str | None:
    try:
        parse_assertion(text)
    except AssertionSyntaxError as exc:
        return str(exc) if text in str(exc) else f"invalid assertion {text!r}: {exc}"
    return None


def _metric_assertion_problem(text: str) -> str | None:
    if _METRIC_ASSERTION_RE.match(text.strip()):
        return None
    return f"invalid assertion {text!r}; jobs and heartbeats take e.g. 'metric.duration < 5 min'"
