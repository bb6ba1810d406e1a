"""A backend that writes what it would send to a stream (stdout by default) and sends nothing.

It is the demo's backend while no API key is set. Sensitive header values and cookies are
masked, and so is the Authorization header it would send.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from healthcheck_admin.backends.base import BaseBackend, BatchResult, RemoteUnknown, fake_code
from healthcheck_admin.conf import app_settings
from healthcheck_admin.redaction import MASK, mask_headers, mask_monitor


class ConsoleBackend(BaseBackend):
    """Codes are deterministic (``"con"`` + 6 hex digits of the key's SHA-1) and never stored."""

    records_codes = False

    def __init__(self, stream: TextIO | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stream = stream if stream is not None else sys.stdout

    def _write(self, method: str, path: str, body: Any = None) -> None:
        headers = mask_headers({"Authorization": MASK, "Content-Type": "application/json"})
        lines = [f"{method} {app_settings.API_URL}{path}", *(f"{k}: {v}" for k, v in headers.items())]
        if body is not None:
            lines += ["", json.dumps(body, indent=2, sort_keys=True)]
        self.stream.write("\n".join(lines) + "\n" + "-" * 79 + "\n")
        self.stream.flush()

    def put_monitors(self, monitors: list[dict[str, Any]], *, rollback: bool = False) -> BatchResult:
        body: dict[str, Any] = {"monitors": [mask_monitor(monitor) for monitor in monitors]}
        if rollback:
            body["rollback"] = True
        self._write("PUT", "/monitors", body)
        return BatchResult(codes={str(m["key"]): fake_code(str(m["key"])) for m in monitors})

    def get_monitor(self, key: str) -> dict[str, Any] | None:
        return None

    def pause(self, key: str) -> None:
        self._write("GET", f"/monitors/{key}/pause")

    def pause_for(self, key: str, hours: int) -> None:
        self._write("GET", f"/monitors/{key}/pause/{int(hours)}")

    def delete(self, key: str) -> None:
        self._write("DELETE", f"/monitors/{key}")

    def iter_monitors(self, tag: str | None = None) -> Iterator[dict[str, Any]]:
        raise RemoteUnknown("console")
