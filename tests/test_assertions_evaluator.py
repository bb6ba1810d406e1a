"""The assertion evaluator: every subject/operator pair, passing and failing, and its reasons."""

from __future__ import annotations

import json

import pytest

from healthcheck_admin.assertions import (
    SUBJECT_OPERATORS,
    evaluate,
    parse,
)
from tests.utils import facts

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
