"""Value types shared by the emulator's modules: recorded requests, injected faults, replies."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the emulator received it, before any fault was applied.

    ``headers`` keep the client's spelling; use :meth:`header` for a case-insensitive lookup. They are
    left out of ``repr()`` so that assertion output never shows the ``Authorization`` header.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)
    json: Any = field(repr=False)
    reused_connection: bool = False
    fault: str | None = None
    received_at: float = 0.0

    def header(self, name: str, default: str | None = None) -> str | None:
        """The value of header ``name`` (any case), or ``default``."""
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return default

    @property
    def api_key(self) -> str | None:
        """The username of the request's HTTP Basic credentials (Cronitor's API key), or None."""
        return basic_auth_username(self.header("Authorization"))

    @property
    def monitors(self) -> list[Any]:
        """The monitors in a batch body, wrapped (``{"monitors": [...]}``) or bare (``[...]``)."""
        payload = self.json
        if isinstance(payload, Mapping):
            payload = payload.get("monitors")
        return list(payload) if isinstance(payload, list) else []


@dataclass(frozen=True)
class Fault:
    """One queued fault; ``kind`` is error, rate_limit, delay, drop or malformed."""

    kind: str
    method: str | None = None
    status: int = 500
    body: str | dict[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def matches(self, method: str) -> bool:
        return self.method is None or self.method.upper() == method.upper()


@dataclass
class Reply:
    """What the handler writes: a JSON ``payload`` (None and 204 mean no body) or ``raw`` bytes."""

    status: int
    payload: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None

    def encode(self) -> tuple[bytes, str]:
        """(body, content type)."""
        if self.raw is not None:
            return self.raw, "application/json"
        if self.payload is None and self.status == 204:
            return b"", "application/json"
        if isinstance(self.payload, str):
            return self.payload.encode(), "text/plain; charset=utf-8"
        return json.dumps(self.payload).encode(), "application/json"


def basic_auth_username(value: str | None) -> str | None:
    """The username in an ``Authorization: Basic ...`` header value, or None if absent or malformed."""
    scheme, _, token = (value or "").partition(" ")
    if scheme.lower() != "basic" or not token.strip():
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, _, _password = decoded.partition(":")
    return username


def parse_json(body: bytes) -> Any:
    """The JSON value of ``body``, or None when it is empty or not JSON."""
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None
