"""The assertion language: v3 rules, lists and the builder A."""

from __future__ import annotations

from datetime import timedelta

import pytest

from healthcheck_admin.assertions import (
    A,
    Assertion,
    AssertionSyntaxError,
    from_v3_rule,
    parse,
    validate_list,
)

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
