"""The runner against a real local server that answers oddly: unknown charsets, bodies over the read
limit, requests that cannot be prepared, assertions that cannot be parsed, and hosts the guard reads
in IDNA form. Each run ends in a result, never an exception."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from healthcheck_admin.runner import RunConfig, run_checks
from healthcheck_admin.runner.http import MAX_BODY_BYTES
from tests.utils import run_row, unsaved_row

CHUNK = 1024 * 1024
BIG_CHUNKS = MAX_BODY_BYTES // CHUNK + 3  # the last one ends with END-OF-BODY
REPLIES = {
    "/odd-charset": ("text/plain; format=flowed; charset=x-no-such-codec", "café ok".encode()),
    "/latin": ("text/plain; format=flowed; charset=latin-1", "café ok".encode("latin-1")),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        return

    def do_GET(self):
        if self.path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(BIG_CHUNKS * CHUNK))
            self.end_headers()
            try:
                for number in range(BIG_CHUNKS):
                    last = number == BIG_CHUNKS - 1
                    self.wfile.write(b"a" * (CHUNK - 11) + (b"END-OF-BODY" if last else b"b" * 11))
            except OSError:  # the runner stopped reading at its limit and hung up
                self.close_connection = True
            return
        content_type, body = REPLIES.get(self.path, ("text/plain", b"ok"))
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client that hung up mid-body
        return


@pytest.fixture(scope="module")
def odd_server() -> Iterator[str]:
    server = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# -- bodies -----------------------------------------------------------------------------------------
def test_an_unknown_charset_is_read_as_utf8(odd_server):
    result = run_row(unsaved_row(f"{odd_server}/odd-charset", "response.body contains café"))
    assert (result.state, result.status) == ("passed", 200), result


def test_the_charset_is_found_after_other_parameters(odd_server):
    result = run_row(unsaved_row(f"{odd_server}/latin", "response.body contains café"))
    assert result.state == "passed", result


def test_a_body_over_the_limit_is_cut_at_the_limit(odd_server):
    row = unsaved_row(
        f"{odd_server}/big", "response.body contains aaab", "response.body contains END-OF-BODY"
    )
    result = run_row(row)
    assert (result.state, result.status) == ("failed", 200)
    assert [outcome.passed for outcome in result.outcomes] == [True, False]


# -- requests that never leave, assertions that cannot be judged ------------------------------------
def test_a_header_value_with_a_line_break_is_an_error_without_the_value(odd_server):
    row = unsaved_row(f"{odd_server}/ok", headers={"X-Token": "s3cr3t\r\nX-Injected: 1"})
    result = run_row(row)
    assert result.state == "error"
    assert result.status is None
    assert "the URL cannot be requested (InvalidHeader)" in result.error
    assert "s3cr3t" not in result.error


def test_an_unparsable_assertion_is_an_error_after_the_request(odd_server):
    result = run_row(unsaved_row(f"{odd_server}/ok", "response.code = 200", "response.code ~ 200"))
    assert (result.state, result.status) == ("error", 200)
    assert result.error.startswith("invalid assertion: ")
    assert result.error.endswith("; fix the check's assertions")


def test_a_certificate_assertion_on_plain_http_fails_without_a_certificate(odd_server):
    result = run_row(unsaved_row(f"{odd_server}/ok", "ssl_certificate.expires_in > 10 days"))
    assert (result.state, result.status) == ("failed", 200)
    [outcome] = result.outcomes
    assert outcome.passed is False
    assert outcome.reason


# -- the guard's reading of hosts ---------------------------------------------------------------------
@override_settings(ALLOWED_HOSTS=["bücher.example"])
def test_an_internationalised_allowed_host_matches_its_idna_form():
    config = RunConfig()
    assert "xn--bcher-kva.example" in config.allowed_hosts
    assert config.refusal("https://bücher.example/health") is None
    assert config.refusal("https://xn--bcher-kva.example/health") is None
    assert "not in the runner's allow-list" in str(config.refusal("https://buecher.example/health"))


@override_settings(ALLOWED_HOSTS=["ü" * 64 + ".example", "example.com"])
def test_an_allowed_host_that_cannot_be_encoded_allows_nothing_else():
    config = RunConfig()
    assert config.refusal("https://example.com/") is None
    assert "not in the runner's allow-list" in str(config.refusal("https://u.example/"))


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://example.com:99999/health", "cannot be parsed (InvalidURL); fix the URL"),
        ("http://exa%2fmple.com/health", "has credentials or percent-encoding in its host"),
    ],
)
def test_a_url_the_guard_cannot_read_is_refused_before_any_request(url, reason):
    result = run_row(unsaved_row(url), allow_any_host=True)
    assert result.state == "refused"
    assert reason in result.error


def test_a_check_whose_url_cannot_be_parsed_does_not_end_the_run(odd_server):
    rows = [unsaved_row("http://[::1/health", key="broken"), unsaved_row(f"{odd_server}/ok", key="fine")]
    results = {result.key: result for result in run_checks(rows, RunConfig(concurrency=1))}
    assert results["fine"].state == "passed"
    assert results["broken"].state == "error"
    assert results["broken"].status is None
    assert results["broken"].error.startswith("URL 'http://[::1/health' is not an absolute http(s) URL")
