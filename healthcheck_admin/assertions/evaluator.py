"""Judge a response against assertions: :class:`ResponseFacts` in, one :class:`Outcome` per assertion out."""

from __future__ import annotations

import json
import operator as op
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from healthcheck_admin.assertions.convert import validate_list
from healthcheck_admin.assertions.grammar import Assertion, parse
from healthcheck_admin.assertions.jsonpath import MISSING, lookup
from healthcheck_admin.assertions.values import AssertionSyntaxError, as_number, clip, interval_seconds
from healthcheck_admin.redaction import MASK, is_masked

#: What a check with no assertions must satisfy. Cronitor's documentation states
#: no default for checks without assertions; this is our choice: any status
#: below 400 (success or redirect) passes, as most uptime services do.
DEFAULT_ASSERTIONS: tuple[str, ...] = ("response.code < 400",)

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": op.eq,
    "!=": op.ne,
    "<": op.lt,
    "<=": op.le,
    ">": op.gt,
    ">=": op.ge,
}
_NEGATIVE = frozenset({"!=", "!contains"})
Verdict = tuple[bool, str]


@dataclass
class ResponseFacts:
    """What the evaluator needs to know about one response.

    ``elapsed`` and ``ssl_expires_in`` are in seconds; ``ssl_expires_in`` is
    ``None`` for plain http (or when the certificate was not inspected). Header
    names are looked up case-insensitively in any mapping.
    """

    status: int
    elapsed: float
    body: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    ssl_expires_in: float | None = None


@dataclass(frozen=True)
class Outcome:
    """The verdict on one assertion; ``reason`` reads e.g. ``response.code = 200: got 503``."""

    assertion: str
    passed: bool
    reason: str


def evaluate(assertion: str | Assertion, facts: ResponseFacts) -> Outcome:
    """Judge one assertion; an invalid string raises :class:`AssertionSyntaxError`."""
    parsed = assertion if isinstance(assertion, Assertion) else parse(assertion)
    text = str(parsed)
    passed, detail = _JUDGES[parsed.subject](parsed, facts)
    return Outcome(assertion=text, passed=passed, reason=f"{text}: {detail}")


def evaluate_all(assertions: Sequence[str | Assertion], facts: ResponseFacts) -> list[Outcome]:
    """Judge every assertion, or :data:`DEFAULT_ASSERTIONS` when there are none.

    All assertions are validated first: one invalid entry raises
    :class:`AssertionSyntaxError` naming its index (``assertions[1]: ...``).
    """
    if isinstance(assertions, str):
        raise AssertionSyntaxError(f"assertions must be a list of strings, got the string {assertions!r}")
    chosen = validate_list(list(assertions)) if len(assertions) else list(DEFAULT_ASSERTIONS)
    return [evaluate(text, facts) for text in chosen]


def _judge_code(assertion: Assertion, facts: ResponseFacts) -> Verdict:
    passed = _COMPARE[assertion.operator](facts.status, int(assertion.value))
    return passed, f"got {facts.status}"


def _judge_time(assertion: Assertion, facts: ResponseFacts) -> Verdict:
    passed = _COMPARE[assertion.operator](facts.elapsed, interval_seconds(assertion.value))
    return passed, f"got {format_seconds(facts.elapsed)}"


def _judge_body(assertion: Assertion, facts: ResponseFacts) -> Verdict:
    operator, value = assertion.operator, assertion.value
    if operator in ("contains", "!contains"):
        found = value in facts.body
        return found == (operator == "contains"), "found in body" if found else "not found in body"
    equal = facts.body.strip() == value.strip()
    detail = "body matches" if equal else f"got {render(facts.body)}"
    return equal == (operator == "="), detail


def _judge_json(assertion: Assertion, facts: ResponseFacts) -> Verdict:
    try:
        document = json.loads(facts.body)
    except (ValueError, RecursionError):
        return False, "body is not valid JSON"
    path = assertion.key or ""
    found = lookup(document, path)
    if found is MISSING:
        return assertion.operator in _NEGATIVE, f"path {path!r} not found"
    return compare(found, assertion.operator, assertion.value), f"got {render(found)}"


def _judge_header(assertion: Assertion, facts: ResponseFacts) -> Verdict:
    name = assertion.key or ""
    found = header_value(facts.headers, name)
    if found is None:
        return assertion.operator in _NEGATIVE, f"header {name!r} not present"
    shown = MASK if is_masked(name) else render(found)
    return compare(found, assertion.operator, assertion.value), f"got {shown}"


def _judge_ssl(assertion: Assertion, facts: ResponseFacts) -> Verdict:
    if facts.ssl_expires_in is None:
        return False, "no TLS certificate to inspect (not an https response)"
    # Cronitor documents only '=' here, as an expiry alert threshold: "at least this long left".
    operator = ">=" if assertion.operator == "=" else assertion.operator
    passed = _COMPARE[operator](facts.ssl_expires_in, interval_seconds(assertion.value))
    return passed, f"got {format_days(facts.ssl_expires_in)}"


def _judge_remote(assertion: Assertion, facts: ResponseFacts) -> Verdict:
    return False, "cannot be evaluated locally; only Cronitor's servers can check it"


_JUDGES: dict[str, Callable[[Assertion, ResponseFacts], Verdict]] = {
    "response.code": _judge_code,
    "response.time": _judge_time,
    "response.body": _judge_body,
    "response.json": _judge_json,
    "response.header": _judge_header,
    "ssl_certificate.expires_in": _judge_ssl,
    "resource.last_modified": _judge_remote,
    "resource.item_count": _judge_remote,
    "resource.public": _judge_remote,
}


def compare(actual: object, operator: str, expected: str) -> bool:
    """Apply ``operator``: numeric when both sides are numbers, else on text.

    ``contains`` is a substring test on text, membership on a list and a key
    test on a dict.
    """
    if operator in ("contains", "!contains"):
        return _contains(actual, expected) == (operator == "contains")
    return _ordered(as_text(actual), operator, expected)


def _ordered(left: str, operator: str, right: str) -> bool:
    left_number, right_number = as_number(left), as_number(right)
    if left_number is not None and right_number is not None:
        return _COMPARE[operator](left_number, right_number)
    return _COMPARE[operator](left, right)


def _contains(actual: object, expected: str) -> bool:
    if isinstance(actual, str):
        return expected in actual
    if isinstance(actual, list):
        return any(_ordered(as_text(item), "=", expected) for item in actual)
    if isinstance(actual, dict):
        return expected in actual
    return expected in as_text(actual)


def as_text(value: object) -> str:
    """A JSON value as assertion text: strings as-is, ``true``/``false``/``null``, JSON otherwise."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def render(value: object) -> str:
    """A value for a reason: JSON-quoted strings, clipped to 80 characters."""
    return clip(json.dumps(value, ensure_ascii=False, separators=(",", ":")), 80)


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """The value of header ``name``, matched case-insensitively, or None."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def format_seconds(seconds: float) -> str:
    return f"{seconds * 1000:.0f}ms" if seconds < 1 else f"{seconds:.2f}s"


def format_days(seconds: float) -> str:
    days = seconds / 86400
    return f"{days:.1f} days" if days >= 0 else f"expired {-days:.1f} days ago"
