"""A Cronitor monitor-API emulator: a real HTTP server on loopback for your tests.

Standard library only and framework-free::

    with CronitorEmulator() as emulator:
        requests.put(f"{emulator.url}/monitors", json={"monitors": [...]}, auth=(emulator.api_key, ""))
        assert emulator.sent_monitors()[0]["key"] == "..."

Run it as a process with ``python -m healthcheck_admin.testing.emulator --port 8765 --api-key KEY``;
the first line on stdout is its base URL. See ``docs/testing.rst``.
"""

from __future__ import annotations

import argparse
import collections
import copy
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any

from healthcheck_admin.testing._server import EmulatorServer
from healthcheck_admin.testing._store import upsert_many
from healthcheck_admin.testing._types import Fault, RecordedRequest, parse_json

__all__ = ["CronitorEmulator", "RecordedRequest"]

MONITORS_PATH = "/api/monitors"


class CronitorEmulator:
    """An in-process Cronitor API on ``127.0.0.1`` (port 0 = any free port), served by a daemon thread.

    ``monitors`` holds the stored monitor documents by key and ``requests`` every request received
    (faulted ones included, with :attr:`RecordedRequest.fault` set). Faults queued with ``fail_next``,
    ``rate_limit_next``, ``delay_next``, ``drop_next`` and ``malformed_next`` are consumed one per
    matching request, first in, first out. Hold ``lock`` to read ``monitors`` while clients write.
    """

    def __init__(
        self,
        api_keys: Iterable[str] = ("test-api-key",),
        page_size: int = 50,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        keys = (api_keys,) if isinstance(api_keys, str) else tuple(api_keys)
        if not keys or not all(isinstance(key, str) and key for key in keys):
            raise ValueError("api_keys must hold at least one non-empty string, e.g. ('test-api-key',)")
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
            raise ValueError(f"page_size must be a whole number >= 1, got {page_size!r}")
        self.api_key: str = keys[0]
        self.api_keys: frozenset[str] = frozenset(keys)
        self.page_size = page_size
        self.host = host
        self.port = port
        self.lock = threading.RLock()
        self.monitors: dict[str, dict[str, Any]] = {}
        self.requests: list[RecordedRequest] = []
        self.rejected: dict[str, str] = {}
        self.latency = 0.0
        self._down = False
        self._faults: collections.deque[Fault] = collections.deque()
        self._stop_event = threading.Event()
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
    def stopping(self) -> bool:
        return self._stop_event.is_set()

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
        """Forget every monitor, recorded request, queued fault and rejection."""
        with self.lock:
            self.monitors.clear()
            self.requests.clear()
            self.clear_faults()

    def clear_faults(self) -> None:
        """Drop queued faults, latency, the down state and rejections; monitors and requests stay."""
        with self.lock:
            self._faults.clear()
            self.rejected.clear()
            self.latency = 0.0
            self._down = False

    def add_monitors(self, *monitors: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Store monitors directly (e.g. to seed remote state); validated like a batch PUT."""
        with self.lock:
            result = upsert_many(self.monitors, monitors, {})
            if result.errors:
                raise ValueError(f"invalid monitors: {result.errors!r}")
            self.monitors.update(result.state)
        return result.documents

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

    def rate_limit_next(self, retry_after: int = 1, *, times: int = 1) -> None:
        """Answer 429 with ``Retry-After: retry_after``."""
        self._queue(Fault("rate_limit", status=429, seconds=retry_after), times)

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
        if times < 1:
            raise ValueError(f"times must be >= 1, got {times!r}")
        if fault.seconds < 0:
            raise ValueError(f"seconds must be >= 0, got {fault.seconds!r}")
        with self.lock:
            self._faults.extend([fault] * times)

    # -- used by the request handler -------------------------------------------------------------
    def receive(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: bytes,
        reused: bool,
    ) -> Fault | None:
        """Record a request and take the fault it triggers, if any (``kind == "down"`` when down)."""
        with self.lock:
            fault = Fault("down") if self._down else self._take_fault(method)
            self.requests.append(
                RecordedRequest(
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
            )
        return fault

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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m healthcheck_admin.testing.emulator",
        description="Serve the Cronitor API emulator until Ctrl-C; prints its base URL first.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (default)")
    parser.add_argument("--api-key", action="append", dest="api_keys", help="accepted API key (repeatable)")
    parser.add_argument("--page-size", type=int, default=50, help="default pageSize of GET /api/monitors")
    args = parser.parse_args(argv)
    emulator = CronitorEmulator(
        args.api_keys or ["test-api-key"], args.page_size, host=args.host, port=args.port
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
