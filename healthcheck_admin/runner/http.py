"""Sending a check's request over the network with ``requests``.

Failures become :class:`~healthcheck_admin.runner.exchange.Stop` with a short
human message: which host, and what went wrong (refused, timed out, TLS), never
a stack trace.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import NameResolutionError, ReadTimeoutError

from healthcheck_admin.runner.exchange import Reply, Request, Stop

#: The runner reads at most this much of a body; the rest is not downloaded.
MAX_BODY_BYTES = 5 * 1024 * 1024
_CHUNK = 64 * 1024


def new_session() -> requests.Session:
    from healthcheck_admin import __version__

    session = requests.Session()
    session.headers["User-Agent"] = f"healthcheck_admin/{__version__}"
    return session


def charset(content_type: str, default: str = "utf-8") -> str:
    """The ``charset`` parameter of a Content-Type, or ``default``."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return default


def decode(data: bytes, content_type: str) -> str:
    try:
        return data.decode(charset(content_type), errors="replace")
    except LookupError:  # an unknown charset name
        return data.decode("utf-8", errors="replace")


def _read_body(response: requests.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(_CHUNK):
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_BODY_BYTES:
            break
    return b"".join(chunks)[:MAX_BODY_BYTES]


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


def _root_reason(exc: BaseException) -> str:
    """The most specific low-level reason, e.g. ``Connection refused``."""
    for item in _chain(exc):
        if isinstance(item, ssl.SSLCertVerificationError):
            return str(item.verify_message or item.reason or "certificate verify failed")
        if isinstance(item, ssl.SSLError):
            return str(item.reason or item.strerror or "TLS handshake failed")
        if isinstance(item, NameResolutionError | socket.gaierror):
            return "the host name could not be resolved"
    for item in _chain(exc):
        if isinstance(item, OSError) and not isinstance(item, requests.RequestException) and item.strerror:
            return str(item.strerror)
    return type(exc).__name__


def _is_read_timeout(exc: BaseException) -> bool:
    return any(isinstance(item, ReadTimeoutError | TimeoutError) for item in _chain(exc))


def describe_error(exc: requests.RequestException, url: str, timeout: float) -> str:
    """A one-line message for a failed request."""
    where = urlsplit(url).netloc or url
    if isinstance(exc, requests.ConnectTimeout):
        return f"timed out after {timeout:g} s connecting to {where}"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"TLS error with {where}: {_root_reason(exc)}"
    if isinstance(exc, requests.ReadTimeout) or (
        isinstance(exc, requests.ConnectionError) and _is_read_timeout(exc)
    ):
        return f"no response from {where} within {timeout:g} s"
    if isinstance(exc, requests.ConnectionError):
        return f"could not connect to {where}: {_root_reason(exc)}"
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.InvalidSchema):
        return f"cannot request {url!r}: {exc}"
    return f"request to {where} failed: {type(exc).__name__}"


def send_http(session: requests.Session, request: Request, timeout: float, verify: bool) -> Reply:
    """Send one request without following redirects; read at most :data:`MAX_BODY_BYTES`."""
    try:
        response = session.request(
            request.method,
            request.url,
            headers=request.headers,
            cookies=request.cookies,
            data=request.body,
            timeout=timeout,
            verify=verify,
            allow_redirects=False,
            stream=True,
        )
        try:
            data = b"" if request.method == "HEAD" else _read_body(response)
        finally:
            response.close()
    except requests.RequestException as exc:
        raise Stop("error", describe_error(exc, request.url, timeout)) from None
    headers = CaseInsensitiveDict(response.headers)
    return Reply(response.status_code, headers, decode(data, headers.get("content-type", "")), request.url)
