"""A Cronitor monitor-API emulator: a real HTTP server on loopback for your tests.

Standard library only and framework-free: importing it loads no Django (the package's exports are
lazy), so it runs in any test suite::

    with CronitorEmulator() as emulator:
        requests.put(f"{emulator.url}/monitors", json={"monitors": [...]}, auth=(emulator.api_key, ""))
        assert emulator.sent_monitors()[0]["key"] == "..."

Run it as a process with ``python -m healthcheck_admin.testing.emulator --port 8765 --api-key KEY``;
the first line on stdout is its base URL. See ``docs/testing.rst``.

It is a *shared-rules fake*, not an independent oracle: it validates monitors with the package's own
field lists, ranges and assertion grammar, so a rule the client gets wrong is wrong here too. It is an
independent check of the protocol: body shapes, partial merges, authentication, pagination, health,
the quota and the faults. Module map: ``_state`` (data and rules around reads and writes),
``_health`` (probes, quota), ``_dashboard`` (test-side helpers), ``_api`` (endpoints), ``_server``
(HTTP), ``_store`` and ``_validation`` (documents).
"""

from __future__ import annotations

import argparse
import copy
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any

from healthcheck_admin.testing._api import rate_limit_fault
from healthcheck_admin.testing._dashboard import DashboardState
from healthcheck_admin.testing._server import EmulatorServer
from healthcheck_admin.testing._state import ENVELOPES
from healthcheck_admin.testing._store import upsert_many
from healthcheck_admin.testing._types import Fault, RecordedRequest

__all__ = ["CronitorEmulator", "RecordedRequest"]

MONITORS_PATH = "/api/monitors"


class CronitorEmulator(DashboardState):
    """An in-process Cronitor API on ``127.0.0.1`` (port 0 = any free port), served by a daemon thread.

    ``monitors`` holds the stored monitor documents by key and ``requests`` every request received
    (faulted ones included, with :attr:`RecordedRequest.fault` set). Faults queued with ``fail_next``,
    ``rate_limit_next``, ``delay_next``, ``drop_next`` and ``malformed_next`` are consumed one per
    matching request, first in, first out. Hold ``lock`` to read ``monitors`` while clients write.

    ``monitor_quota`` saves monitors created beyond it ``disabled``; ``auto_probe`` (True, False, or a
    function of the key) reports a probe of each created or changed monitor on its
    ``probe_after_reads``-th read; ``list_envelope`` picks the ``GET /api/monitors`` page shape,
    ``"classic"`` or ``"page_info"``; ``codes_in_replies=False`` leaves ``attributes`` (with the
    monitor code) out of every reply. See ``docs/testing.rst``.
    """

    def __init__(
        self,
        api_keys: Iterable[str] = ("test-api-key",),
        page_size: int = 50,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        **options: Any,
    ) -> None:
        # The other keywords (monitor_quota, auto_probe, ...) and their defaults are EmulatorState's.
        super().__init__(api_keys, page_size, **options)
        self.host = host
        self.port = port
        self._server: EmulatorServer | None = None
        self._started = False
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> CronitorEmulator:
        """Listen and serve in a daemon thread; after :meth:`stop`, serve the same port again."""
        if self._server is not None:
            raise RuntimeError("this CronitorEmulator is already running; create another one instead")
        self._stop_event.clear()
        self._server = EmulatorServer((self.host, self.port), self)
        self.port = self._server.server_address[1]
        self._started = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="cronitor-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close open connections; delayed requests wake up and are dropped."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stop_event.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> CronitorEmulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def url(self) -> str:
        """The base API URL, e.g. ``http://127.0.0.1:54321/api``; monitors live at ``{url}/monitors``.

        It stays valid after :meth:`stop` (connections are then refused) and :meth:`start` serves the
        same port again.
        """
        if not self._started:
            raise RuntimeError(
                "the CronitorEmulator was never started; call start() or use it as a context manager"
            )
        return f"http://{self.host}:{self.port}/api"

    # -- state -----------------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget every monitor, recorded request, queued fault and rejection, and the clock offset."""
        with self.lock:
            self.monitors.clear()
            self.requests.clear()
            for store in (self.events, self.pause_expiry, self.pending_probes):
                store.clear()
            self.clock_offset = 0.0
            self.clear_faults()

    def add_monitors(self, *monitors: Mapping[str, Any], probed: bool | None = None) -> list[dict[str, Any]]:
        """Store monitors directly (e.g. to seed remote state); validated like a batch PUT.

        The quota applies as to a PUT. ``probed=True``/``False`` reports a first probe at once (passing
        or failing), as for monitors that have run for a while; by default they await one.
        """
        with self.lock:
            result = upsert_many(self.monitors, monitors, {})
            if result.errors:
                raise ValueError(f"invalid monitors: {result.errors!r}")
            self.commit(result.state)
            if probed is not None:
                for doc in result.documents:
                    if not self.monitors[doc["key"]].get("disabled"):
                        self.record_probe(doc["key"], probed, "seeded by CronitorEmulator.add_monitors")
            return [copy.deepcopy(self.monitors[doc["key"]]) for doc in result.documents]

    @property
    def codes(self) -> dict[str, str]:
        """``attributes.code`` of every stored monitor, by key."""
        with self.lock:
            return {key: doc["attributes"]["code"] for key, doc in self.monitors.items()}

    # -- recorded requests -----------------------------------------------------------------------
    def requests_to(self, method: str, path_prefix: str = MONITORS_PATH) -> list[RecordedRequest]:
        """Recorded requests with this method whose path starts with ``path_prefix``."""
        with self.lock:
            return [r for r in self.requests if r.method == method.upper() and r.path.startswith(path_prefix)]

    def monitor_puts(self) -> list[RecordedRequest]:
        """The batch ``PUT /api/monitors`` requests received, in order."""
        return [r for r in self.requests_to("PUT") if r.path.rstrip("/") == MONITORS_PATH]

    def sent_monitors(self) -> list[dict[str, Any]]:
        """Every monitor object received in batch PUTs, in order (faulted requests included)."""
        return [copy.deepcopy(m) for r in self.monitor_puts() for m in r.monitors if isinstance(m, dict)]

    # -- fault injection -------------------------------------------------------------------------
    def fail_next(
        self,
        status: int = 500,
        *,
        times: int = 1,
        body: str | dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        method: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests (of ``method``, if given) with ``status`` and ``body``."""
        self._queue(
            Fault("error", method=method, status=status, body=body, headers=dict(headers or {})), times
        )

    def rate_limit_next(
        self, retry_after: int = 1, *, times: int = 1, header: bool = True, body: bool = True
    ) -> None:
        """Answer 429 with ``Retry-After: retry_after`` and ``retry_after_seconds`` in the body.

        ``header=False`` or ``body=False`` leaves one of them out, to test a client that reads either.
        """
        self._queue(rate_limit_fault(retry_after, header=header, body=body), times)

    def delay_next(self, seconds: float, *, times: int = 1) -> None:
        """Wait ``seconds``, then answer normally: the request is still applied, as on a slow server."""
        self._queue(Fault("delay", seconds=seconds), times)

    def drop_next(self, *, times: int = 1) -> None:
        """Read the request, then close the connection without any response."""
        self._queue(Fault("drop"), times)

    def malformed_next(self, *, times: int = 1) -> None:
        """Answer 200 with a body that is not valid JSON."""
        self._queue(Fault("malformed", status=200), times)

    def set_latency(self, seconds: float) -> None:
        """Slow every request by ``seconds`` (0 turns it off)."""
        if seconds < 0:
            raise ValueError(f"latency must be >= 0 seconds, got {seconds!r}")
        self.latency = seconds

    def set_down(self, down: bool) -> None:
        """While down, every connection is dropped without a response (requests are still recorded)."""
        self._down = down

    def reject_monitor(self, key: str, message: str = "rejected by the emulator (reject_monitor)") -> None:
        """Answer 400 naming ``key`` to any write that contains it, until :meth:`clear_faults`."""
        with self.lock:
            self.rejected[key] = message

    def _queue(self, fault: Fault, times: int) -> None:
        self.queue_fault(fault, times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m healthcheck_admin.testing.emulator",
        description="Serve the Cronitor API emulator until Ctrl-C; prints its base URL first.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (default)")
    parser.add_argument("--api-key", action="append", dest="api_keys", help="accepted API key (repeatable)")
    parser.add_argument("--page-size", type=int, default=50, help="default pageSize of GET /api/monitors")
    parser.add_argument("--monitor-quota", type=int, default=None, help="save monitors beyond N disabled")
    parser.add_argument(
        "--auto-probe", choices=("passing", "failing"), default=None, help="probe changed monitors on read"
    )
    parser.add_argument(
        "--list-envelope", choices=ENVELOPES, default="classic", help="GET /api/monitors shape"
    )
    args = parser.parse_args(argv)
    emulator = CronitorEmulator(
        args.api_keys or ["test-api-key"],
        args.page_size,
        host=args.host,
        port=args.port,
        monitor_quota=args.monitor_quota,
        auto_probe=None if args.auto_probe is None else args.auto_probe == "passing",
        list_envelope=args.list_envelope,
    )
    with emulator:
        sys.stdout.write(f"{emulator.url}\n")  # the first line of stdout: callers read it to find the port
        sys.stdout.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, signal.default_int_handler)
    raise SystemExit(main())
