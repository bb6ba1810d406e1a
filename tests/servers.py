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

import contextlib
import json
import socket
import ssl
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
        elif path.startswith("/flaky"):  # fails every other request to the same URL: 200, 500, 200, ...
            with self.server.recorder.lock:
                count = sum(seen["path"] == path for seen in self.server.recorder.seen)
            self._send(200 if count % 2 else 500, b"flaky")
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

    def url(self, path: str, host: str | None = None) -> str:
        bound = self.server.server_address[0]
        name = host or (bound.decode() if isinstance(bound, bytes) else str(bound))
        return f"{self.scheme}://{name}:{self.server.port}{path}"


@contextmanager
def serve(context: ssl.SSLContext | None = None, host: str = "127.0.0.1") -> Iterator[Running]:
    """Run a server on ``host`` (loopback) and a free port in a thread; https when given a context."""
    server = TestServer((host, 0), Handler)
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


class ConnectionCounter:
    """Loopback listeners on one port that count the connections made to them and send nothing.

    ``addresses`` are bound on the same free port (found on the first); ``count`` is the number
    of connections accepted on any of them, ``by_address`` per address.
    """

    def __init__(self, addresses: tuple[str, ...]) -> None:
        self.by_address: dict[str, int] = dict.fromkeys(addresses, 0)
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.port = 0
        for address in addresses:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((address, self.port))
            sock.listen(16)
            self.port = int(sock.getsockname()[1])
            self._sockets.append(sock)
        self._threads = [
            threading.Thread(target=self._accept, args=(sock, address), daemon=True)
            for sock, address in zip(self._sockets, addresses, strict=True)
        ]
        for thread in self._threads:
            thread.start()

    @property
    def count(self) -> int:
        with self._lock:
            return sum(self.by_address.values())

    def _accept(self, sock: socket.socket, address: str) -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:  # closed
                return
            with self._lock:
                self.by_address[address] += 1
            conn.close()

    def close(self) -> None:
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for thread in self._threads:
            thread.join(5)


@contextmanager
def counting_listeners(*addresses: str) -> Iterator[ConnectionCounter]:
    counter = ConnectionCounter(addresses)
    try:
        yield counter
    finally:
        counter.close()


@contextmanager
def trickling_server(
    every: float = 0.2, *, headers: bool = False, host: str = "127.0.0.1"
) -> Iterator[tuple[str, threading.Event]]:
    """An HTTP server that answers every request with valid headers, then one body byte per ``every`` s.

    It never finishes (a ``Content-Length`` of 1 MB), so only a total deadline ends the request.
    With ``headers``, the header lines trickle instead, one ``X-Pad`` line at a time, for ever.
    Yields its base URL and an event set when a client hung up.
    """
    listener = socket.socket()
    listener.bind((host, 0))
    listener.listen(8)
    hung_up = threading.Event()
    stop = threading.Event()

    def answer(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"
                )
                while not stop.wait(every):
                    conn.sendall(b" ")
            except OSError:
                hung_up.set()

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{listener.getsockname()[1]}", hung_up
    finally:
        stop.set()
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        thread.join(5)
