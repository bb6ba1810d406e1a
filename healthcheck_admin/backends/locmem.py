"""A backend that keeps what it is sent in memory, for tests (like ``django.core.mail.outbox``).

``outbox`` holds every monitor dict sent (secrets resolved, as they would go over the wire),
``paused`` and ``deleted`` the keys acted on, and ``monitors`` the resulting remote state by key.
Reset them in your tests with :func:`reset`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from healthcheck_admin.backends.base import BaseBackend, BatchResult, CronitorError, fake_code

outbox: list[dict[str, Any]] = []
paused: list[str] = []
deleted: list[str] = []
monitors: dict[str, dict[str, Any]] = {}


def reset() -> None:
    """Empty the outbox and forget the remote state."""
    outbox.clear()
    paused.clear()
    deleted.clear()
    monitors.clear()


def _not_found(key: str) -> CronitorError:
    return CronitorError(f"monitor {key!r} does not exist", permanent=True, status=404)


class LocmemBackend(BaseBackend):
    """Codes are deterministic (``"mem"`` + 6 hex digits of the key's SHA-1)."""

    def put_monitors(self, batch: list[dict[str, Any]], *, rollback: bool = False) -> BatchResult:
        result = BatchResult()
        for monitor in batch:
            key = str(monitor["key"])
            code = fake_code(key, "mem")
            result.codes[key] = code
            if not rollback:
                outbox.append(copy.deepcopy(monitor))
                stored = {**copy.deepcopy(monitor), "attributes": {"key": key, "code": code}}
                monitors[key] = stored
        return result

    def get_monitor(self, key: str) -> dict[str, Any] | None:
        found = monitors.get(key)
        return copy.deepcopy(found) if found is not None else None

    def pause(self, key: str) -> None:
        if key not in monitors:
            raise _not_found(key)
        monitors[key]["paused"] = True
        paused.append(key)

    def pause_for(self, key: str, hours: int) -> None:
        self.pause(key)

    def delete(self, key: str) -> None:
        if monitors.pop(key, None) is None:
            raise _not_found(key)
        deleted.append(key)

    def iter_monitors(self, tag: str | None = None) -> Iterator[dict[str, Any]]:
        found = [m for m in monitors.values() if tag is None or tag in (m.get("tags") or [])]
        return iter(copy.deepcopy(found))
