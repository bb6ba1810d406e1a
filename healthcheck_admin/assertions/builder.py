"""A small typed builder for assertion strings: ``A.code == 200``, ``A.json("data.count") > 10``.

Every comparison returns an :class:`Assertion`, whose ``str()`` is the Cronitor
string. A comparison the subject does not support raises
:class:`AssertionSyntaxError` at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from healthcheck_admin.assertions.grammar import VALUE_KINDS, Assertion
from healthcheck_admin.assertions.values import AssertionSyntaxError, seconds_text

#: What a builder comparison accepts on its right-hand side.
Value = str | int | float | bool | timedelta


def _comparison(operator: str) -> Callable[[Field, Value], Assertion]:
    """The ``Field`` method that compares with *operator*: ``A.code < 400``, ``A.body.contains("ok")``."""

    def compare(field: Field, value: Value) -> Assertion:
        return field._make(operator, value)

    return compare


class Field:
    """One subject (with its key, if any), waiting for a comparison."""

    __slots__ = ("_key", "_subject")

    def __init__(self, subject: str, key: str | None = None) -> None:
        self._subject = subject
        self._key = key

    def __repr__(self) -> str:
        name = _NAMES.get(self._subject, self._subject)
        return f"A.{name}" if self._key is None else f"A.{name}({self._key!r})"

    def _make(self, operator: str, value: object) -> Assertion:
        return Assertion(self._subject, self._key, operator, value_text(self._subject, value))

    __eq__ = _comparison("=")  # type: ignore[assignment]
    __ne__ = _comparison("!=")  # type: ignore[assignment]
    __lt__ = _comparison("<")
    __le__ = _comparison("<=")
    __gt__ = _comparison(">")
    __ge__ = _comparison(">=")
    contains = _comparison("contains")
    not_contains = _comparison("!contains")


def value_text(subject: str, value: object) -> str:
    """The text of a builder value; numbers and timedeltas are seconds for interval subjects."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if isinstance(value, (int, float)) and VALUE_KINDS.get(subject) == "interval":
        return seconds_text(value)
    if isinstance(value, (int, float, str)):
        return str(value) if not isinstance(value, float) else repr(value)
    raise AssertionSyntaxError(
        f"{subject}: the value must be a str, int, float, bool or timedelta, "
        f"got {type(value).__name__} {value!r}"
    )


class _Subject:
    """A builder attribute for a subject without a key: ``A.code`` gives ``Field("response.code")``."""

    def __init__(self, subject: str, doc: str) -> None:
        self.subject = subject
        self.__doc__ = doc

    def __get__(self, builder: object, owner: type | None = None) -> Field:
        return Field(self.subject)


class AssertionBuilder:
    """The type of :data:`A`; each attribute or call gives a :class:`Field`."""

    code = _Subject("response.code", "``response.code``: ``A.code == 200``, ``A.code < 400``.")
    time = _Subject(
        "response.time", '``response.time``: ``A.time < "2s"``; numbers and timedeltas are seconds.'
    )
    body = _Subject("response.body", '``response.body``: ``A.body.contains("ok")``, ``A.body == "ok"``.')
    ssl_expires_in = _Subject(
        "ssl_certificate.expires_in", '``ssl_certificate.expires_in``: ``A.ssl_expires_in > "30 days"``.'
    )
    last_modified = _Subject(
        "resource.last_modified", "``resource.last_modified`` (judged by Cronitor only)."
    )
    item_count = _Subject("resource.item_count", "``resource.item_count`` (judged by Cronitor only).")
    public = _Subject("resource.public", "``resource.public`` (judged by Cronitor only).")

    def json(self, path: str) -> Field:
        """``response.json <path>``: ``A.json("data.count") > 10``."""
        return Field("response.json", path)

    def header(self, name: str) -> Field:
        """``response.header <name>``: ``A.header("X-Version") == "1.2.3"``."""
        return Field("response.header", name)


#: The builder's name of each subject, for ``repr(Field)``: ``A.code``, ``A.json('data.count')``.
_NAMES = {
    **{attr.subject: name for name, attr in vars(AssertionBuilder).items() if isinstance(attr, _Subject)},
    "response.json": "json",
    "response.header": "header",
}

#: The builder: ``A.code == 200``, ``A.time < "2s"``, ``A.body.contains("ok")``,
#: ``A.json("data.count") > 10``, ``A.header("X-Version") == "1.2.3"``.
A = AssertionBuilder()
