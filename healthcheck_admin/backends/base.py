"""The backend interface, its result type and its one exception type.

A backend is to Cronitor what a Django e-mail backend is to SMTP: the service
talks to :class:`BaseBackend` only, and ``HEALTHCHECKS["BACKEND"]`` picks the class.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from healthcheck_admin import redaction

MISSING_KEY = (
    "no Cronitor API key: set HEALTHCHECKS['API_KEY'] or the CRONITOR_API_KEY environment variable "
    "(or use the console backend while you have none)"
)


class CronitorError(Exception):
    """Talking to Cronitor failed. ``permanent`` errors (4xx except 429) are not worth retrying.

    The message is short and human. Whoever raises it scrubs it first (a backend with
    :meth:`BaseBackend.scrub`): constructing one reads no settings and changes no text.
    """

    def __init__(self, message: str, *, permanent: bool, status: int | None = None) -> None:
        self.message = message
        self.permanent = permanent
        self.status = status
        super().__init__(self.message)


class RemoteUnknown(CronitorError):
    """The backend cannot read Cronitor (console, dummy): remote state is unknown, not empty."""

    def __init__(self, backend: str) -> None:
        super().__init__(
            f"the {backend} backend sends nothing to Cronitor and cannot read it back, so the remote "
            "monitors are unknown; use the Cronitor backend (set an API key) to read them",
            permanent=True,
        )


@dataclass
class BatchResult:
    """The outcome of :meth:`BaseBackend.put_monitors`.

    ``codes`` maps each accepted key to its monitor code; ``errors`` maps each failed key
    to a readable message. ``error`` is set when a whole batch failed (every key of it is
    then in ``errors`` too), and ``abort`` when later batches cannot succeed either (the
    API is unreachable, or refused the key). The backend's ``request_count`` counts requests.
    """

    codes: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    #: Accepted keys that Cronitor saved ``disabled`` (e.g. over quota), with a message.
    disabled: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    abort: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and self.error is None

    def fail(self, keys: Sequence[str], message: str) -> None:
        for key in keys:
            self.errors[key] = message
            self.codes.pop(key, None)


def fake_code(key: str, prefix: str = "con") -> str:
    """A deterministic stand-in for a monitor code, for backends that send nothing."""
    return prefix + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:6]


def monitor_keys(monitors: Sequence[dict[str, Any]]) -> list[str]:
    return [str(monitor.get("key", "")) for monitor in monitors]


class BaseBackend:
    """Override every method; the base class only defines the contract.

    ``request_count`` counts the HTTP requests this instance made (0 for local backends).
    Backends are context managers: ``close()`` runs on exit.

    ``real_account`` is True for a backend that talks to a real Cronitor account: only such a
    backend may overwrite bookkeeping recorded for a real account (see
    :mod:`healthcheck_admin.sync.account`). ``records_codes`` is False for backends whose codes
    are stand-ins that must never be stored (console, dummy).

    Secrets: :meth:`own_secrets` names the backend's own (an API key); the service adds
    the resolved secrets of what it sends with :meth:`hide`. A backend passes
    :attr:`secrets` to :func:`healthcheck_admin.redaction.clip` for any text a server
    sent, and callers use :meth:`scrub`, never the backend's attributes.
    """

    real_account = False
    records_codes = True
    api_url = ""
    api_key = ""

    def __init__(self, **kwargs: Any) -> None:
        self.request_count = 0
        self._hidden: set[str] = set()

    def own_secrets(self) -> frozenset[str]:
        """Values of the backend itself that must never be shown (e.g. its API key); none here."""
        return frozenset()

    def hide(self, values: Iterable[str]) -> None:
        """Scrub these values too from every message this backend makes (and from :meth:`scrub`)."""
        self.__dict__.setdefault("_hidden", set()).update(value for value in values if value)

    @property
    def secrets(self) -> frozenset[str]:
        return self.own_secrets() | frozenset(self.__dict__.get("_hidden", ()))

    def scrub(self, text: str) -> str:
        """``text`` without this backend's secrets or the hidden ones."""
        return redaction.scrub(text, self.secrets)

    def put_monitors(self, monitors: list[dict[str, Any]], *, rollback: bool = False) -> BatchResult:
        """Create or update ``monitors`` by key; with ``rollback`` validate only, persist nothing."""
        raise NotImplementedError("a backend must implement put_monitors()")

    def get_monitor(self, key: str) -> dict[str, Any] | None:
        """The remote monitor, or None when it does not exist (a 404; any other error raises)."""
        raise NotImplementedError("a backend must implement get_monitor()")

    def pause(self, key: str) -> None:
        """Pause the monitor indefinitely. Raises :class:`CronitorError` (status 404 if it is gone)."""
        raise NotImplementedError("a backend must implement pause()")

    def pause_for(self, key: str, hours: int) -> None:
        """Pause the monitor for ``hours`` hours; Cronitor unpauses it then. Raises CronitorError."""
        raise NotImplementedError(f"{type(self).__name__} cannot pause a monitor for a time")

    def delete(self, key: str) -> None:
        """Delete the monitor. Raises :class:`CronitorError` (status 404 if it is gone)."""
        raise NotImplementedError("a backend must implement delete()")

    def list_monitors(self, tag: str | None = None) -> list[dict[str, Any]]:
        """Every remote monitor (all pages), only those tagged ``tag`` when given; errors raise.

        A backend that cannot read Cronitor raises :class:`RemoteUnknown`: never "nothing there".
        """
        return list(self.iter_monitors(tag))

    def iter_monitors(self, tag: str | None = None) -> Iterator[dict[str, Any]]:
        """The remote monitors one page at a time (one request per page); errors raise."""
        raise NotImplementedError("a backend must implement iter_monitors()")

    def close(self) -> None:
        """Release connections; the instance may not be used afterwards."""

    def __enter__(self) -> BaseBackend:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
