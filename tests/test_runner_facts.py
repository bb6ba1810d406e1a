"""Facts extracted from real responses: every subject and operator, and TLS certificates."""

from __future__ import annotations

import ssl
import subprocess
from datetime import datetime, timezone

import pytest

from healthcheck_admin.assertions import validate
from healthcheck_admin.runner.tls import CertificateError, not_after
from tests.servers import serve
from tests.tls import make_self_signed, server_context
from tests.utils import run_row, unsaved_row


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    """A self-signed https server, and the path of its certificate."""
    cert, key = make_self_signed(tmp_path_factory.mktemp("tls"), days=30)
    with serve(server_context(cert, key)) as running:
        yield running, cert


# Every subject/operator pair, passing and failing, extracted from real responses.
MATRIX = [
    ("/json", "response.code = 200", True),
    ("/status/503", "response.code = 200", False),
    ("/status/503", "response.code != 200", True),
    ("/json", "response.code != 200", False),
    ("/json", "response.code < 300", True),
    ("/status/503", "response.code < 300", False),
    ("/status/404", "response.code <= 404", True),
    ("/status/503", "response.code <= 404", False),
    ("/status/503", "response.code > 499", True),
    ("/json", "response.code > 499", False),
    ("/status/500", "response.code >= 500", True),
    ("/status/404", "response.code >= 500", False),
    ("/json", "response.time < 2s", True),
    ("/slow?ms=300", "response.time < 100ms", False),
    ("/json", "response.time <= 2000ms", True),
    ("/slow?ms=300", "response.time <= .1s", False),
    ("/slow?ms=300", "response.time > 250ms", True),
    ("/json", "response.time > 2s", False),
    ("/slow?ms=300", "response.time >= .25s", True),
    ("/json", "response.time >= 1.5s", False),
    ("/text", "response.body contains Spacely", True),
    ("/text", "response.body contains Cogswell", False),
    ("/text", "response.body !contains Cogswell", True),
    ("/text", "response.body !contains Spacely", False),
    ("/text", 'response.body = "hello Spacely Sprockets"', True),
    ("/text", "response.body = hello", False),
    ("/text", "response.body != hello", True),
    ("/text", 'response.body != "hello Spacely Sprockets"', False),
    ("/json", "response.json data.count = 3", True),
    ("/json", "response.json data.count = 4", False),
    ("/json", "response.json data.items.0.id = 1", True),
    ("/json", "response.json data.count != 4", True),
    ("/json", "response.json data.count != 3", False),
    ("/json", "response.json data.count < 4", True),
    ("/json", "response.json data.count < 3", False),
    ("/json", "response.json data.count <= 3", True),
    ("/json", "response.json data.count <= 2", False),
    ("/json", "response.json data.count > 2", True),
    ("/json", "response.json data.count > 10", False),
    ("/json", "response.json data.count >= 3", True),
    ("/json", "response.json data.count >= 4", False),
    ("/echo", "response.json method contains GE", True),
    ("/echo", "response.json method contains POST", False),
    ("/echo", "response.json method !contains POST", True),
    ("/echo", "response.json method !contains GE", False),
    ("/headers", "response.header X-Version = 1.2.3", True),
    ("/headers", "response.header x-version = 1.2.4", False),
    ("/headers", "response.header X-Version != 1.2.4", True),
    ("/headers", "response.header X-Version != 1.2.3", False),
    ("/headers", "response.header X-Version contains 1.2", True),
    ("/headers", "response.header X-Version contains 2.0", False),
    ("/headers", "response.header X-Version !contains 2.0", True),
    ("/headers", "response.header X-Version !contains 1.2", False),
    ("/headers", "response.header Content-Length < 3", True),
    ("/headers", "response.header Content-Length < 2", False),
    ("/headers", "response.header Content-Length <= 2", True),
    ("/headers", "response.header Content-Length <= 1", False),
    ("/headers", "response.header Content-Length > 1", True),
    ("/headers", "response.header Content-Length > 2", False),
    ("/headers", "response.header Content-Length >= 2", True),
    ("/headers", "response.header Content-Length >= 3", False),
]


@pytest.mark.parametrize(("path", "assertion", "passes"), MATRIX)
def test_every_subject_and_operator_against_a_real_server(http, path, assertion, passes):
    result = run_row(unsaved_row(http.url(path), assertion))
    assert result.state == ("passed" if passes else "failed"), result
    assert [o.assertion for o in result.outcomes] == [validate(assertion)]
    assert result.outcomes[0].passed is passes
    assert bool(result.outcomes[0].reason) or passes


@pytest.mark.parametrize(
    ("assertion", "passes"),
    [
        ("ssl_certificate.expires_in = 29 days", True),  # '=' is Cronitor's "at least" threshold
        ("ssl_certificate.expires_in = 31 days", False),
        ("ssl_certificate.expires_in > 29 days", True),
        ("ssl_certificate.expires_in > 31 days", False),
        ("ssl_certificate.expires_in < 31 days", True),
        ("ssl_certificate.expires_in < 7 days", False),
    ],
)
def test_certificate_expiry_of_a_self_signed_https_server(tls, assertion, passes):
    https, _ = tls
    result = run_row(unsaved_row(https.url("/json"), assertion, verify_ssl=False))
    assert result.state == ("passed" if passes else "failed"), result
    assert result.status == 200


def test_verify_ssl_rejects_a_self_signed_certificate(tls):
    https, _ = tls
    result = run_row(unsaved_row(https.url("/json", host="localhost"), verify_ssl=True))
    assert result.state == "error"
    assert result.error.startswith(f"GET localhost:{https.server.port}/json: the TLS handshake failed (")
    assert "self-signed" in result.error or "self signed" in result.error
    assert "Traceback" not in result.error


def test_der_walker_reads_the_same_expiry_as_openssl(tls):
    _, cert_path = tls
    out = subprocess.run(
        ["openssl", "x509", "-enddate", "-noout", "-in", str(cert_path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    expected = datetime.strptime(out.strip().split("=", 1)[1], "%b %d %H:%M:%S %Y %Z")
    pem = cert_path.read_text()
    der = ssl.PEM_cert_to_DER_cert(pem)
    assert not_after(der) == expected.replace(tzinfo=timezone.utc)
    with pytest.raises(CertificateError):
        not_after(der[:40])
