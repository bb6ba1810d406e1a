"""The assertion evaluator on awkward inputs: JSON bodies, headers, certificates, and its API."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse
from requests.structures import CaseInsensitiveDict

from healthcheck_admin.assertions import (
    DEFAULT_ASSERTIONS,
    A,
    AssertionSyntaxError,
    Outcome,
    evaluate,
    evaluate_all,
)
from tests.utils import DAY, facts


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
