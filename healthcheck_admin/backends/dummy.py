"""A backend that does nothing and reports success, like Django's dummy e-mail backend."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from healthcheck_admin.backends.base import BaseBackend, BatchResult, RemoteUnknown, monitor_keys


class DummyBackend(BaseBackend):
    """Accepts every monitor with an empty code; remote state is unknown (listing raises)."""

    records_codes = False

    def put_monitors(self, monitors: list[dict[str, Any]], *, rollback: bool = False) -> BatchResult:
        return BatchResult(codes=dict.fromkeys(monitor_keys(monitors), ""))

    def get_monitor(self, key: str) -> dict[str, Any] | None:
        return None

    def pause(self, key: str) -> None:
        return None

    def pause_for(self, key: str, hours: int) -> None:
        return None

    def delete(self, key: str) -> None:
        return None

    def iter_monitors(self, tag: str | None = None) -> Iterator[dict[str, Any]]:
        raise RemoteUnknown("dummy")
