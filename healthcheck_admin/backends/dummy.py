"""A backend that does nothing and reports success, like Django's dummy e-mail backend."""

from __future__ import annotations

from typing import Any

from healthcheck_admin.backends.base import BaseBackend, BatchResult, monitor_keys


class DummyBackend(BaseBackend):
    """Accepts every monitor with an empty code; remote state is always empty."""

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

    def list_monitors(self, tag: str | None = None) -> list[dict[str, Any]]:
        return []
