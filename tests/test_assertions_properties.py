"""Properties of the assertion language, checked with hypothesis.

* Parsing then serialising gives back the same assertion, whatever the spelling.
* Arbitrary text never crashes the parser: it parses, or raises AssertionSyntaxError.
* The evaluator judges any valid assertion against any response without raising.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from typing import TypeVar

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from healthcheck_admin.assertions import (
    KEYED_SUBJECTS,
    SUBJECT_OPERATORS,
    Assertion,
    AssertionSyntaxError,
    ResponseFacts,
    evaluate,
    parse,
)
from healthcheck_admin.assertions.grammar import VALUE_KINDS
from healthcheck_admin.assertions.values import UNITS, needs_quotes

T = TypeVar("T")
PROPERTY = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

LINE_CHARS = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))
TOKEN_CHARS = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Zs"), blacklist_characters=".[]")

numbers = st.one_of(
    st.integers(0, 10_000).map(str),
    st.tuples(st.integers(0, 999), st.integers(0, 999)).map(lambda t: f"{t[0]}.{t[1]}"),
    st.integers(0, 999).map(lambda d: f".{d}"),
)
intervals = st.builds(
    lambda number, space, unit: f"{number}{space}{unit}",
    numbers,
    st.sampled_from(["", " "]),
    st.sampled_from(sorted(UNITS)).flatmap(lambda unit: st.sampled_from([unit, unit.upper(), unit.title()])),
)
VALUES = {
    "status": st.integers(100, 599).map(str),
    "count": st.integers(0, 10**9).map(str),
    "interval": intervals,
    "boolean": st.sampled_from(["true", "false", "TRUE", "False"]),
    "text": st.text(LINE_CHARS, max_size=30),
    "any": st.one_of(st.text(LINE_CHARS, max_size=30), numbers, st.sampled_from(["true", "null", "-1.5e3"])),
}
segments = st.text(TOKEN_CHARS, min_size=1, max_size=8).filter(lambda s: not s.startswith("$"))
indexes = st.integers(0, 99).map(lambda i: f"[{i}]")
path_parts = st.builds(lambda name, idx: name + "".join(idx), segments, st.lists(indexes, max_size=2))
KEYS = {
    "response.json": st.lists(path_parts, min_size=1, max_size=4).map(".".join),
    "response.header": st.text(
        string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~", min_size=1, max_size=20
    ),
}
separators = st.sampled_from([" ", "  ", "\t", " \t "])


def spellings(value: str) -> st.SearchStrategy[str]:
    """Every way the parser accepts to write ``value``: bare, "double" or 'single' quoted."""
    options = [] if needs_quotes(value) else [value]
    options += [f'"{value}"'] if '"' not in value else []
    options += [f"'{value}'"] if "'" not in value else []
    assume(options)
    return st.sampled_from(options)


@st.composite
def parts(draw: st.DrawFn) -> tuple[str, str | None, str, str]:
    subject = draw(st.sampled_from(sorted(SUBJECT_OPERATORS)))
    operator = draw(st.sampled_from(SUBJECT_OPERATORS[subject]))
    key = draw(KEYS[subject]) if subject in KEYED_SUBJECTS else None
    value = draw(VALUES[VALUE_KINDS[subject]])
    return subject, key, operator, value


@st.composite
def assertion_texts(draw: st.DrawFn) -> str:
    """A valid assertion string, spelled with random case, spacing and quoting."""
    subject, key, operator, value = draw(parts())
    words = [
        draw(st.sampled_from([subject, subject.upper(), subject.title()])),
        *([key] if key is not None else []),
        draw(st.sampled_from([operator, operator.upper()])),
        draw(spellings(value)),
    ]
    text = words[0]
    for word in words[1:]:
        text += draw(separators) + word
    return draw(st.sampled_from(["", " ", "\t"])) + text + draw(st.sampled_from(["", " ", "  "]))


@PROPERTY
@given(assertion_texts())
def test_parse_then_serialise_gives_the_same_assertion(text):
    parsed = parse(text)
    canonical = str(parsed)
    assert parse(canonical) == parsed
    assert str(parse(canonical)) == canonical


def attempt(build: Callable[..., T], *args: object) -> T | AssertionSyntaxError:
    """What ``build(*args)`` returns, or the AssertionSyntaxError it raises."""
    try:
        return build(*args)
    except AssertionSyntaxError as exc:
        return exc


@PROPERTY
@given(parts())
def test_any_constructible_assertion_survives_a_round_trip(fields):
    assertion = attempt(Assertion, *fields)
    assume(isinstance(assertion, Assertion))
    assert parse(str(assertion)) == assertion


SUBJECT_WORDS = [*SUBJECT_OPERATORS, "metric.duration", "response", "Response.Code", "response.json.x"]
near_misses = st.builds(
    lambda subject, sep, rest: subject + sep + rest,
    st.sampled_from(SUBJECT_WORDS),
    st.sampled_from(["", " ", "\t"]),
    st.text(max_size=40),
)


@PROPERTY
@given(st.one_of(st.text(max_size=60), near_misses))
def test_arbitrary_text_only_ever_raises_assertion_syntax_error(text):
    result = attempt(parse, text)  # any other exception fails the test
    if isinstance(result, AssertionSyntaxError):
        assert str(result).startswith('"')
        assert result.reason
    else:
        assert parse(str(result)) == result


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)
bodies = st.one_of(st.text(max_size=60), json_values.map(json.dumps))
header_maps = st.dictionaries(
    st.text(string.ascii_letters + "-", min_size=1, max_size=10), st.text(max_size=20), max_size=4
)


@PROPERTY
@given(
    assertion_texts(),
    st.integers(100, 599),
    st.floats(0, 100),
    bodies,
    header_maps,
    st.none() | st.floats(-1e8, 1e8),
)
def test_the_evaluator_judges_any_valid_assertion_without_raising(
    text, status, elapsed, body, headers, expiry
):
    facts = ResponseFacts(status=status, elapsed=elapsed, body=body, headers=headers, ssl_expires_in=expiry)
    outcome = evaluate(text, facts)
    assert outcome.assertion == str(parse(text))
    assert outcome.reason.startswith(f"{outcome.assertion}: ")
    assert isinstance(outcome.passed, bool)
