"""The assertion language: parsing, canonical strings and intervals."""

from __future__ import annotations

import pytest

from healthcheck_admin.assertions import (
    Assertion,
    AssertionSyntaxError,
    parse,
    parse_interval,
    validate,
)
from healthcheck_admin.assertions.values import printable
from tests.utils import DAY

# --- parsing and canonical strings -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("response.code = 200", "response.code = 200"),
        ("  response.code   =   0200  ", "response.code = 200"),
        ("Response.Code >= 500", "response.code >= 500"),
        ("response.time < 2s", "response.time < 2s"),
        ("response.time < 5   minutes", "response.time < 5 minutes"),
        ("response.time <= '600ms'", "response.time <= 600ms"),
        ("response.body contains ok", "response.body contains ok"),
        ('response.body contains "ok"', "response.body contains ok"),
        ("response.body CONTAINS 'all good'", "response.body contains all good"),
        ('response.body contains "status":"ok"', 'response.body contains "status":"ok"'),
        ('response.body = ""', 'response.body = ""'),
        ('response.body != " padded "', 'response.body != " padded "'),
        ("response.body = '\"quoted\"'", "response.body = '\"quoted\"'"),
        ("response.json new_user.count > 10", "response.json new_user.count > 10"),
        ("response.json data.items[0].id = 7", "response.json data.items[0].id = 7"),
        ("response.json contains contains x", "response.json contains contains x"),
        ("response.header X-App-Version = 1.2.3", "response.header X-App-Version = 1.2.3"),
        ("ssl_certificate.expires_in = 30 days", "ssl_certificate.expires_in = 30 days"),
        ("ssl_certificate.expires_in > 2 weeks", "ssl_certificate.expires_in > 2 weeks"),
        ("resource.last_modified < 1 day", "resource.last_modified < 1 day"),
        ("resource.item_count >= 010", "resource.item_count >= 10"),
        ("resource.public = FALSE", "resource.public = false"),
        ("response.code\t=\t200", "response.code = 200"),
    ],
)
def test_validate_returns_the_canonical_string(text, canonical):
    assert validate(text) == canonical
    assert validate(canonical) == canonical


def test_parse_splits_subject_key_operator_and_value():
    assert parse("response.json data.count > 10") == Assertion("response.json", "data.count", ">", "10")
    assert parse("response.header X-Version = '1.2.3'") == Assertion(
        "response.header", "X-Version", "=", "1.2.3"
    )
    assert parse('response.body contains "hello world"') == Assertion(
        "response.body", None, "contains", "hello world"
    )


BAD = [
    # (input, fragment of the reason)
    ("", "empty assertion"),
    ("   ", "empty assertion"),
    ("response.code == 200", "unknown operator '=='; use one of = != < <= > >="),
    ("response.code => 200", "unknown operator '=>'"),
    ("response.code contains 2", "operator 'contains' is not supported by response.code"),
    ("response.time = 2s", "operator '=' is not supported by response.time; use one of < <= > >="),
    (
        "response.body > 3",
        "operator '>' is not supported by response.body; use one of contains !contains = !=",
    ),
    ("response.body not_contains x", "unknown operator 'not_contains'; use one of contains !contains = !="),
    ("ssl_certificate.expires_in != 30 days", "not supported by ssl_certificate.expires_in"),
    ("resource.public != true", "use one of ="),
    ("response.status = 200", "unknown subject 'response.status'"),
    ("reponse.code = 200", "did you mean 'response.code'?"),
    ("metric.duration < 5 min", "applies to job and heartbeat monitors, not to checks"),
    ("response.code=200", "put spaces around the operator"),
    ("response.time<2s", "put spaces around the operator"),
    ("response.json.data = 1", "put a space between response.json and the JSON path"),
    ("response.code", "missing operator"),
    ("response.code =", "missing value after '='"),
    ("response.json = 1", "missing JSON path after response.json"),
    ("response.json", "missing JSON path"),
    ("response.header = 1", "missing header name"),
    ("response.json data.count>10", "missing operator"),
    ("response.json $.data = 1", "looks like JSONPath"),
    ("response.json data..count = 1", "invalid JSON path 'data..count'"),
    ("response.json data[x] = 1", "invalid JSON path"),
    ("response.json data[0 = 1", "invalid JSON path"),
    ("response.header X:Version = 1", "invalid header name 'X:Version'"),
    ("response.code = abc", "needs an HTTP status code such as 200, got 'abc'"),
    ("response.code = 2xx", "needs an HTTP status code"),
    ("response.code = 99", "'99' is not an HTTP status code; use a number from 100 to 599"),
    ("response.code = 1000", "not an HTTP status code"),
    ("response.code = -200", "needs an HTTP status code"),
    ("response.time < 2", "interval '2' needs a unit, e.g. '2s' or '2ms'"),
    ("response.time < fast", "'fast' is not an interval"),
    ("response.time < 5 parsecs", "unknown unit 'parsecs'"),
    ("response.time < 2m", "unknown unit 'm'"),
    ("response.time < -2s", "is not an interval"),
    ("ssl_certificate.expires_in = soon", "is not an interval"),
    ("resource.item_count > many", "needs a whole number"),
    ("resource.public = yes", "needs true or false, got 'yes'"),
    ("response.code = 200\nresponse.time < 2s", "control character '\\n'"),
    ("response.body contains \x00", "control character"),
]


@pytest.mark.parametrize(("text", "fragment"), BAD)
def test_parse_errors_quote_the_input_and_say_why(text, fragment):
    with pytest.raises(AssertionSyntaxError) as caught:
        parse(text)
    message = str(caught.value)
    assert message.startswith(f'"{printable(text)}": ')  # control characters escaped, never raw
    assert message.isprintable()
    assert fragment in message
    assert caught.value.reason in message
    assert caught.value.text == text


def test_the_documented_error_message_is_exact():
    with pytest.raises(AssertionSyntaxError) as caught:
        parse("response.code == 200")
    assert str(caught.value) == "\"response.code == 200\": unknown operator '=='; use one of = != < <= > >="
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "text",
    [
        "response.code == " + "9" * 500,
        "response.code = " + "9" * 5000,
        "x" * 10_000 + " = 1",
        "response.code " + "=" * 5000 + " 200",
        "response.time < " + "5" * 5000,
        "response.json " + "a." * 3000 + " = 1",
    ],
)
def test_long_input_is_clipped_in_messages(text):
    with pytest.raises(AssertionSyntaxError) as caught:
        parse(text)
    assert len(str(caught.value)) < 400


@pytest.mark.parametrize("value", [None, 200, b"response.code = 200", ["response.code = 200"]])
def test_parse_refuses_what_is_not_a_string(value):
    with pytest.raises(AssertionSyntaxError, match="expected an assertion string"):
        parse(value)


def test_assertions_built_directly_are_validated_and_normalised():
    assert str(Assertion("RESPONSE.CODE", None, "=", "0200")) == "response.code = 200"
    with pytest.raises(AssertionSyntaxError, match=r"response\.code takes no key"):
        Assertion("response.code", "x", "=", "200")
    with pytest.raises(AssertionSyntaxError, match="the value must be a string, got int 200"):
        Assertion("response.code", None, "=", 200)  # type: ignore[arg-type]
    with pytest.raises(AssertionSyntaxError, match="contains both"):
        Assertion("response.body", None, "=", '"it\'s"')


def test_values_that_need_quotes_are_written_with_them():
    assert str(Assertion("response.body", None, "contains", " a ")) == 'response.body contains " a "'
    assert str(Assertion("response.body", None, "=", ' "x" ')) == "response.body = ' \"x\" '"
    assert str(Assertion("response.json", "msg", "=", "")) == 'response.json msg = ""'


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("2s", 2.0),
        ("1.2s", 1.2),
        (".25s", 0.25),
        ("600ms", 0.6),
        ("5 min", 300.0),
        ("15min", 900.0),
        ("5 minutes", 300.0),
        ("30 seconds", 30.0),
        ("10 Seconds", 10.0),
        ("2 hours", 7200.0),
        ("1h", 3600.0),
        ("30 days", 30 * DAY),
        ("1 week", 7 * DAY),
    ],
)
def test_parse_interval(text, seconds):
    assert parse_interval(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "not an interval"),
        ("2", "needs a unit"),
        ("2 fortnights", "unknown unit"),
        ("1" * 400 + " weeks", "too large"),
    ],
)
def test_parse_interval_errors(text, fragment):
    with pytest.raises(AssertionSyntaxError, match=fragment):
        parse_interval(text)
