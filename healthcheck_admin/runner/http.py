"""Sending a check's request over the network with ``requests``.

Failures become :class:`~healthcheck_admin.runner.exchange.Stop` with a short
human message in the package's one vocabulary (:mod:`healthcheck_admin.transport`):
which request, and what went wrong (refused, timed out, TLS), never a stack trace.

The URL judged by the allow-list is the URL of the very ``PreparedRequest`` that is
sent, and the request's credentials are dropped at the last moment if that URL
leaves the check's own origin.
"""

from __future__ import annotations

from collections.abc import Callable

import requests
from requests.structures import CaseInsensitiveDict

from healthcheck_admin.runner.exchange import Reply, Request, Stop, may_carry_credentials, without_credentials
from healthcheck_admin.transport import deadline, failure_phrase, new_session, where

__all__ = ["MAX_BODY_BYTES", "charset", "decode", "new_session", "send_http"]

#: The runner reads at most this much of a body; the rest is not downloaded.
MAX_BODY_BYTES = 5 * 1024 * 1024
_CHUNK = 64 * 1024


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


def _prepare(session: requests.Session, request: Request) -> requests.PreparedRequest:
    prepared = session.prepare_request(
        requests.Request(
            request.method, request.url, headers=request.headers, cookies=request.cookies, data=request.body
        )
    )
    if not may_carry_credentials(request, prepared.url or ""):
        prepared.headers = CaseInsensitiveDict(without_credentials(prepared.headers))
        prepared.headers.pop("Cookie", None)
    return prepared


def send_http(
    session: requests.Session,
    request: Request,
    timeout: float,
    verify: bool,
    refusal: Callable[[str], str | None] = lambda url: None,
) -> Reply:
    """Send one request without following redirects; read at most :data:`MAX_BODY_BYTES`.

    ``refusal`` judges the prepared URL (what is really sent); a reason stops the request
    before any byte leaves. The whole request, body included, ends by ``timeout`` seconds.
    """
    label = where(request.method, request.url)
    try:
        prepared = _prepare(session, request)
    except (requests.RequestException, ValueError) as exc:
        raise Stop("error", f"{label}: the URL cannot be requested ({type(exc).__name__})") from None
    reason = refusal(prepared.url or "")
    if reason:
        raise Stop("refused", reason)
    settings = session.merge_environment_settings(prepared.url, {}, True, verify, None)
    with deadline(timeout) as limit:
        try:
            response = session.send(prepared, timeout=timeout, allow_redirects=False, **settings)
            try:
                data = b"" if request.method == "HEAD" else _read_body(response)
            finally:
                response.close()
        except requests.RequestException as exc:
            raise Stop("error", f"{label}: {failure_phrase(exc, timeout, limit)}") from None
        if limit.expired:
            raise Stop("error", f"{label}: {failure_phrase(TimeoutError(), timeout, limit)}")
    headers = CaseInsensitiveDict(response.headers)
    return Reply(response.status_code, headers, decode(data, headers.get("content-type", "")), request.url)
