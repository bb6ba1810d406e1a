"""Value syntax shared by the parser, the builder and the evaluator.

Intervals (``2s``, ``600ms``, ``.25s``, ``5 min``, ``30 days``; the grammar is
:mod:`healthcheck_admin.limits`'), numbers,
quoting of text values, and the one error type of the assertion language.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from healthcheck_admin.limits import BAD_CATEGORIES as _BAD_CATEGORIES
from healthcheck_admin.limits import INTERVAL_RE as _INTERVAL_RE
from healthcheck_admin.limits import UNITS as UNITS  # re-exported: the assertion language's units

#: Longest input quoted back in an error message; longer input is clipped.
MAX_QUOTED = 120

_NUMBER_RE = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?", re.ASCII)
_QUOTED_RE = re.compile(r"\"([^\"]*)\"|'([^']*)'")

INTERVAL_EXAMPLES = "e.g. '2s', '600ms', '5 min' or '30 days'"


class AssertionSyntaxError(ValueError):
    """An assertion string (or a v3 rule, or a builder expression) is invalid.

    The message says where and why, quoting the input in double quotes, e.g.
    ``"response.code == 200": unknown operator '=='; use one of = != < <= > >=``.
    ``reason`` is the part after the quote and ``text`` the input (``None`` when
    the message quotes nothing).
    """

    def __init__(self, reason: str, text: str | None = None) -> None:
        self.reason = reason
        self.text = text
        super().__init__(reason if text is None else f'"{clip(printable(text))}": {reason}')


class Invalid(Exception):
    """Internal: a problem found while checking one part; wrapped into AssertionSyntaxError."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def printable(text: str) -> str:
    """``text`` with control characters escaped, so a message never carries a raw one."""
    if not any(char != "\t" and unicodedata.category(char) in _BAD_CATEGORIES for char in text):
        return text
    return "".join(
        repr(char)[1:-1] if unicodedata.category(char) in _BAD_CATEGORIES else char for char in text
    )


def clip(text: str, limit: int = MAX_QUOTED) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def bad_character(text: str) -> str | None:
    """Why ``text`` cannot be part of an assertion (a control character), or None."""
    for position, char in enumerate(text):
        if char != "\t" and unicodedata.category(char) in _BAD_CATEGORIES:
            return f"control character {char!r} at position {position}; an assertion is one line of text"
    return None


def interval_seconds(text: str) -> float:
    """Seconds in an interval such as ``2s`` or ``5 minutes``; raises :class:`Invalid`."""
    shown = clip(repr(text), 60)
    match = _INTERVAL_RE.fullmatch(text.strip())
    if match is None:
        raise Invalid(f"{shown} is not an interval; write a number and a unit, {INTERVAL_EXAMPLES}")
    number, unit = match.groups()
    if not unit:
        raise Invalid(f"interval {shown} needs a unit, e.g. '{clip(number, 20)}s' or '{clip(number, 20)}ms'")
    factor = UNITS.get(unit.lower())
    if factor is None:
        raise Invalid(
            f"unknown unit {clip(repr(unit), 30)} in interval {shown}; use ms, s, min, h, days or weeks"
        )
    seconds = float(number) * factor
    if not math.isfinite(seconds):
        raise Invalid(f"interval {shown} is too large")
    return seconds


def parse_interval(text: str) -> float:
    """Return the number of seconds in a Cronitor interval.

    Accepts a number (``2``, ``1.2``, ``.25``) followed, with or without a space,
    by a unit: ``ms``, ``s``/``sec``/``seconds``, ``min``/``minutes``,
    ``h``/``hours``, ``d``/``days`` or ``w``/``weeks`` (any case). Raises
    :class:`AssertionSyntaxError` for anything else.

    >>> parse_interval("600ms"), parse_interval("5 min"), parse_interval(".25s")
    (0.6, 300.0, 0.25)
    """
    if not isinstance(text, str):
        raise AssertionSyntaxError(
            f"expected an interval string {INTERVAL_EXAMPLES}, got {clip(repr(text), 60)}"
        )
    try:
        return interval_seconds(text)
    except Invalid as exc:
        raise AssertionSyntaxError(exc.reason) from None


def seconds_text(seconds: float) -> str:
    """``2.0`` -> ``"2s"``, ``0.25`` -> ``"0.25s"``: a number of seconds as an interval."""
    digits = f"{seconds:.6f}".rstrip("0").rstrip(".")
    return f"{digits}s"


def as_number(text: str) -> Decimal | None:
    """The number written in ``text`` (``10``, ``-1.5``, ``2e3``), or None if it is not one."""
    stripped = text.strip()
    if _NUMBER_RE.fullmatch(stripped) is None:
        return None
    try:
        return Decimal(stripped)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        return None


def unquote(text: str) -> str:
    """``"ok"`` and ``'ok'`` -> ``ok``; anything else is returned as written.

    Only a value wrapped whole in one kind of quote, with no such quote inside,
    counts as quoted, so a bare ``"status":"ok"`` keeps its quotes.
    """
    match = _QUOTED_RE.fullmatch(text)
    if match is None:
        return text
    double, single = match.groups()
    return double if double is not None else single


def needs_quotes(value: str) -> bool:
    return value == "" or value != value.strip() or _QUOTED_RE.fullmatch(value) is not None


def quote(value: str) -> str:
    """Write ``value`` so that :func:`unquote` (after the parser strips it) gives it back."""
    if not needs_quotes(value):
        return value
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    raise Invalid(
        f"value {clip(repr(value), 60)} needs quotes but contains both ' and \"; it cannot be written"
    )
