"""In-process runs through Django's test client, the pytest helper, and the run reports."""

from __future__ import annotations

import gc
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import Client, override_settings

from healthcheck_admin import path as hc_path
from healthcheck_admin.assertions import Outcome
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.runner import RunConfig, RunResult, run_checks, run_one
from healthcheck_admin.runner.exchange import Stop
from healthcheck_admin.runner.http import MAX_BODY_BYTES
from healthcheck_admin.runner.inprocess import host_header, in_process_guard
from healthcheck_admin.runner.results import format_result_line, results_to_json, results_to_junit
from healthcheck_admin.testing.checks import assert_healthchecks_pass

SEEN: list[dict[str, Any]] = []


def _echo_view(request: HttpRequest) -> HttpResponse:
    seen = {
        "method": request.method,
        "host": request.get_host(),
        "secure": request.is_secure(),
        "query": request.GET.dict(),
        "token": request.headers.get("X-Token", ""),
        "cookies": dict(request.COOKIES),
        "body": request.body.decode(),
    }
    SEEN.append(seen)
    return HttpResponse(json.dumps(seen), content_type="application/json")


def _failing_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("down for maintenance", status=503)


def _ok_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("all good")


STREAMED: list[int] = []  # the chunks the big stream has produced
STREAM_CHUNK = 1024 * 1024


def _stream_view(request: HttpRequest) -> StreamingHttpResponse:
    return StreamingHttpResponse(iter([b"part-1 ", b"part-2 ", b"the end"]), content_type="text/plain")


def _big_stream_view(request: HttpRequest) -> StreamingHttpResponse:
    def chunks():
        try:
            for number in range(20):
                STREAMED.append(number)
                yield b"a" * (STREAM_CHUNK - 11) + (b"END-OF-BODY" if number == 19 else b"b" * 11)
        finally:
            STREAMED.append(-1)  # the stream was closed

    return StreamingHttpResponse(chunks(), content_type="text/plain")


#: ``ROOT_URLCONF = "tests.test_runner_inprocess"``: one passing and one failing check.
urlpatterns = [
    hc_path("good/", _ok_view, name="good", healthcheck={"key": "good", "tags": ["smoke"]}),
    hc_path("bad/", _failing_view, name="bad", healthcheck={"key": "bad", "tags": ["deep"]}),
    hc_path("echo/", _echo_view, name="echo"),
    hc_path("stream/", _stream_view, name="stream"),
    hc_path("stream-big/", _big_stream_view, name="stream-big"),
]
OWN_URLCONF = override_settings(ROOT_URLCONF="tests.test_runner_inprocess")


def code_row(url: str, *assertions: str, **fields) -> HealthcheckDefinition:
    values = {
        "key": "k",
        "source": "code",
        "method": "GET",
        "timeout_seconds": 5,
        "assertions": list(assertions),
    }
    return HealthcheckDefinition.objects.create(url=url, **{**values, **fields})


IN_PROCESS = RunConfig(in_process=True)


@pytest.mark.django_db
def test_in_process_runs_the_projects_code_checks():
    rows = [
        code_row("https://example.com/", "response.body contains Spacely", key="index"),
        code_row("https://example.com/search/Acme/?page=2", "response.code = 200", key="search"),
        code_row("https://example.com/nowhere/", key="missing"),
        code_row(
            "https://example.com/api/leads/12345",
            "response.code = 200",
            key="lead",
            method="PUT",
            body='{"name": "Spacely Sprockets"}',
        ),
        code_row("https://example.com/", key="adm", source="admin"),
    ]
    results = run_checks(rows, RunConfig(in_process=True, concurrency=4))
    states = {r.key: r.state for r in results}
    assert states == {
        "index": "passed",
        "search": "passed",
        "missing": "failed",
        "lead": "passed",
        "adm": "refused",
    }
    by_key = {r.key: r for r in results}
    assert by_key["adm"].error == "in-process runs only code-defined checks"
    assert by_key["missing"].status == 404
    assert by_key["index"].body_excerpt == "ok Spacely"
    assert (by_key["index"].elapsed or 0) > 0


@pytest.mark.django_db
@OWN_URLCONF
def test_in_process_sends_method_host_headers_cookies_and_body(monkeypatch):
    monkeypatch.setenv("HC_TEST_TOKEN", "tok-4410")
    check = code_row(
        "https://example.com/echo/?q=1",
        "response.json secure = true",
        method="POST",
        headers={"X-Token": "env:HC_TEST_TOKEN"},
        cookies={"flavour": "mint"},
        body="hello",
    )
    client = Client()
    client.cookies["sessionid"] = "logged-in"
    result = run_one(check, IN_PROCESS, client)
    seen = SEEN[-1]
    assert (result.state, result.status) == ("passed", 200)
    assert (seen["method"], seen["host"], seen["query"], seen["body"]) == (
        "POST",
        "example.com",
        {"q": "1"},
        "hello",
    )
    assert seen["token"] == "tok-4410"
    assert seen["cookies"] == {"flavour": "mint"}
    assert "tok-4410" not in repr(result)
    assert client.cookies["sessionid"].value == "logged-in"


@pytest.mark.django_db
@OWN_URLCONF
def test_in_process_host_header_falls_back_to_an_allowed_host():
    result = run_one(code_row("http://not-served.invalid:81/echo/"), IN_PROCESS)
    assert result.status == 200
    assert SEEN[-1]["host"] == "testserver"
    assert host_header("http://example.com:8000/x") == "example.com:8000"
    with override_settings(ALLOWED_HOSTS=[], DEBUG=False):
        with pytest.raises(Stop, match="accepts no host name"):
            host_header("http://example.com/")
        assert run_one(code_row("/echo/", key="rel"), IN_PROCESS).state == "error"


@pytest.mark.django_db
@OWN_URLCONF
def test_in_process_reads_a_streamed_body():
    result = run_one(
        code_row("https://example.com/stream/", "response.body contains part-2 the end"), IN_PROCESS
    )
    assert (result.state, result.status) == ("passed", 200)


@pytest.mark.django_db
@OWN_URLCONF
def test_in_process_stops_reading_a_stream_at_the_body_limit():
    STREAMED.clear()
    row = code_row(
        "https://example.com/stream-big/", "response.body contains aaab", "response.body contains END-OF-BODY"
    )
    finished: list[object] = []

    def on_finished(sender, **kwargs):
        finished.append(sender)

    request_finished.connect(on_finished)
    gc.disable()  # the stream must be ended by the runner, not by a later collection
    try:
        result = run_one(row, IN_PROCESS)
    finally:
        gc.enable()
        request_finished.disconnect(on_finished)
    assert (result.state, result.status) == ("failed", 200)
    assert [outcome.passed for outcome in result.outcomes] == [True, False]
    produced = MAX_BODY_BYTES // STREAM_CHUNK  # the rest of the stream was never produced
    assert [*range(produced), -1] == STREAMED  # and the view's stream was closed at once
    assert len(finished) == 1  # the request finished once, as it does for a server
    assert HealthcheckDefinition.objects.filter(pk=row.pk).exists()  # the test's connection is intact


def test_in_process_host_header_with_debug_and_no_allowed_hosts():
    with override_settings(ALLOWED_HOSTS=[], DEBUG=True):
        assert host_header("http://localhost:8000/x") == "localhost:8000"
        assert host_header("http://127.0.0.1/x") == "127.0.0.1"
        assert host_header("https://example.com/x") == "localhost"  # the first local name Django serves
    with override_settings(ALLOWED_HOSTS=["*", "app.example.com"], DEBUG=False):
        assert host_header("/relative/") == "app.example.com"  # "*" is not a name to send
    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
        assert host_header("/relative/") == "testserver"  # any name is served: the client's own


@pytest.mark.django_db
def test_in_process_redirects():
    followed = run_one(code_row("https://example.com/admin/", "response.body contains Django"), IN_PROCESS)
    assert (followed.state, followed.status) == ("passed", 200)
    kept = run_one(code_row("https://example.com/admin/", key="r2", follow_redirects=False), IN_PROCESS)
    assert kept.status == 302
    in_process_guard("http://example.com/elsewhere/")
    with pytest.raises(Stop, match="leaves this project"):
        in_process_guard("https://other.invalid/")


@pytest.mark.django_db
@OWN_URLCONF
def test_assert_healthchecks_pass_lists_each_failed_check():
    with pytest.raises(AssertionError) as failed:
        assert_healthchecks_pass(Client())
    message = str(failed.value)
    assert "1 of 2 healthchecks did not pass" in message
    assert "- bad (GET " in message
    assert "503" in message
    assert "- good" not in message
    results = assert_healthchecks_pass(keys=["good"])
    assert [r.key for r in results] == ["good"]
    assert [r.key for r in assert_healthchecks_pass(tags=["smoke"])] == ["good"]
    with pytest.raises(AssertionError, match="no code-defined healthcheck has the key"):
        assert_healthchecks_pass(keys=["nope"])


@pytest.mark.django_db
def test_assert_healthchecks_pass_on_the_test_projects_checks(client):
    results = assert_healthchecks_pass(client)
    assert len(results) >= 4
    assert all(r.passed for r in results)


def _results() -> list[RunResult]:
    common: dict[str, Any] = {"name": "n", "url": "https://example.com/", "method": "GET"}
    failed = [Outcome(assertion="response.code = 200", passed=False, reason="response.code = 200: got 503")]
    return [
        RunResult(key="ok", state="passed", status=200, elapsed=0.0123, **common),
        RunResult(
            key="bad", state="failed", status=503, elapsed=0.5, outcomes=failed, body_excerpt="<x>", **common
        ),
        RunResult(
            key="off", state="refused", status=None, elapsed=None, error="host 'x' is not allowed", **common
        ),
        RunResult(key="err", state="error", status=None, elapsed=None, error="could not connect", **common),
    ]


def test_result_lines():
    lines = [format_result_line(r) for r in _results()]
    assert lines[0] == "PASS    ok  GET https://example.com/  200 in 12 ms"
    assert lines[1] == "FAIL    bad  GET https://example.com/  503 in 500 ms: response.code = 200: got 503"
    assert lines[2] == "REFUSED off  GET https://example.com/: host 'x' is not allowed"
    assert lines[3] == "ERROR   err  GET https://example.com/: could not connect"


def test_results_to_json_and_junit():
    data = results_to_json(_results())
    assert json.loads(json.dumps(data)) == data
    assert [d["state"] for d in data] == ["passed", "failed", "refused", "error"]
    assert data[1]["outcomes"] == [
        {"assertion": "response.code = 200", "passed": False, "reason": "response.code = 200: got 503"}
    ]
    suite = ET.fromstring(results_to_junit(_results()))
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == (
        "4",
        "1",
        "1",
        "1",
    )
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert cases["ok"].find("failure") is None
    assert cases["bad"].findtext("failure") == "response.code = 200: got 503"
    assert _message(cases["off"], "skipped") == "host 'x' is not allowed"
    assert _message(cases["err"], "error") == "could not connect"
    assert _message(cases["ok"], "error") is None


def _message(case: ET.Element, tag: str) -> str | None:
    found = case.find(tag)
    return None if found is None else found.get("message")
