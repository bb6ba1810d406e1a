"""HTTP plumbing: a quiet, keep-alive ThreadingHTTPServer that records requests and applies faults."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from healthcheck_admin.testing._api import dispatch, fault_reply
from healthcheck_admin.testing._state import EmulatorState
from healthcheck_admin.testing._types import RecordedRequest, Reply

logger = logging.getLogger("healthcheck_admin.testing.emulator")


class EmulatorServer(ThreadingHTTPServer):
    """Serves one emulator; tracks open connections so that :meth:`close_connections` can end them."""

    daemon_threads = True
    request_queue_size = 128  # many workers may connect at once; the default backlog of 5 stalls them

    def __init__(self, address: tuple[str, int], emulator: EmulatorState) -> None:
        self.emulator = emulator
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, EmulatorHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)

    def close_connections(self) -> None:
        with self.connections_lock:
            connections = list(self.connections)
        for connection in connections:
            _shutdown(connection)


def _shutdown(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the peer
        connection.shutdown(socket.SHUT_RDWR)


class EmulatorHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive: every response has a Content-Length."""

    protocol_version = "HTTP/1.1"
    server: EmulatorServer
    served = 0

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms Nagle stalls
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def handle_request(self) -> None:
        emulator = self.server.emulator
        reused, self.served = self.served > 0, self.served + 1
        body = self._read_body()
        if body is None:
            self.close_connection = True
            self._send(Reply(400, {"detail": "Unreadable request body (bad Content-Length or chunking)."}))
            return
        split = urlsplit(self.path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        headers = dict(self.headers.items())
        request, fault = emulator.receive(self.command, split.path, query, headers, body, reused)
        if fault is not None and fault.kind in ("down", "drop"):
            self._drop()
            return
        emulator.pause_for(
            emulator.latency + (fault.seconds if fault is not None and fault.kind == "delay" else 0)
        )
        if emulator.stopping:
            self._drop()
        elif fault is not None and fault.kind != "delay":
            self._send(fault_reply(fault))
        else:
            self._send(self._answer(emulator, request))

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_request

    def _answer(self, emulator: EmulatorState, request: RecordedRequest) -> Reply:
        headers = {name.lower(): value for name, value in request.headers.items()}
        try:
            return dispatch(emulator, request.method, request.path, request.query, headers)(request.body)
        except Exception:  # a bug in the emulator: answer 500 and say so in the log
            logger.exception("CronitorEmulator failed on %s %s", request.method, request.path)
            return Reply(500, {"detail": "CronitorEmulator internal error; see the log."})

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()
        length = self.headers.get("Content-Length", "0").strip() or "0"
        if not length.isdigit():
            return None
        return self.rfile.read(int(length))

    def _read_chunked(self) -> bytes | None:
        chunks: list[bytes] = []
        while True:
            size_line = self.rfile.readline(1024).split(b";")[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                return None
            if size == 0:
                while self.rfile.readline(1024).strip():
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _drop(self) -> None:
        """Close the connection without sending a byte: the client sees a dropped connection."""
        self.close_connection = True
        _shutdown(self.connection)

    def _send(self, reply: Reply) -> None:
        data, content_type = reply.encode()
        self.send_response(reply.status)
        headers = {"Content-Type": content_type, **reply.headers, "Content-Length": str(len(data))}
        for name, value in headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
