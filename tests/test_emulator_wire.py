"""The emulator's HTTP framing over a raw socket: chunked bodies, trailers and unreadable bodies."""

from __future__ import annotations

import base64
import json
import socket

import pytest

from healthcheck_admin.testing import CronitorEmulator
from tests.utils import monitor


def exchange(emulator: CronitorEmulator, head: str, body: bytes = b"") -> tuple[int, bytes]:
    """Send one request, byte for byte, and read the reply to the end; (status, body)."""
    token = base64.b64encode(f"{emulator.api_key}:".encode()).decode()
    request = (
        f"{head}Host: {emulator.host}\r\nAuthorization: Basic {token}\r\n"
        "Content-Type: application/json\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection((emulator.host, emulator.port), timeout=10) as sock:
        sock.sendall(request.encode() + body)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    status_line, _, rest = reply.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def chunked(data: bytes, *, size: int = 7, trailer: bytes = b"") -> bytes:
    pieces = [data[i : i + size] for i in range(0, len(data), size)]
    framed = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(piece), piece) for piece in pieces)
    return framed + b"0\r\n" + trailer + b"\r\n"


@pytest.mark.parametrize("trailer", [b"", b"X-Checksum: 1\r\n"], ids=["plain", "with-a-trailer"])
def test_a_chunked_batch_is_read_whole_and_stored(cronitor_emulator, trailer):
    batch = json.dumps({"monitors": [monitor("chunked-a"), monitor("chunked-b")]}).encode()

    status, body = exchange(
        cronitor_emulator,
        "PUT /api/monitors HTTP/1.1\r\nTransfer-Encoding: chunked\r\n",
        chunked(batch, trailer=trailer),
    )

    assert status == 200, body
    assert sorted(cronitor_emulator.monitors) == ["chunked-a", "chunked-b"]
    assert cronitor_emulator.requests[-1].json == json.loads(batch)


@pytest.mark.parametrize(
    ("head", "body"),
    [
        ("PUT /api/monitors HTTP/1.1\r\nContent-Length: ten\r\n", b"{}"),
        ("PUT /api/monitors HTTP/1.1\r\nTransfer-Encoding: chunked\r\n", b"zz\r\n{}\r\n0\r\n\r\n"),
    ],
    ids=["content-length-not-a-number", "chunk-size-not-hex"],
)
def test_an_unreadable_body_is_a_400_that_says_so_and_stores_nothing(cronitor_emulator, head, body):
    status, reply = exchange(cronitor_emulator, head, body)

    assert status == 400
    assert json.loads(reply) == {"detail": "Unreadable request body (bad Content-Length or chunking)."}
    assert cronitor_emulator.monitors == {}
