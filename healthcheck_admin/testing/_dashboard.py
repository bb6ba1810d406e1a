"""What ops do "on the dashboard", and what Cronitor's probes report, as calls a test makes.

None of these calls is an HTTP request, so none appears in ``emulator.requests``: a test can seed a
remote change, then assert exactly what the client sent about it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from healthcheck_admin.testing import _health
from healthcheck_admin.testing._state import EmulatorState
from healthcheck_admin.testing._store import upsert_one
from healthcheck_admin.testing._validation import READ_ONLY_FIELDS


class DashboardState(EmulatorState):
    """Adds the dashboard and probe helpers to :class:`EmulatorState`."""

    def dashboard_edit(self, key: str, **fields: Any) -> dict[str, Any]:
        """Change ``fields`` of monitor ``key`` as ops would on Cronitor's dashboard; returns the document.

        Same rules as ``PUT /api/monitors/{key}``: fields not given keep their values, ``request`` is
        merged one level deep, a list replaces the old list, and the result is validated. Health is
        kept (set it with :meth:`set_health`), and the edit is not recorded as a request.
        ``dashboard_edit("home", notify=["ops"], note="on call: Ana", paused=True)``.
        """
        read_only = sorted(set(fields) & READ_ONLY_FIELDS)
        if read_only:
            raise ValueError(
                f"{read_only[0]!r} is read-only on Cronitor; set health with set_health({key!r}, ...)"
            )
        with self.lock:
            self._existing(key)
            state = dict(self.monitors)
            doc, problems = upsert_one(state, fields, {}, url_key=key)
            if doc is None:
                raise ValueError(f"dashboard_edit({key!r}) is invalid: {problems!r}")
            if not doc.get("paused"):
                self.pause_expiry.pop(key, None)
            self.monitors[key] = doc
            return copy.deepcopy(doc)

    def dashboard_delete(self, key: str) -> None:
        """Delete monitor ``key`` as ops would on the dashboard (not recorded as a request)."""
        with self.lock:
            self._existing(key)
            del self.monitors[key]
            self.forget(key)

    def set_health(self, key: str, **fields: bool) -> dict[str, Any]:
        """Set ``passing``, ``paused``, ``disabled`` or ``initialized`` of monitor ``key``.

        ``passing=`` records a probe with that outcome (``latest_event`` gets a fresh stamp and
        ``initialized`` turns true, unless given); ``paused=`` ends any timed pause;
        ``disabled=False`` re-enables a monitor saved disabled over the quota. Returns the document.
        """
        _health.check_health_fields(fields)
        with self.lock:
            doc = self._existing(key)
            if "passing" in fields:
                self.record_probe(key, fields["passing"], "set by CronitorEmulator.set_health")
            for name in ("paused", "disabled", "initialized"):
                if name in fields:
                    doc[name] = fields[name]
            if "paused" in fields:
                self.pause_expiry.pop(key, None)
            return copy.deepcopy(doc)

    def probe(
        self, key: str, passing: bool = True, *, message: str | None = None, duration: float = 0.1
    ) -> dict[str, Any]:
        """Deliver a probe result for monitor ``key`` now, as Cronitor's first request after a change.

        Until a probe, a monitor that a write created or changed reads ``initialized: false``: this is
        what ``push --verify`` waits for. Returns the document.
        """
        if not isinstance(passing, bool):
            raise TypeError(f"probe({key!r}, passing=...) takes True or False, got {passing!r}")
        with self.lock:
            doc = self._existing(key)
            if doc.get("disabled"):
                raise ValueError(
                    f"monitor {key!r} is disabled (over the quota?) and is never probed; "
                    f"enable it first with set_health({key!r}, disabled=False)"
                )
            self.record_probe(key, passing, message, duration)
            return copy.deepcopy(doc)

    def awaiting_probe(self) -> list[str]:
        """Keys of the monitors that a write created or changed and no probe has reported on yet."""
        with self.lock:
            return sorted(
                key
                for key, doc in self.monitors.items()
                if not doc.get("initialized") and not doc.get("disabled")
            )

    def paused_until(self, key: str) -> float | None:
        """When the timed pause of ``key`` ends (Unix seconds), or None when not paused for a time."""
        with self.lock:
            self._existing(key)
            return self.pause_expiry.get(key)

    def _existing(self, key: str) -> dict[str, Any]:
        doc = self.monitors.get(key)
        if doc is None:
            known = ", ".join(sorted(self.monitors)[:10]) or "none"
            raise KeyError(f"no monitor {key!r} on the emulator (monitors: {known})")
        return doc

    def health(self, key: str) -> Mapping[str, Any]:
        """The read-only health fields of ``key``: passing, paused, disabled, initialized, latest_event."""
        with self.lock:
            doc = self._existing(key)
            return {name: copy.deepcopy(doc.get(name)) for name in (*_health.HEALTH_FIELDS, "latest_event")}
