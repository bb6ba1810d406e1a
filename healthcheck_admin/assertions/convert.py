"""Lists of assertions in any accepted spelling -> canonical strings, including the seed's v3 rules."""

from __future__ import annotations

from collections.abc import Mapping

from healthcheck_admin.assertions.grammar import Assertion, validate
from healthcheck_admin.assertions.values import AssertionSyntaxError, as_number, clip, seconds_text

#: v3 ``rule_type`` -> subject.
V3_SUBJECTS: dict[str, str] = {
    "response_code": "response.code",
    "response_time": "response.time",
    "response_body": "response.body",
}
#: v3 ``operator`` -> operator.
V3_OPERATORS: dict[str, str] = {
    "eq": "=",
    "not": "!=",
    "lt": "<",
    "lte": "<=",
    "gt": ">",
    "gte": ">=",
    "contains": "contains",
    "not_contains": "!contains",
}
_V3_EXAMPLE = "{'rule_type': 'response_code', 'operator': 'eq', 'value': 200}"


def validate_list(items: object) -> list[str]:
    """Validate a list of assertions and return their canonical strings.

    Each item may be a string, an :class:`Assertion` (which is what the builder
    ``A`` produces) or a v3 rule dict. An invalid item raises
    :class:`AssertionSyntaxError` naming its index: ``assertions[1]: ...``.
    """
    if isinstance(items, (str, bytes, Assertion, Mapping)):
        shown = clip(repr(str(items) if isinstance(items, Assertion) else items))
        raise AssertionSyntaxError(
            f"assertions must be a list, got a single {_kind(items)}; wrap it in a list: [{shown}]"
        )
    if not isinstance(items, (list, tuple)):
        raise AssertionSyntaxError(
            f"assertions must be a list of strings such as ['response.code = 200'], "
            f"got {_kind(items)} {clip(repr(items))}"
        )
    canonical = []
    for index, item in enumerate(items):
        try:
            canonical.append(_one(item))
        except AssertionSyntaxError as exc:
            raise AssertionSyntaxError(f"assertions[{index}]: {exc}") from None
    return canonical


def _one(item: object) -> str:
    if isinstance(item, Assertion):
        return str(item)
    if isinstance(item, str):
        return validate(item)
    if isinstance(item, Mapping):
        return from_v3_rule(item)
    raise AssertionSyntaxError(
        "expected a string such as 'response.code = 200', an Assertion or a v3 rule dict, "
        f"got {_kind(item)} {clip(repr(item))}"
    )


def from_v3_rule(rule: Mapping[str, object]) -> str:
    """Convert a django_auto_healthchecks v3 rule dict to an assertion string.

    ``{"rule_type": "response_time", "operator": "lt", "value": 2}`` becomes
    ``"response.time < 2s"``: numeric ``response_time`` values are seconds.
    Other keys (``hours_to_followup_alert``) have no equivalent and are ignored.
    """
    if not isinstance(rule, Mapping):
        raise AssertionSyntaxError(f"a v3 rule must be a dict like {_V3_EXAMPLE}, got {_kind(rule)}")
    shown = f"v3 rule {clip(repr(dict(rule)))}"
    rule_type = rule.get("rule_type")
    subject = V3_SUBJECTS.get(rule_type) if isinstance(rule_type, str) else None
    if subject is None:
        raise AssertionSyntaxError(
            f"{shown}: unknown rule_type {rule_type!r}; use one of {', '.join(V3_SUBJECTS)}"
        )
    name = rule.get("operator")
    operator = V3_OPERATORS.get(name) if isinstance(name, str) else None
    if operator is None:
        raise AssertionSyntaxError(
            f"{shown}: unknown operator {name!r}; use one of {', '.join(V3_OPERATORS)}"
        )
    if "value" not in rule:
        raise AssertionSyntaxError(f"{shown}: missing 'value'")
    value = _v3_value(subject, rule["value"])
    if value is None:
        raise AssertionSyntaxError(f"{shown}: 'value' must be a number or a string, got {rule['value']!r}")
    try:
        return str(Assertion(subject, None, operator, value))
    except AssertionSyntaxError as exc:
        raise AssertionSyntaxError(f"{shown}: {exc}") from None


def _v3_value(subject: str, value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    if subject == "response.time":
        if isinstance(value, str):
            number = as_number(value)
            return value if number is None else seconds_text(float(number))
        return seconds_text(float(value))
    return str(value)


def _kind(value: object) -> str:
    """The built-in type a value is, e.g. ``str`` for Django's ``JSONString``."""
    for base in type(value).__mro__:
        if base.__module__ == "builtins" and base is not object:
            return base.__name__
    return type(value).__name__
