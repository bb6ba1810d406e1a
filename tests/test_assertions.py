"""The assertion language: parsing, canonical strings, v3 rules, the builder A and the evaluator."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.http import HttpResponse
from requests.structures import CaseInsensitiveDict

from healthcheck_admin.assertions import (
    DEFAULT_ASSERTIONS,
    SUBJECT_OPERATORS,
    A,
    Assertion,
    AssertionSyntaxError,
    Outcome,
    ResponseFacts,
    evaluate,
    evaluate_all,
    from_v3_rule,
    parse,
    parse_interval,
    validate,
    validate_list,
)
from healthcheck_admin.assertions.values import printable

DAY = 86400.0
DOCUMENT = {
    "status": "ok",
    "data": {
        "count": 12,
        "name": "widget",
        "tags": ["a", "b", 3],
        "items": [{"id": 7}, {"id": 8}],
        "meta": {"page": 1},
        "ok": True,
        "nothing": None,
        "ratio": 0.5,
    },
}


def facts(**overrides: object) -> ResponseFacts:
    values: dict[str, object] = {
        "status": 200,
        "elapsed": 0.5,
        "body": json.dumps(DOCUMENT),
        "headers": {"Content-Type": "application/json", "X-Version": "1.2.3", "X-Count": "12"},
        "ssl_expires_in": 45 * DAY,
    }
    values.update(overrides)
    return ResponseFacts(**values)  # type: ignore[arg-type]


# --- the evaluator: every subject/operator pair, passing and failing ---------------------------------

PAIRS = [
    # (assertion, passes?, fragment of the reason)
    ("response.code = 200", True, "got 200"),
    ("response.code = 201", False, "got 200"),
    ("response.code != 500", True, "got 200"),
    ("response.code != 200", False, "got 200"),
    ("response.code < 300", True, "got 200"),
    ("response.code < 200", False, "got 200"),
    ("response.code <= 200", True, "got 200"),
    ("response.code <= 199", False, "got 200"),
    ("response.code > 199", True, "got 200"),
    ("response.code > 200", False, "got 200"),
    ("response.code >= 200", True, "got 200"),
    ("response.code >= 201", False, "got 200"),
    ("response.time < 1s", True, "got 500ms"),
    ("response.time < 500ms", False, "got 500ms"),
    ("response.time <= 500ms", True, "got 500ms"),
    ("response.time <= 499ms", False, "got 500ms"),
    ("response.time > 100ms", True, "got 500ms"),
    ("response.time > 1 second", False, "got 500ms"),
    ("response.time >= .5s", True, "got 500ms"),
    ("response.time >= 0.6s", False, "got 500ms"),
    ("response.body contains widget", True, "found in body"),
    ("response.body contains gadget", False, "not found in body"),
    ("response.body !contains error", True, "not found in body"),
    ("response.body !contains widget", False, "found in body"),
    ("response.json data.name contains idg", True, 'got "widget"'),
    ("response.json data.name contains xyz", False, 'got "widget"'),
    ("response.json data.tags contains b", True, 'got ["a","b",3]'),
    ("response.json data.tags contains 3.0", True, "got"),
    ("response.json data.tags contains c", False, "got"),
    ("response.json data.meta contains page", True, 'got {"page":1}'),
    ("response.json data.meta contains size", False, "got"),
    ("response.json data.tags !contains c", True, "got"),
    ("response.json data.tags !contains a", False, "got"),
    ("response.json data.count = 12", True, "got 12"),
    ("response.json data.count = 12.0", True, "got 12"),
    ("response.json data.count = 13", False, "got 12"),
    ("response.json status = ok", True, 'got "ok"'),
    ("response.json data.ok = true", True, "got true"),
    ("response.json data.nothing = null", True, "got null"),
    ("response.json data.count != 13", True, "got 12"),
    ("response.json status != ok", False, 'got "ok"'),
    ("response.json data.count < 20", True, "got 12"),
    ("response.json data.count < 12", False, "got 12"),
    ("response.json data.count <= 12", True, "got 12"),
    ("response.json data.ratio <= 0.25", False, "got 0.5"),
    ("response.json data.count > 9", True, "got 12"),  # numeric: as text "12" < "9"
    ("response.json data.count > 12", False, "got 12"),
    ("response.json data.count >= 12", True, "got 12"),
    ("response.json data.count >= 1e2", False, "got 12"),
    ("response.json data.name < zebra", True, 'got "widget"'),
    ("response.json data.name > zebra", False, 'got "widget"'),
    ("response.json data.items.0.id = 7", True, "got 7"),
    ("response.json data.items[1].id = 8", True, "got 8"),
    ("response.header X-Version contains 1.2", True, 'got "1.2.3"'),
    ("response.header X-Version contains 2.0", False, 'got "1.2.3"'),
    ("response.header X-Version !contains 2.0", True, 'got "1.2.3"'),
    ("response.header X-Version !contains 1.2", False, 'got "1.2.3"'),
    ("response.header x-version = 1.2.3", True, 'got "1.2.3"'),
    ("response.header X-VERSION = 1.2.4", False, 'got "1.2.3"'),
    ("response.header X-Version != 1.2.4", True, 'got "1.2.3"'),
    ("response.header X-Version != 1.2.3", False, 'got "1.2.3"'),
    ("response.header X-Count < 20", True, 'got "12"'),
    ("response.header X-Count < 9", False, 'got "12"'),
    ("response.header X-Count <= 12", True, 'got "12"'),
    ("response.header X-Count <= 11", False, 'got "12"'),
    ("response.header X-Count > 9", True, 'got "12"'),
    ("response.header X-Count > 100", False, 'got "12"'),
    ("response.header X-Count >= 12", True, 'got "12"'),
    ("response.header X-Count >= 13", False, 'got "12"'),
    ("ssl_certificate.expires_in = 30 days", True, "got 45.0 days"),
    ("ssl_certificate.expires_in = 60 days", False, "got 45.0 days"),
    ("ssl_certificate.expires_in < 60 days", True, "got 45.0 days"),
    ("ssl_certificate.expires_in < 30 days", False, "got 45.0 days"),
    ("ssl_certificate.expires_in <= 45 days", True, "got 45.0 days"),
    ("ssl_certificate.expires_in <= 44 days", False, "got 45.0 days"),
    ("ssl_certificate.expires_in > 4 weeks", True, "got 45.0 days"),
    ("ssl_certificate.expires_in > 90 days", False, "got 45.0 days"),
    ("ssl_certificate.expires_in >= 45 days", True, "got 45.0 days"),
    ("ssl_certificate.expires_in >= 46 days", False, "got 45.0 days"),
]


@pytest.mark.parametrize(("text", "passes", "fragment"), PAIRS)
def test_every_subject_and_operator_passes_and_fails(text, passes, fragment):
    outcome = evaluate(text, facts())
    assert outcome.passed is passes
    assert outcome.assertion == text
    assert outcome.reason.startswith(f"{text}: ")
    assert fragment in outcome.reason


def test_the_pair_table_covers_every_local_subject_and_operator_both_ways():
    covered = {(parse(text).subject, parse(text).operator, passes) for text, passes, _ in PAIRS}
    for subject, operators in SUBJECT_OPERATORS.items():
        if subject.startswith("resource."):
            continue
        for operator in operators:
            if subject == "response.body" and operator in ("=", "!="):
                continue  # needs a plain-text body: test_body_equality_ignores_surrounding_whitespace
            assert (subject, operator, True) in covered, (subject, operator)
            assert (subject, operator, False) in covered, (subject, operator)


@pytest.mark.parametrize(
    ("text", "passes"),
    [
        ("response.body = ok", True),
        ("response.body = okay", False),
        ("response.body != okay", True),
        ("response.body != ok", False),
        ('response.body = "  ok "', True),
    ],
)
def test_body_equality_ignores_surrounding_whitespace(text, passes):
    assert evaluate(text, facts(body="  ok\n")).passed is passes


def test_body_equality_failure_shows_an_excerpt_of_the_body():
    outcome = evaluate("response.body = ok", facts(body="x" * 500))
    assert outcome.reason.startswith('response.body = ok: got "xxx')
    assert outcome.reason.endswith("...")
    assert len(outcome.reason) < 120


@pytest.mark.parametrize(
    "text", ["resource.last_modified < 1 day", "resource.item_count > 0", "resource.public = false"]
)
def test_subjects_only_cronitor_can_judge_fail_locally_and_say_why(text):
    outcome = evaluate(text, facts())
    assert outcome.passed is False
    assert outcome.reason == f"{text}: cannot be evaluated locally; only Cronitor's servers can check it"


def test_reasons_read_as_documented():
    body = json.dumps({"data": {"count": 3}})
    response = facts(status=503, body=body)
    assert evaluate("response.code = 200", response).reason == "response.code = 200: got 503"
    assert (
        evaluate("response.json data.count > 10", response).reason == "response.json data.count > 10: got 3"
    )
    assert (
        evaluate("response.json data.x = 1", response).reason
        == "response.json data.x = 1: path 'data.x' not found"
    )
    assert (
        evaluate("response.body contains ok", response).reason
        == "response.body contains ok: not found in body"
    )


@pytest.mark.parametrize(
    ("text", "passes"),
    [
        ("response.json data.x = 1", False),
        ("response.json data.x contains 1", False),
        ("response.json data.x < 1", False),
        ("response.json data.x != 1", True),
        ("response.json data.x !contains 1", True),
        ("response.json data.items.5.id = 1", False),
        ("response.json data.count.deeper = 1", False),
    ],
)
def test_a_missing_json_path_fails_except_for_negative_operators(text, passes):
    outcome = evaluate(text, facts())
    assert outcome.passed is passes
    assert "not found" in outcome.reason


@pytest.mark.parametrize("body", ["<html>ok</html>", "", "[" * 100_000])
def test_json_assertions_fail_on_a_body_that_is_not_json(body):
    outcome = evaluate("response.json status != ok", facts(body=body))
    assert outcome.passed is False
    assert outcome.reason.endswith(": body is not valid JSON")


def test_json_paths_reach_into_a_top_level_list():
    body = json.dumps([{"id": 1}, {"id": 2}])
    assert evaluate("response.json [1].id = 2", facts(body=body)).passed
    assert evaluate("response.json 0.id = 1", facts(body=body)).passed


@pytest.mark.parametrize(
    ("text", "passes"), [("response.header X-Debug = 1", False), ("response.header X-Debug != 1", True)]
)
def test_a_missing_header_fails_except_for_negative_operators(text, passes):
    outcome = evaluate(text, facts())
    assert outcome.passed is passes
    assert outcome.reason.endswith(": header 'X-Debug' not present")


@pytest.mark.parametrize(
    "headers",
    [
        {"x-version": "1.2.3"},
        CaseInsensitiveDict({"X-VERSION": "1.2.3"}),
        HttpResponse(headers={"X-Version": "1.2.3"}).headers,
    ],
)
def test_header_names_match_case_insensitively_in_any_mapping(headers):
    assert evaluate("response.header X-Version = 1.2.3", facts(headers=headers)).passed


@pytest.mark.parametrize("name", ["Authorization", "set-cookie", "X-Api-Key"])
def test_sensitive_header_values_stay_out_of_reasons(name):
    outcome = evaluate(f"response.header {name} = expected", facts(headers={name: "s3cr3t-value"}))
    assert outcome.passed is False
    assert "s3cr3t" not in outcome.reason
    assert outcome.reason.endswith("got ********")


def test_configured_sensitive_headers_are_masked_too(settings):
    settings.HEALTHCHECKS = {"SENSITIVE_HEADERS": ["X-Tenant-Token"]}
    outcome = evaluate(
        "response.header x-tenant-token contains zz", facts(headers={"X-Tenant-Token": "tok-123"})
    )
    assert "tok-123" not in outcome.reason


def test_ssl_assertions_fail_without_a_certificate():
    outcome = evaluate("ssl_certificate.expires_in > 30 days", facts(ssl_expires_in=None))
    assert outcome.passed is False
    assert "no TLS certificate" in outcome.reason


def test_an_expired_certificate_reads_as_expired():
    outcome = evaluate("ssl_certificate.expires_in = 30 days", facts(ssl_expires_in=-3 * DAY))
    assert outcome.passed is False
    assert outcome.reason.endswith("got expired 3.0 days ago")


def test_response_time_over_a_second_is_shown_in_seconds():
    assert evaluate("response.time < 2s", facts(elapsed=2.345)).reason == "response.time < 2s: got 2.35s"


def test_evaluate_accepts_an_assertion_object_and_reports_the_canonical_string():
    outcome = evaluate(A.code == 200, facts())
    assert outcome == Outcome(
        assertion="response.code = 200", passed=True, reason="response.code = 200: got 200"
    )
    assert evaluate("  RESPONSE.CODE   =  0200 ", facts()).assertion == "response.code = 200"


def test_evaluate_raises_for_an_invalid_string():
    with pytest.raises(AssertionSyntaxError, match="unknown operator"):
        evaluate("response.code == 200", facts())


def test_evaluate_all_judges_each_assertion_in_order():
    outcomes = evaluate_all(
        ["response.code = 200", "response.time < 100ms", A.body.contains("widget")], facts()
    )
    assert [o.passed for o in outcomes] == [True, False, True]
    assert [o.assertion for o in outcomes] == [
        "response.code = 200",
        "response.time < 100ms",
        "response.body contains widget",
    ]


@pytest.mark.parametrize(
    ("status", "passes"), [(200, True), (204, True), (302, True), (399, True), (400, False), (503, False)]
)
def test_no_assertions_means_the_default_expectation(status, passes):
    assert DEFAULT_ASSERTIONS == ("response.code < 400",)
    outcomes = evaluate_all([], facts(status=status))
    assert [(o.assertion, o.passed) for o in outcomes] == [("response.code < 400", passes)]


def test_evaluate_all_validates_everything_first_and_names_the_index():
    with pytest.raises(AssertionSyntaxError, match=r"^assertions\[1\]: \"response.time = 2s\": operator '='"):
        evaluate_all(["response.code = 200", "response.time = 2s"], facts())


def test_evaluate_all_refuses_a_bare_string():
    with pytest.raises(AssertionSyntaxError, match="must be a list"):
        evaluate_all("response.code = 200", facts())


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


# --- v3 rules and lists ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"rule_type": "response_code", "operator": "eq", "value": 200}, "response.code = 200"),
        ({"rule_type": "response_code", "operator": "not", "value": "500"}, "response.code != 500"),
        ({"rule_type": "response_code", "operator": "lt", "value": 400}, "response.code < 400"),
        ({"rule_type": "response_code", "operator": "gte", "value": 200}, "response.code >= 200"),
        ({"rule_type": "response_time", "operator": "lt", "value": 2}, "response.time < 2s"),
        ({"rule_type": "response_time", "operator": "lte", "value": 0.5}, "response.time <= 0.5s"),
        ({"rule_type": "response_time", "operator": "gt", "value": "3"}, "response.time > 3s"),
        ({"rule_type": "response_time", "operator": "lt", "value": "600ms"}, "response.time < 600ms"),
        ({"rule_type": "response_body", "operator": "contains", "value": "ok"}, "response.body contains ok"),
        (
            {"rule_type": "response_body", "operator": "not_contains", "value": "err"},
            "response.body !contains err",
        ),
        ({"rule_type": "response_body", "operator": "eq", "value": "OK"}, "response.body = OK"),
        ({"rule_type": "response_body", "operator": "not", "value": "down"}, "response.body != down"),
        (
            {"rule_type": "response_code", "operator": "eq", "value": 200, "hours_to_followup_alert": 4},
            "response.code = 200",
        ),
    ],
)
def test_v3_rules_convert_to_strings(rule, expected):
    assert from_v3_rule(rule) == expected


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ({"rule_type": "response_size", "operator": "lt", "value": 1}, "unknown rule_type 'response_size'"),
        ({"rule_type": "response_code", "operator": "equals", "value": 1}, "unknown operator 'equals'"),
        ({"rule_type": "response_code", "operator": "eq"}, "missing 'value'"),
        (
            {"rule_type": "response_code", "operator": "eq", "value": None},
            "'value' must be a number or a string",
        ),
        (
            {"rule_type": "response_code", "operator": "eq", "value": True},
            "'value' must be a number or a string",
        ),
        (
            {"rule_type": "response_code", "operator": "contains", "value": 2},
            "not supported by response.code",
        ),
        (
            {"rule_type": "response_time", "operator": "eq", "value": 2},
            "\"response.time = 2s\": operator '='",
        ),
        ({"rule_type": "response_time", "operator": "lt", "value": -1}, "is not an interval"),
    ],
)
def test_bad_v3_rules_are_named_in_the_error(rule, fragment):
    with pytest.raises(AssertionSyntaxError) as caught:
        from_v3_rule(rule)
    assert str(caught.value).startswith("v3 rule {")
    assert fragment in str(caught.value)


def test_from_v3_rule_refuses_what_is_not_a_dict():
    with pytest.raises(AssertionSyntaxError, match="a v3 rule must be a dict"):
        from_v3_rule(["response_code", "eq", 200])  # type: ignore[arg-type]


def test_validate_list_accepts_strings_assertions_builder_expressions_and_v3_rules():
    items = (
        "response.code  =  200",
        parse("response.body contains ok"),
        A.time < "2s",
        {"rule_type": "response_code", "operator": "lt", "value": 400},
    )
    assert validate_list(items) == [
        "response.code = 200",
        "response.body contains ok",
        "response.time < 2s",
        "response.code < 400",
    ]
    assert validate_list([]) == []


@pytest.mark.parametrize(
    ("items", "fragment"),
    [
        (
            ["response.code = 200", "response.code == 200"],
            'assertions[1]: "response.code == 200": unknown operator',
        ),
        ([42], "assertions[0]: expected a string such as 'response.code = 200'"),
        (
            [A.code],
            "assertions[0]: expected a string such as 'response.code = 200', an Assertion or a v3 rule dict, "
            "got Field A.code",
        ),
        (["ok", {"rule_type": "x", "operator": "eq", "value": 1}], 'assertions[0]: "ok": unknown subject'),
        (["response.code = 200", {"rule_type": "x", "operator": "eq", "value": 1}], "assertions[1]: v3 rule"),
        (
            "response.code = 200",
            "must be a list, got a single str; wrap it in a list: ['response.code = 200']",
        ),
        (A.code == 200, "wrap it in a list: ['response.code = 200']"),
        ({"rule_type": "response_code"}, "must be a list, got a single dict"),
        (None, "must be a list of strings such as ['response.code = 200'], got NoneType None"),
        ({"response.code = 200"}, "got set"),
    ],
)
def test_validate_list_errors_name_the_index_or_the_shape(items, fragment):
    with pytest.raises(AssertionSyntaxError) as caught:
        validate_list(items)
    assert fragment in str(caught.value)


# --- the builder -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("built", "expected"),
    [
        (A.code == 200, "response.code = 200"),
        (A.code != 500, "response.code != 500"),
        (A.code < 400, "response.code < 400"),
        (A.code >= 200, "response.code >= 200"),
        (A.time < "2s", "response.time < 2s"),
        (A.time <= 0.25, "response.time <= 0.25s"),
        (A.time < timedelta(milliseconds=1500), "response.time < 1.5s"),
        (A.time > 3, "response.time > 3s"),
        (A.body.contains("ok"), "response.body contains ok"),
        (A.body.not_contains("error"), "response.body !contains error"),
        (A.body == "OK", "response.body = OK"),
        (A.body != "", 'response.body != ""'),
        (A.json("data.count") > 10, "response.json data.count > 10"),
        (A.json("data.ratio") <= 0.5, "response.json data.ratio <= 0.5"),
        (A.json("data.ok") == True, "response.json data.ok = true"),  # noqa: E712 - the builder's ==
        (A.json("data.tags").contains("b"), "response.json data.tags contains b"),
        (A.header("X-Version") == "1.2.3", "response.header X-Version = 1.2.3"),
        (A.header("X-Count") >= 2, "response.header X-Count >= 2"),
        (A.ssl_expires_in > "30 days", "ssl_certificate.expires_in > 30 days"),
        (A.ssl_expires_in == timedelta(days=30), "ssl_certificate.expires_in = 2592000s"),
        (A.last_modified < "1 day", "resource.last_modified < 1 day"),
        (A.item_count > 0, "resource.item_count > 0"),
        (A.public == False, "resource.public = false"),  # noqa: E712 - the builder's ==
    ],
)
def test_builder_produces_cronitor_strings(built, expected):
    assert isinstance(built, Assertion)
    assert str(built) == expected
    assert parse(expected) == built


def test_builder_comparisons_work_from_either_side():
    assert str(200 == A.code) == "response.code = 200"  # noqa: SIM300 - testing the reflected form
    assert str("2s" > A.time) == "response.time < 2s"  # noqa: SIM300


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: A.time == "2s", "operator '=' is not supported by response.time"),
        (lambda: A.code.contains(2), "operator 'contains' is not supported by response.code"),
        (lambda: A.body > "a", "operator '>' is not supported by response.body"),
        (lambda: A.public < True, "operator '<' is not supported by resource.public"),
        (lambda: A.code == 42, "not an HTTP status code"),
        (lambda: A.time < -1, "is not an interval"),
        (lambda: A.json("$.data") == 1, "looks like JSONPath"),
        (lambda: A.header("Bad Name") == 1, "invalid header name 'Bad Name'"),
        (lambda: A.code == None, "the value must be a str, int, float, bool or timedelta, got NoneType"),  # noqa: E711
        (lambda: A.json("a") == [1], "got list"),
    ],
)
def test_builder_refuses_what_the_subject_does_not_support(build, fragment):
    with pytest.raises(AssertionSyntaxError) as caught:
        build()
    assert fragment in str(caught.value)


def test_builder_fields_describe_themselves():
    assert repr(A.code) == "A.code"
    assert repr(A.json("data.count")) == "A.json('data.count')"
    assert repr(A.header("X-Version")) == "A.header('X-Version')"
