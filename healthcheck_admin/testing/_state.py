"""The emulator's state: stored monitors, recorded requests, queued faults, health and the clock.

:class:`EmulatorState` is what the endpoint functions (``_api``) and the HTTP server (``_server``)
work on; :class:`~healthcheck_admin.testing.emulator.CronitorEmulator` extends it with the server's
lifecycle and the helpers tests call. Keeping the state here breaks the import circle: ``_api`` and
``_server`` depend on this module, never on ``emulator``.
"""

from __future__ import annotations

import collections
import copy
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, TypeAlias

from healthcheck_admin.testing import _health
from healthcheck_admin.testing._types import Fault, RecordedRequest, parse_json

AutoProbe: TypeAlias = "bool | Callable[[str], bool] | None"
Envelope: TypeAlias = Literal["classic", "page_info"]
ENVELOPES = ("classic", "page_info")


def _whole(name: str, value: object, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}")


class EmulatorState:
    """Monitors by key, recorded requests and the rules that keep health; hold ``lock`` to read them."""

    def __init__(
        self,
        api_keys: Iterable[str] = ("test-api-key",),
        page_size: int = 50,
        *,
        monitor_quota: int | None = None,
        auto_probe: AutoProbe = None,
        probe_after_reads: int = 1,
        list_envelope: Envelope = "classic",
        codes_in_replies: bool = True,
    ) -> None:
        keys = (api_keys,) if isinstance(api_keys, str) else tuple(api_keys)
        if not keys or not all(isinstance(key, str) and key for key in keys):
            raise ValueError("api_keys must hold at least one non-empty string, e.g. ('test-api-key',)")
        _whole("page_size", page_size, 1)
        _whole("probe_after_reads", probe_after_reads, 1)
        if monitor_quota is not None:
            _whole("monitor_quota", monitor_quota, 0)
        if list_envelope not in ENVELOPES:
            raise ValueError(f"list_envelope must be one of {', '.join(ENVELOPES)}, got {list_envelope!r}")
        if not (auto_probe is None or isinstance(auto_probe, bool) or callable(auto_probe)):
            raise ValueError(
                f"auto_probe must be None, True, False or a function of the key, got {auto_probe!r}"
            )
        self.api_key: str = keys[0]
        self.api_keys: frozenset[str] = frozenset(keys)
        self.page_size = page_size
        self.monitor_quota = monitor_quota
        self.auto_probe: AutoProbe = auto_probe
        self.probe_after_reads = probe_after_reads
        self.list_envelope: Envelope = list_envelope
        self.codes_in_replies = codes_in_replies
        self.lock = threading.RLock()
        self.monitors: dict[str, dict[str, Any]] = {}
        self.requests: list[RecordedRequest] = []
        self.rejected: dict[str, str] = {}
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.pause_expiry: dict[str, float] = {}
        self.pending_probes: dict[str, int] = {}
        self.clock_offset = 0.0
        self.latency = 0.0
        self._down = False
        self._faults: collections.deque[Fault] = collections.deque()
        self._stop_event = threading.Event()

    # -- time ------------------------------------------------------------------------------------
    def now(self) -> float:
        """The emulator's clock in Unix seconds: wall time plus what :meth:`advance` added."""
        return time.time() + self.clock_offset

    def advance(self, seconds: float) -> None:
        """Move the emulator's clock forward, e.g. past the end of a timed pause."""
        if seconds < 0:
            raise ValueError(f"the clock only moves forward; got {seconds!r} seconds")
        with self.lock:
            self.clock_offset += seconds
            self.expire_pauses()

    # -- rules applied around every write and read -----------------------------------------------
    def commit(self, new_state: dict[str, dict[str, Any]], *, dry_run: bool = False) -> list[str]:
        """Apply quota and verification to ``new_state`` (a write's outcome); store it unless ``dry_run``.

        Returns the keys saved disabled over the quota. Call with ``lock`` held.
        """
        before = self.monitors
        disabled = _health.apply_quota(before, new_state, self.monitor_quota)
        changed = _health.changed_keys(before, new_state)
        for key in changed:  # documents of changed keys are fresh copies: safe to edit
            new_state[key]["initialized"] = False
        if dry_run:
            return disabled
        for key in set(before) - set(new_state):
            self.forget(key)
        for key, doc in new_state.items():
            if not doc.get("paused"):
                self.pause_expiry.pop(key, None)
        self.monitors.clear()  # the same dict: a test may hold a reference to ``monitors``
        self.monitors.update(new_state)
        for key in changed:
            if not new_state[key].get("disabled"):
                self.pending_probes[key] = self.probe_after_reads
        return disabled

    def forget(self, key: str) -> None:
        """Drop what the emulator keeps beside a deleted monitor's document."""
        for store in (self.events, self.pause_expiry, self.pending_probes):
            store.pop(key, None)

    def expire_pauses(self) -> None:
        """Unpause monitors whose timed pause has ended. Call with ``lock`` held."""
        now = self.now()
        for key, until in list(self.pause_expiry.items()):
            if until <= now:
                del self.pause_expiry[key]
                if key in self.monitors:
                    self.monitors[key]["paused"] = False

    def observe(self, key: str) -> None:
        """Count one read of ``key``; run its automatic probe when one is due. Call with ``lock`` held."""
        if self.auto_probe is None or key not in self.pending_probes:
            return
        self.pending_probes[key] -= 1
        if self.pending_probes[key] > 0:
            return
        outcome = self.auto_probe(key) if callable(self.auto_probe) else self.auto_probe
        self.record_probe(key, bool(outcome), "automatic probe (CronitorEmulator auto_probe)")

    def record_probe(
        self, key: str, passing: bool, message: str | None = None, duration: float = 0.1
    ) -> None:
        """Store one probe result for ``key``. Call with ``lock`` held."""
        self.pending_probes.pop(key, None)
        events = self.events.setdefault(key, [])
        _health.record_probe(self.monitors[key], events, passing, self.now(), message, duration)

    def shown(self, doc: Mapping[str, Any], query: Mapping[str, str]) -> dict[str, Any]:
        """A copy of ``doc`` as a reply carries it.

        ``latest_events`` is added with ``withEvents=true``; without ``codes_in_replies``, the
        ``attributes`` (and so the monitor code) are left out, as in CronitorCLI's fixtures (§5.3).
        """
        shown = copy.deepcopy(dict(doc))
        if not self.codes_in_replies:
            shown.pop("attributes", None)
        if query.get("withEvents", "").lower() == "true":
            shown["latest_events"] = copy.deepcopy(self.events.get(str(doc.get("key")), []))
        return shown

    # -- faults ----------------------------------------------------------------------------------
    def queue_fault(self, fault: Fault, times: int) -> None:
        if times < 1:
            raise ValueError(f"times must be >= 1, got {times!r}")
        if fault.seconds < 0:
            raise ValueError(f"seconds must be >= 0, got {fault.seconds!r}")
        with self.lock:
            self._faults.extend([fault] * times)

    def clear_faults(self) -> None:
        """Drop queued faults, latency, the down state and rejections; monitors and requests stay."""
        with self.lock:
            self._faults.clear()
            self.rejected.clear()
            self.latency = 0.0
            self._down = False

    # -- used by the request handler -------------------------------------------------------------
    @property
    def stopping(self) -> bool:
        return self._stop_event.is_set()

    def receive(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: bytes,
        reused: bool,
    ) -> tuple[RecordedRequest, Fault | None]:
        """Record a request; return it and the fault it triggers, if any (``kind == "down"`` when down)."""
        with self.lock:
            fault = Fault("down") if self._down else self._take_fault(method)
            request = RecordedRequest(
                method=method,
                path=path,
                query=query,
                headers=headers,
                body=body,
                json=parse_json(body),
                reused_connection=reused,
                fault=fault.kind if fault is not None else None,
                received_at=time.monotonic(),
            )
            self.requests.append(request)
        return request, fault

    def _take_fault(self, method: str) -> Fault | None:
        for index, fault in enumerate(self._faults):
            if fault.matches(method):
                del self._faults[index]
                return fault
        return None

    def pause_for(self, seconds: float) -> None:
        """Sleep, but wake up at once when the emulator stops."""
        if seconds > 0:
            self._stop_event.wait(seconds)
