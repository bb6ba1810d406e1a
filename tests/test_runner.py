"""The runner against a real HTTP server on loopback: requests, secrets, redirects, errors, guard."""

from __future__ import annotations

import json
import re

import pytest
from django.test import override_settings

from healthcheck_admin.redaction import MASK
from healthcheck_admin.runner import (
    RunConfig,
    allowed_hosts_from_settings,
    effective_url,
    host_is_allowed,
    results_to_json,
    results_to_junit,
    run_checks,
    run_one,
    swap_base_url,
)
from tests.servers import serve
from tests.utils import run_row, unsaved_row


def test_request_carries_method_query_headers_cookies_body_and_env_secrets(http, monkeypatch):
    monkeypatch.setenv("HC_TEST_TOKEN", "tok-7f3a9c")
    monkeypatch.setenv("HC_TEST_SESSION", "sess-51be02")
    check = unsaved_row(
        http.url("/echo?lead=12345&x=%C3%A9"),
        "response.json method = PUT",
        "response.json headers.X-Token contains tok",
        method="PUT",
        headers={"X-Token": "env:HC_TEST_TOKEN", "X-Plain": "visible", "Authorization": "Bearer lit-93ad"},
        cookies={"session": "env:HC_TEST_SESSION"},
        body='{"name": "Spacely Sprockets"}',
    )
    result = run_row(check)
    seen = http.recorder.seen[-1]
    assert (seen["method"], seen["path"], seen["query"]) == ("PUT", "/echo", {"lead": "12345", "x": "é"})
    assert seen["headers"]["X-Token"] == "tok-7f3a9c"
    assert seen["headers"]["X-Plain"] == "visible"
    assert seen["cookies"] == {"session": "sess-51be02"}
    assert seen["body"] == '{"name": "Spacely Sprockets"}'
    assert result.state == "passed", result
    text = repr(result) + json.dumps(results_to_json([result])) + results_to_junit([result])
    for secret in ("tok-7f3a9c", "sess-51be02", "lit-93ad"):
        assert secret not in text
    assert MASK in result.body_excerpt
    assert "visible" in result.body_excerpt


def test_a_failed_assertion_reason_never_shows_a_secret(http, monkeypatch):
    monkeypatch.setenv("HC_TEST_TOKEN", "tok-7f3a9c")
    check = unsaved_row(
        http.url("/echo"), "response.json headers.X-Token = other", headers={"X-Token": "env:HC_TEST_TOKEN"}
    )
    result = run_row(check)
    assert result.state == "failed"
    assert "tok-7f3a9c" not in repr(result)


def test_a_secret_is_not_half_shown_where_reasons_and_excerpts_are_clipped(http, monkeypatch):
    secret = "s3cr3t-" + "q" * 400
    monkeypatch.setenv("HC_TEST_LONG", secret)
    check = unsaved_row(
        http.url("/echo"), "response.json cookies = nope", cookies={"session": "env:HC_TEST_LONG"}
    )
    result = run_row(check)
    assert result.state == "failed"
    assert http.recorder.seen[-1]["cookies"] == {"session": secret}
    assert "s3cr3t" not in repr(result)
    assert "qqqq" not in repr(result)


def test_a_missing_env_variable_is_an_error_that_names_the_header_not_the_variable(http, monkeypatch):
    monkeypatch.delenv("HC_TEST_MISSING", raising=False)
    result = run_row(unsaved_row(http.url("/echo"), headers={"X-Token": "env:HC_TEST_MISSING"}))
    assert result.state == "error"
    assert "'X-Token': its env: reference names an environment variable that is not set" in result.error
    assert "HC_TEST_MISSING" not in result.error
    assert result.status is None


def test_no_assertions_applies_the_default_expectation(http):
    assert run_row(unsaved_row(http.url("/json"))).state == "passed"
    result = run_row(unsaved_row(http.url("/status/503")))
    assert result.state == "failed"
    assert result.status == 503
    assert result.body_excerpt == "status page"


def test_redirects_are_followed_or_not(http):
    followed = run_row(unsaved_row(http.url("/redirect"), "response.json data.count = 3"))
    assert (followed.state, followed.status) == ("passed", 200)
    kept = run_row(unsaved_row(http.url("/redirect"), "response.code = 302", follow_redirects=False))
    assert (kept.state, kept.status) == ("passed", 302)
    looping = run_row(unsaved_row(http.url("/loop")))
    assert looping.state == "error"
    assert "stopped after 10 redirects" in looping.error


def test_redirect_methods_and_cross_origin_credentials(http):
    post = {
        "method": "POST",
        "body": "payload",
        "headers": {"Authorization": "Bearer lit-93ad"},
        "cookies": {"flavour": "mint"},
    }
    run_row(unsaved_row(http.url("/redirect?to=/echo&code=303"), **post))
    assert (http.recorder.seen[-1]["method"], http.recorder.seen[-1]["body"]) == ("GET", "")
    run_row(unsaved_row(http.url("/redirect?to=/echo&code=307"), **post))
    seen = http.recorder.seen[-1]
    assert (seen["method"], seen["body"], seen["headers"]["Authorization"]) == (
        "POST",
        "payload",
        "Bearer lit-93ad",
    )
    assert seen["cookies"] == {"flavour": "mint"}
    run_row(unsaved_row(http.url(f"/redirect?to={http.url('/echo', host='localhost')}&code=307"), **post))
    assert "Authorization" not in http.recorder.seen[-1]["headers"]
    assert http.recorder.seen[-1]["cookies"] == {}
    assert http.recorder.seen[-1]["headers"]["Host"].startswith("localhost:")


def test_errors_are_short_messages(http):
    with serve() as closed:
        dead = closed.url("/json")
    refused = run_row(unsaved_row(dead))
    assert refused.state == "error"
    assert re.fullmatch(r"GET 127\.0\.0\.1:\d+/json: the connection was refused", refused.error), (
        refused.error
    )
    slow = run_row(unsaved_row(http.url("/slow?ms=1500")), timeout=0.3)
    assert slow.state == "error"
    assert slow.error == f"GET 127.0.0.1:{http.server.port}/slow: no answer within 0.3 s"
    relative = run_row(unsaved_row("/json"))
    assert relative.state == "error"
    assert "HOSTNAME" in relative.error


def refusal(host: str) -> str:
    """The runner's reason for refusing ``host``: it names the host and both ways to allow it."""
    return (
        f"host {host!r} is not in the runner's allow-list; "
        "add it to HEALTHCHECKS['RUN_ALLOWED_HOSTS'] or pass --allow-any-host"
    )


@override_settings(ALLOWED_HOSTS=["testserver"], HEALTHCHECKS={"HOSTNAME": "example.com"})
def test_ssrf_guard_refuses_hosts_outside_the_allow_list(http):
    before = len(http.recorder.seen)
    result = run_row(unsaved_row(http.url("/json")))
    assert (result.state, result.error) == ("refused", refusal("127.0.0.1"))
    assert len(http.recorder.seen) == before
    assert run_row(unsaved_row(http.url("/json")), allow_any_host=True).state == "passed"
    with override_settings(HEALTHCHECKS={"RUN_ALLOWED_HOSTS": ["127.0.0.1"]}):
        assert run_row(unsaved_row(http.url("/json"))).state == "passed"
    assert run_row(unsaved_row(http.url("/json")), base_url=http.url("")).state == "passed"


def test_ssrf_guard_applies_to_redirects(http):
    before = len(http.recorder.seen)
    result = run_row(unsaved_row(http.url("/redirect?to=http://metadata.internal/latest/")))
    assert result.state == "refused"
    reason = refusal("metadata.internal")
    assert result.error == f"redirect to 'http://metadata.internal/latest/' refused: {reason}"
    assert len(http.recorder.seen) == before + 1
    target = http.url("/json", host="localhost")
    with override_settings(ALLOWED_HOSTS=["127.0.0.1"]):
        hop = run_row(unsaved_row(http.url(f"/redirect?to={target}")))
    assert (hop.state, hop.error) == ("refused", f"redirect to {target!r} refused: {refusal('localhost')}")


@override_settings(
    ALLOWED_HOSTS=["*", ".example.org", "app.test"],
    HEALTHCHECKS={"HOSTNAME": "Example.COM", "RUN_ALLOWED_HOSTS": [".corp.test", "*", "10.0.0.5:8080"]},
)
def test_the_allow_list_from_settings():
    hosts = allowed_hosts_from_settings("http://[::1]:8000/preview")
    assert hosts == frozenset({"example.com", "example.org", "app.test", ".corp.test", "10.0.0.5", "::1"})
    assert host_is_allowed("example.org", hosts)
    assert not host_is_allowed("api.example.org", hosts)  # an ALLOWED_HOSTS wildcard grants no subdomains
    assert host_is_allowed("corp.test", hosts)
    assert host_is_allowed("db.corp.test", hosts)
    assert not host_is_allowed("evilcorp.test", hosts)
    assert not host_is_allowed("", hosts)
    assert RunConfig(allow_any_host=True).refusal("http://anything.invalid/") is None


def test_config_rejects_bad_values():
    for bad in ("ftp://x", "example.com", "http://h/?q=1"):
        with pytest.raises(ValueError, match="base URL"):
            RunConfig(base_url=bad)
    with pytest.raises(ValueError, match="cannot be used with an in-process run"):
        RunConfig(base_url="http://h", in_process=True)
    with pytest.raises(ValueError, match="concurrency 0"):
        RunConfig(concurrency=0)
    with pytest.raises(ValueError, match="timeout -1"):
        RunConfig(timeout=-1)


def test_base_url_moves_code_checks_only(http):
    assert swap_base_url("https://example.com/api/x/?q=1", "http://127.0.0.1:8000/pre/") == (
        "http://127.0.0.1:8000/pre/api/x/?q=1"
    )
    assert swap_base_url("/api/", "https://preview.test") == "https://preview.test/api/"
    config = RunConfig(base_url=http.url(""))
    admin = unsaved_row("https://example.com/json?a=1")
    assert effective_url(admin, config) == "https://example.com/json?a=1"
    result = run_one(unsaved_row("https://example.com/echo?a=1", source="code"), config)
    assert (result.state, result.url) == ("passed", http.url("/echo?a=1"))
    assert http.recorder.seen[-1]["query"] == {"a": "1"}


def test_cookies_set_by_one_check_are_not_sent_by_the_next(http):
    first = unsaved_row(http.url("/set-cookie"), key="a")
    second = unsaved_row(http.url("/echo"), key="b")
    assert [r.state for r in run_checks([first, second], RunConfig(concurrency=1))] == ["passed", "passed"]
    assert http.recorder.seen[-1]["path"] == "/echo"
    assert http.recorder.seen[-1]["cookies"] == {}


def test_checks_run_in_parallel_and_report_as_they_complete():
    with serve() as server:
        rows = [unsaved_row(server.url("/slow?ms=200"), key=f"slow-{i:02d}") for i in range(20)]
        reported: list[str] = []
        results = run_checks(rows, RunConfig(concurrency=10), on_result=lambda r: reported.append(r.key))
        assert [r.key for r in results] == [f"slow-{i:02d}" for i in range(20)]
        assert all(r.passed for r in results)
        assert sorted(reported) == [r.key for r in results]
        assert server.recorder.max_in_flight > 1
