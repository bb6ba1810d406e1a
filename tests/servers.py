"""A real HTTP(S) server on loopback for the runner's tests.

Routes:

- ``/json``: ``{"data": {"count": 3, "items": [{"id": 1}]}}``
- ``/text``: ``hello Spacely Sprockets`` (text/plain)
- ``/headers``: 200 with ``X-Version: 1.2.3``
- ``/slow?ms=300``: answers after that many milliseconds
- ``/status/503``: that status code
- ``/redirect?to=URL&code=302``: a redirect (default: to ``/json``)
- ``/loop``: redirects to itself
- ``/set-cookie``: sets the cookie ``leaked=1``
- ``/echo``: the request as JSON: method, path, query, headers, cookies, body

Every request is recorded in ``server.seen``; ``server.max_in_flight`` is the
highest number of requests handled at once.
"""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

JSON_DOC = {"data": {"count": 3, "items": [{"id": 1}]}}
TEXT = "hello Spacely Sprockets"


@dataclass
class Recorder:
    seen: list[dict[str, Any]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Handler(BaseHTTPRequestHandler):
    server: TestServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, the second
    # waits for the client's delayed ACK (~40 ms), which would swamp /slow timings.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
        return

    def _send(self, status: int, body: bytes = b"", content_type: str = "text/plain", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, data: Any, status: int = 200) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def _handle(self) -> None:
        recorder = self.server.recorder
        with recorder.lock:
            recorder.in_flight += 1
            recorder.max_in_flight = max(recorder.max_in_flight, recorder.in_flight)
        try:
            self._route()
        finally:
            with recorder.lock:
                recorder.in_flight -= 1

    def _route(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", errors="replace") if length else ""
        cookies = {k: m.value for k, m in SimpleCookie(self.headers.get("Cookie", "")).items()}
        request = {
            "method": self.command,
            "path": parts.path,
            "query": query,
            "headers": dict(self.headers.items()),
            "cookies": cookies,
            "body": body,
        }
        with self.server.recorder.lock:
            self.server.recorder.seen.append(request)
        path = parts.path
        if path == "/json":
            self._json(JSON_DOC)
        elif path == "/text":
            self._send(200, TEXT.encode())
        elif path == "/headers":
            self._send(200, b"ok", X_Version="1.2.3")
        elif path == "/slow":
            time.sleep(int(query.get("ms", "300")) / 1000)
            self._send(200, b"slow ok")
        elif path.startswith("/status/"):
            self._send(int(path.rsplit("/", 1)[1]), b"status page")
        elif path == "/redirect":
            self._send(int(query.get("code", "302")), b"", Location=query.get("to", "/json"))
        elif path == "/set-cookie":
            self._send(200, b"cookie set", Set_Cookie="leaked=1; Path=/")
        elif path == "/loop":
            self._send(302, b"", Location="/loop")
        elif path == "/echo":
            self._json(request)
        else:
            self._send(404, b"not found")

    do_GET = do_POST = do_PUT = do_PATCH = do_HEAD = do_DELETE = _handle


class TestServer(ThreadingHTTPServer):
    daemon_threads = True
    recorder: Recorder

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up early (timeouts, refused certificates) are part of the tests."""
        if not isinstance(sys.exc_info()[1], ConnectionError | ssl.SSLError):
            super().handle_error(request, client_address)

    @property
    def port(self) -> int:
        return int(self.server_address[1])


@dataclass
class Running:
    server: TestServer
    scheme: str

    @property
    def recorder(self) -> Recorder:
        return self.server.recorder

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.server.port}{path}"


@contextmanager
def serve(context: ssl.SSLContext | None = None) -> Iterator[Running]:
    """Run a server on 127.0.0.1 and a free port in a thread; https when given a context."""
    server = TestServer(("127.0.0.1", 0), Handler)
    server.recorder = Recorder()
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Running(server, "https" if context else "http")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def make_self_signed(directory: Path, days: int = 30) -> tuple[Path, Path]:
    """A self-signed certificate for ``localhost`` made with the openssl command line."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("the openssl command is needed to make a test certificate")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subject = ["-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-days", str(days), "-nodes", *subject],
        check=True,
        capture_output=True,
    )
    return cert, key


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context
