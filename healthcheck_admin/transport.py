"""The one seam for outgoing HTTP: the User-Agent, a total deadline, and the wording of failures.

Both the Cronitor backend and the runner make their sessions with :func:`new_session` and word a
failed request with :func:`failure_phrase`, after healthchecks.io's ``hc/lib/curl.py``.

**The deadline.** ``requests`` only has socket timeouts: a server that sends one byte every few
seconds keeps a request alive for ever. Every request made inside ``with deadline(seconds):`` on a
session from :func:`new_session` has its sockets shut down when the deadline passes, whatever phase
the request is in (connecting, waiting for the headers, reading the body); the caller then reports
:data:`Deadline.expired`. The sockets are found through urllib3 connection classes that register
their socket with the deadline of the current thread.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NameResolutionError

_current = threading.local()


def user_agent() -> str:
    """``healthcheck-admin/<version>``: the one User-Agent of every request the package sends."""
    from healthcheck_admin import __version__

    return f"healthcheck-admin/{__version__}"


class Deadline:
    """A point in time after which the sockets of the current request are shut down."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if self.expired:
                _shut(sock)
            else:
                self._sockets.append(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    """Wake any thread blocked on ``sock``; the plain socket's method, so TLS state is left alone."""
    with suppress(OSError):  # already closed or never connected
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


@contextmanager
def deadline(seconds: float) -> Iterator[Deadline]:
    """Bound every request of this thread made inside the block to ``seconds`` in total."""
    limit = Deadline(seconds)
    previous = getattr(_current, "deadline", None)
    _current.deadline = limit
    limit._timer.start()
    try:
        yield limit
    finally:
        limit._timer.cancel()
        _current.deadline = previous


def _watch(sock: socket.socket | None) -> None:
    limit: Deadline | None = getattr(_current, "deadline", None)
    if limit is not None and sock is not None:
        limit.watch(sock)


class _Watched:
    """Registers the connection's socket with the current deadline, new or reused."""

    sock: socket.socket | None

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        _watch(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self.sock)
        super().request(*args, **kwargs)  # type: ignore[misc]


class _HTTPConnection(_Watched, HTTPConnection):
    pass


class _HTTPSConnection(_Watched, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` whose connections obey :func:`deadline`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def new_session() -> requests.Session:
    """A session with the package's User-Agent whose requests obey :func:`deadline`."""
    session = requests.Session()
    session.headers["User-Agent"] = user_agent()
    adapter = DeadlineAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# -- one vocabulary ------------------------------------------------------------------------------


def where(method: str, url: str) -> str:
    """``GET example.com:8000/api/``: the request, without scheme, credentials or query."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    if port:
        host = f"{host}:{port}"
    return f"{method} {host}{parts.path}"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception it wraps (``reason``, causes, contexts, args)."""
    stack, seen = [exc], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = (getattr(current, "reason", None), current.__cause__, current.__context__, *current.args)
        stack.extend(item for item in linked if isinstance(item, BaseException))


def _tls_reason(exc: BaseException) -> str:
    for item in _chain(exc):
        if isinstance(item, ssl.SSLCertVerificationError):
            return str(item.verify_message or item.reason or "certificate verify failed")
        if isinstance(item, ssl.SSLError):
            return str(item.reason or item.strerror or "handshake error")
    return "handshake error"


def failure_phrase(exc: BaseException, timeout: float, limit: Deadline | None = None) -> str:
    """What went wrong with a request, in the words every message of the package uses."""
    if limit is not None and limit.expired:
        return f"no answer within {limit.seconds:g} s"
    chain = list(_chain(exc))
    if isinstance(exc, requests.ConnectTimeout):
        return f"could not connect within {timeout:g} s"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"the TLS handshake failed ({_tls_reason(exc)})"
    if isinstance(exc, requests.Timeout) or any(isinstance(item, TimeoutError) for item in chain):
        return f"no answer within {timeout:g} s"
    if any(isinstance(item, NameResolutionError | socket.gaierror) for item in chain):
        return "the host name does not resolve"
    if any(isinstance(item, ConnectionRefusedError) for item in chain):
        return "the connection was refused"
    if isinstance(exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError):
        return "the connection was dropped"
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.InvalidSchema):
        return f"the URL cannot be requested ({type(exc).__name__})"
    return f"the request failed ({type(exc).__name__})"
