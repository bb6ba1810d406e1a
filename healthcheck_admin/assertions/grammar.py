"""The grammar of Cronitor check assertions: :class:`Assertion`, :func:`parse`, :func:`validate`.

``"{subject} {operator} {value}"``, or ``"{subject} {key} {operator} {value}"``
for ``response.json`` and ``response.header`` (reference §5.1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from healthcheck_admin.assertions.values import (
    AssertionSyntaxError,
    Invalid,
    bad_character,
    clip,
    interval_seconds,
    quote,
    unquote,
)

_ORDER = ("<", "<=", ">", ">=")
_EQUALITY = ("=", "!=")
_TEXT = ("contains", "!contains")

#: Each subject a check accepts, with its operators in the order error messages list them.
SUBJECT_OPERATORS: dict[str, tuple[str, ...]] = {
    "response.code": (*_EQUALITY, *_ORDER),
    "response.time": _ORDER,
    "response.body": (*_TEXT, *_EQUALITY),
    "response.json": (*_TEXT, *_EQUALITY, *_ORDER),
    "response.header": (*_TEXT, *_EQUALITY, *_ORDER),
    "ssl_certificate.expires_in": ("=", *_ORDER),
    "resource.last_modified": (*_EQUALITY, *_ORDER),
    "resource.item_count": (*_EQUALITY, *_ORDER),
    "resource.public": ("=",),
}
#: Every operator of the language.
OPERATORS: tuple[str, ...] = (*_EQUALITY, *_ORDER, *_TEXT)
#: Subjects followed by a key: a JSON path or a header name.
KEYED_SUBJECTS = frozenset({"response.json", "response.header"})
#: Subjects only Cronitor's servers can judge; the local evaluator reports them as failures.
REMOTE_SUBJECTS = frozenset({"resource.last_modified", "resource.item_count", "resource.public"})
#: Assertions of job and heartbeat monitors, rejected for checks with a pointed message.
JOB_SUBJECTS = frozenset({"metric.duration", "metric.count", "metric.error_count", "metric.error_rate"})

#: What kind of value each subject takes.
VALUE_KINDS: dict[str, str] = {
    "response.code": "status",
    "response.time": "interval",
    "response.body": "text",
    "response.json": "any",
    "response.header": "any",
    "ssl_certificate.expires_in": "interval",
    "resource.last_modified": "interval",
    "resource.item_count": "count",
    "resource.public": "boolean",
}
EXAMPLES: dict[str, str] = {
    "response.code": "response.code = 200",
    "response.time": "response.time < 2s",
    "response.body": "response.body contains ok",
    "response.json": "response.json data.count > 10",
    "response.header": "response.header X-App-Version = 1.2.3",
    "ssl_certificate.expires_in": "ssl_certificate.expires_in > 30 days",
    "resource.last_modified": "resource.last_modified < 1 day",
    "resource.item_count": "resource.item_count > 0",
    "resource.public": "resource.public = false",
}
_KEY_NAMES = {"response.json": "JSON path", "response.header": "header name"}

_SEGMENT = r"[^.\[\]\s]+"
_INDEX = r"\[[0-9]+\]"
_PATH_RE = re.compile(rf"(?:{_SEGMENT}|{_INDEX})(?:{_INDEX})*(?:\.{_SEGMENT}(?:{_INDEX})*)*")
_HEADER_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+", re.ASCII)
_DIGITS_RE = re.compile(r"[0-9]+", re.ASCII)


@dataclass(frozen=True)
class Assertion:
    """One parsed assertion; ``str()`` gives the canonical Cronitor string.

    ``key`` is the JSON path or header name (``None`` for other subjects) and
    ``value`` the value as text, without quotes. Construction validates and
    normalises (lower-case subject and operator, ``200`` for ``0200``) and
    raises :class:`AssertionSyntaxError`.
    """

    subject: str
    key: str | None
    operator: str
    value: str

    def __post_init__(self) -> None:
        raw = (self.subject, self.key, self.operator, self.value)
        try:
            fields = normalise(*raw)
        except Invalid as exc:
            text = " ".join(str(part) for part in raw if part is not None)
            raise AssertionSyntaxError(exc.reason, text=text) from None
        for name, value in zip(("subject", "key", "operator", "value"), fields, strict=True):
            object.__setattr__(self, name, value)

    def __str__(self) -> str:
        key = [] if self.key is None else [self.key]
        return " ".join([self.subject, *key, self.operator, quote(self.value)])


def parse(text: str) -> Assertion:
    """Parse one assertion string; raises :class:`AssertionSyntaxError` saying where and why.

    >>> parse("response.json data.count > 10")
    Assertion(subject='response.json', key='data.count', operator='>', value='10')
    """
    if not isinstance(text, str):
        raise AssertionSyntaxError(
            "expected an assertion string such as 'response.code = 200', "
            f"got {type(text).__name__} {_show(text)}"
        )
    try:
        fields = normalise(*_tokens(text))
    except Invalid as exc:
        raise AssertionSyntaxError(exc.reason, text=text) from None
    return Assertion(*fields)


def validate(text: str) -> str:
    """Return the canonical form of an assertion string, e.g. ``'response.code = 200'``."""
    return str(parse(text))


def normalise(
    subject: object, key: object, operator: object, value: object
) -> tuple[str, str | None, str, str]:
    """Check each part and return it in canonical form; raises :class:`Invalid`."""
    subject_text = _string("subject", subject)
    key_text = None if key is None else _string("key", key)
    operator_text = _string("operator", operator)
    value_text = _string("value", value)
    for part in (subject_text, key_text or "", operator_text, value_text):
        problem = bad_character(part)
        if problem:
            raise Invalid(problem)
    name = check_subject(subject_text)
    checked_key = check_key(name, key_text)
    checked_operator = check_operator(name, operator_text)
    checked_value = check_value(name, value_text)
    quote(checked_value)  # raises when the value cannot be written back
    return name, checked_key, checked_operator, checked_value


def _show(part: object) -> str:
    """``repr(part)``, clipped: reasons stay short however long the input."""
    return clip(repr(part), 60)


def _string(name: str, part: object) -> str:
    if not isinstance(part, str):
        raise Invalid(f"the {name} must be a string, got {type(part).__name__} {_show(part)}")
    return part


def _take(text: str) -> tuple[str, str]:
    parts = text.split(None, 1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""


def _tokens(text: str) -> tuple[str, str | None, str, str]:
    problem = bad_character(text)
    if problem:
        raise Invalid(problem)
    body = text.strip()
    if not body:
        raise Invalid("empty assertion; write '<subject> <operator> <value>', e.g. 'response.code = 200'")
    token, rest = _take(body)
    subject = check_subject(token)
    key = None
    if subject in KEYED_SUBJECTS:
        key, rest = _take_key(subject, rest)
    operator, rest = _take(rest)
    if not operator:
        raise Invalid(
            f"missing operator after {_show(body)}; "
            f"separate the parts with spaces, e.g. {EXAMPLES[subject]!r}"
        )
    check_operator(subject, operator)
    if not rest:
        raise Invalid(f"missing value after {_show(operator)}; e.g. {EXAMPLES[subject]!r}")
    return subject, key, operator, unquote(rest)


def _take_key(subject: str, rest: str) -> tuple[str, str]:
    what = _KEY_NAMES[subject]
    key, after = _take(rest)
    # A key may be spelled like an operator ("contains") only when an operator follows it.
    if not key or (key.lower() in OPERATORS and _take(after)[0].lower() not in OPERATORS):
        raise Invalid(f"missing {what} after {subject}; e.g. {EXAMPLES[subject]!r}")
    return key, after


def check_subject(token: str) -> str:
    name = token.strip().lower()
    if name in SUBJECT_OPERATORS:
        return name
    if name in JOB_SUBJECTS:
        raise Invalid(
            f"{_show(token)} applies to job and heartbeat monitors, not to checks; "
            "checks use response.*, ssl_certificate.expires_in or resource.*"
        )
    for subject in SUBJECT_OPERATORS:
        after = name[len(subject) : len(subject) + 1]
        if name.startswith(subject) and after and after in "=!<>":
            raise Invalid(f"put spaces around the operator, e.g. {EXAMPLES[subject]!r}")
        if name.startswith(subject) and after in (".", "[") and subject in KEYED_SUBJECTS:
            what = _KEY_NAMES[subject]
            raise Invalid(f"put a space between {subject} and the {what}, e.g. {EXAMPLES[subject]!r}")
    import difflib  # only on the error path: keeps the import of declarations light

    close = difflib.get_close_matches(name, list(SUBJECT_OPERATORS), n=1) if len(name) < 40 else []
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise Invalid(f"unknown subject {_show(token)}; use one of {', '.join(SUBJECT_OPERATORS)}{hint}")


def check_key(subject: str, key: str | None) -> str | None:
    if subject not in KEYED_SUBJECTS:
        if key is not None:
            raise Invalid(f"{subject} takes no key, got {_show(key)}; e.g. {EXAMPLES[subject]!r}")
        return None
    if not key:
        raise Invalid(f"missing {_KEY_NAMES[subject]} after {subject}; e.g. {EXAMPLES[subject]!r}")
    if subject == "response.header":
        if _HEADER_RE.fullmatch(key) is None:
            raise Invalid(
                f"invalid header name {_show(key)}; "
                "use letters, digits and !#$%&'*+-.^_`|~, e.g. 'X-App-Version'"
            )
        return key
    if key.startswith("$"):
        raise Invalid(
            f"JSON path {_show(key)} looks like JSONPath; write a dotted path such as 'data.items.0.id'"
        )
    if _PATH_RE.fullmatch(key) is None:
        raise Invalid(
            f"invalid JSON path {_show(key)}; use dotted keys and list indices, "
            "e.g. 'data.items.0.id' or 'data.items[0].id'"
        )
    return key


def check_operator(subject: str, operator: str) -> str:
    name = operator.strip().lower()
    allowed = SUBJECT_OPERATORS[subject]
    if name in allowed:
        return name
    if name in OPERATORS:
        raise Invalid(
            f"operator {_show(operator)} is not supported by {subject}; use one of {' '.join(allowed)}"
        )
    raise Invalid(f"unknown operator {_show(operator)}; use one of {' '.join(allowed)}")


def check_value(subject: str, value: str) -> str:
    kind = VALUE_KINDS[subject]
    stripped = value.strip()
    if kind == "status":
        digits = stripped.lstrip("0") or "0"
        if _DIGITS_RE.fullmatch(stripped) is None:
            raise Invalid(f"{subject} needs an HTTP status code such as 200, got {_show(value)}")
        if len(digits) > 3 or not 100 <= int(digits) <= 599:
            raise Invalid(f"{_show(value)} is not an HTTP status code; use a number from 100 to 599")
        return digits
    if kind == "count":
        if _DIGITS_RE.fullmatch(stripped) is None or len(stripped) > 18:
            raise Invalid(f"{subject} needs a whole number such as 10, got {_show(value)}")
        return str(int(stripped))
    if kind == "interval":
        interval_seconds(value)
        return " ".join(value.split())
    if kind == "boolean":
        if stripped.lower() not in ("true", "false"):
            raise Invalid(f"{subject} needs true or false, got {_show(value)}")
        return stripped.lower()
    return value
