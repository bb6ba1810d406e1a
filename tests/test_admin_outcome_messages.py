"""The admin's counted push messages: one short plain-text summary per outcome, however many
monitors failed and however long their errors (issue 11)."""

from __future__ import annotations

import pytest

from healthcheck_admin.admin.outcome import (
    CAUSE_LIMIT,
    MESSAGE_LIMIT,
    cause,
    describe_exception,
    failure_message,
    outcome_messages,
)

HTML_500 = (
    "PUT /monitors: Cronitor answered 500: <!DOCTYPE html><html><head><title>Server Error</title>"
    "<style>body{color:red}</style></head><body><h1>Internal Server Error</h1></body></html>"
)


def test_fifty_failures_make_one_message_under_300_characters_without_html():
    errors = [HTML_500] * 30 + ["PUT /monitors: no answer within 30 s (gave up after 5 attempts)"] * 20
    found = outcome_messages(250, errors, 0, 0)
    assert found[0][1] == "Pushed 250 monitors."
    assert len(found) == 2
    message = found[1][1]
    assert message.startswith("50 monitors failed: see the 'failed to push' filter.")
    assert len(message) < 300
    assert "<" not in message
    assert "Internal Server Error (30)" in message or "Server Error" in message
    assert "no answer within 30 s" in message


def test_many_distinct_causes_are_summarised_within_the_limit():
    message = failure_message([f"Cronitor rejected the monitor: reason number {n} " * 5 for n in range(40)])
    assert len(message) <= MESSAGE_LIMIT
    assert "other causes" in message


def test_a_server_error_page_is_reduced_to_its_status_and_plain_text():
    assert cause(HTML_500) == "Cronitor answered 500: Server Error Internal Server Error"


def test_one_monitor_is_counted_in_the_singular():
    assert outcome_messages(1, ["x"], 1, 0)[0][1] == "Pushed 1 monitor."
    assert outcome_messages(1, ["x"], 1, 0)[1][1].startswith("1 monitor failed:")
    assert outcome_messages(0, [], 0, 3)[0][1] == "Nothing to push: every check is up to date."


# -- a push that could not start: the exception in words ---------------------------------------------
@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (TimeoutError("no answer within 30 s"), "the push timed out: no answer within 30 s"),
        (TimeoutError(), "the push timed out: no answer"),
        (
            ConnectionRefusedError(111, "Connection refused"),
            "Cronitor could not be reached: [Errno 111] Connection refused",
        ),
        (OSError(), "Cronitor could not be reached: no connection"),
        (RuntimeError("can't start new thread"), "can't start new thread"),
        (RuntimeError(), "an unexpected error with no message (RuntimeError); see the server log"),
        (ValueError("<b>bad</b>   value"), "bad value"),
    ],
)
def test_an_exception_is_described_by_its_kind_in_plain_text(exc, expected):
    assert describe_exception(exc) == expected


def test_a_long_exception_message_is_cut_to_the_cause_limit():
    text = describe_exception(RuntimeError("x" * 1000))
    assert len(text) == CAUSE_LIMIT
    assert text.endswith("…")
