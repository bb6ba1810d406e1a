"""A small typed builder for assertion strings: ``A.code == 200``, ``A.json("data.count") > 10``.

Every comparison returns an :class:`Assertion`, whose ``str()`` is the Cronitor
string. A comparison the subject does not support raises
:class:`AssertionSyntaxError` at once.
"""

from __future__ import annotations

from datetime import timedelta

from healthcheck_admin.assertions.grammar import VALUE_KINDS, Assertion
from healthcheck_admin.assertions.values import AssertionSyntaxError, seconds_text

#: What a builder comparison accepts on its right-hand side.
Value = str | int | float | bool | timedelta


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

    def __eq__(self, value: Value) -> Assertion:  # type: ignore[override]
        return self._make("=", value)

    def __ne__(self, value: Value) -> Assertion:  # type: ignore[override]
        return self._make("!=", value)

    def __lt__(self, value: Value) -> Assertion:
        return self._make("<", value)

    def __le__(self, value: Value) -> Assertion:
        return self._make("<=", value)

    def __gt__(self, value: Value) -> Assertion:
        return self._make(">", value)

    def __ge__(self, value: Value) -> Assertion:
        return self._make(">=", value)

    def contains(self, value: Value) -> Assertion:
        return self._make("contains", value)

    def not_contains(self, value: Value) -> Assertion:
        return self._make("!contains", value)


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


class AssertionBuilder:
    """The type of :data:`A`; each attribute or call gives a :class:`Field`."""

    @property
    def code(self) -> Field:
        """``response.code``: ``A.code == 200``, ``A.code < 400``."""
        return Field("response.code")

    @property
    def time(self) -> Field:
        """``response.time``: ``A.time < "2s"``; numbers and timedeltas are seconds."""
        return Field("response.time")

    @property
    def body(self) -> Field:
        """``response.body``: ``A.body.contains("ok")``, ``A.body == "ok"``."""
        return Field("response.body")

    @property
    def ssl_expires_in(self) -> Field:
        """``ssl_certificate.expires_in``: ``A.ssl_expires_in > "30 days"``."""
        return Field("ssl_certificate.expires_in")

    @property
    def last_modified(self) -> Field:
        """``resource.last_modified`` (judged by Cronitor only)."""
        return Field("resource.last_modified")

    @property
    def item_count(self) -> Field:
        """``resource.item_count`` (judged by Cronitor only)."""
        return Field("resource.item_count")

    @property
    def public(self) -> Field:
        """``resource.public`` (judged by Cronitor only)."""
        return Field("resource.public")

    def json(self, path: str) -> Field:
        """``response.json <path>``: ``A.json("data.count") > 10``."""
        return Field("response.json", path)

    def header(self, name: str) -> Field:
        """``response.header <name>``: ``A.header("X-Version") == "1.2.3"``."""
        return Field("response.header", name)


_NAMES = {
    "response.code": "code",
    "response.time": "time",
    "response.body": "body",
    "ssl_certificate.expires_in": "ssl_expires_in",
    "resource.last_modified": "last_modified",
    "resource.item_count": "item_count",
    "resource.public": "public",
    "response.json": "json",
    "response.header": "header",
}

#: The builder: ``A.code == 200``, ``A.time < "2s"``, ``A.body.contains("ok")``,
#: ``A.json("data.count") > 10``, ``A.header("X-Version") == "1.2.3"``.
A = AssertionBuilder()
